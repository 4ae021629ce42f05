"""Attendance URLs: the kiosk device's pages and JSON endpoints, then the administrators' pages."""

from django.urls import path

from tipoff.attendance.views import employees, kiosk, reports, review, setup

app_name = "attendance"
urlpatterns = [
    path("kiosk/", kiosk.home, name="kiosk"),
    path("kiosk/pair/", kiosk.pair, name="kiosk_pair"),
    path("kiosk/challenge/", kiosk.challenge, name="kiosk_challenge"),
    path("kiosk/check/", kiosk.check, name="kiosk_check"),
    path("kiosk/pin/", kiosk.pin, name="kiosk_pin"),
    path("kiosk/enroll/start/", kiosk.enroll_start, name="kiosk_enroll_start"),
    path("kiosk/enroll/photo/", kiosk.enroll_photo, name="kiosk_enroll_photo"),
    path("kiosk/enroll/finish/", kiosk.enroll_finish, name="kiosk_enroll_finish"),
    path("", setup.dashboard, name="dashboard"),
    path("sites/new/", setup.site_edit, name="site_new"),
    path("sites/<int:site_id>/edit/", setup.site_edit, name="site_edit"),
    path("sites/<int:site_id>/kiosks/", setup.kiosks, name="kiosks"),
    path("kiosks/<int:kiosk_id>/", setup.kiosk_action, name="kiosk_action"),
    path("schedules/", setup.schedules, name="schedules"),
    path("schedules/new/", setup.schedule_edit, name="schedule_new"),
    path("schedules/<int:schedule_id>/", setup.schedule_edit, name="schedule_edit"),
    path("calendar/", setup.calendar, name="calendar"),
    path("calendar/<int:day_id>/delete/", setup.calendar_delete, name="calendar_delete"),
    path("sites/<int:site_id>/employees/", employees.employee_list, name="employees"),
    path("sites/<int:site_id>/employees/new/", employees.employee_edit, name="employee_new"),
    path(
        "sites/<int:site_id>/employees/<int:employee_id>/edit/",
        employees.employee_edit,
        name="employee_edit",
    ),
    path("employees/<int:employee_id>/", employees.employee_page, name="employee"),
    path("employees/<int:employee_id>/consent/", employees.consent, name="employee_consent"),
    path("employees/<int:employee_id>/photos/", employees.photos, name="employee_photos"),
    path("employees/<int:employee_id>/code/", employees.enrollment_code, name="employee_code"),
    path("employees/<int:employee_id>/pin/", employees.pin, name="employee_pin"),
    path("employees/<int:employee_id>/leave/", employees.leave, name="employee_leave"),
    path("employees/<int:employee_id>/punch/", employees.punch, name="employee_punch"),
    path("employees/<int:employee_id>/correct/", employees.correction, name="employee_correct"),
    path("employees/<int:employee_id>/refer/", reports.refer, name="employee_refer"),
    path("sites/<int:site_id>/review/", review.review, name="review"),
    path("attempts/<int:attempt_id>/snapshot.jpg", review.snapshot, name="snapshot"),
    path("attempts/<int:attempt_id>/decide/", review.decide, name="decide"),
    path("sites/<int:site_id>/day/", reports.day, name="day"),
    path("sites/<int:site_id>/report/", reports.report, name="report"),
    path("sites/<int:site_id>/report.csv", reports.report_csv, name="report_csv"),
    path("sites/<int:site_id>/lateness/", reports.lateness, name="lateness"),
]
