"""Administrators' pages: permissions, forms with bad input, employee actions, review, reports."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipoff.attendance.models import (
    Attempt,
    CalendarDay,
    CaseReferral,
    Consent,
    DailyRecord,
    Employee,
    Enrollment,
    Kiosk,
    Leave,
    Schedule,
    Site,
)
from tipoff.attendance.records import event_record, records_settle
from tipoff.audit.models import AuditEvent
from tipoff.people.services import body_create

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff["admin"])
    return client


def test_who_may_see_what(site, staff, make_employee):
    employee = make_employee()
    anonymous = Client()
    response = anonymous.get("/attendance/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    inspector = Client()
    inspector.force_login(staff["inspector"])
    assert inspector.get("/attendance/").status_code == 403
    auditor = Client()
    auditor.force_login(staff["auditor"])
    assert auditor.get("/attendance/").status_code == 200
    assert auditor.get(f"/attendance/sites/{site.pk}/report/").status_code == 200
    assert auditor.get(f"/attendance/sites/{site.pk}/employees/").status_code == 403
    assert (
        auditor.post(f"/attendance/employees/{employee.pk}/pin/", {"pin": "1234"}).status_code
        == 403
    )
    # An administrator of another body sees nothing of this one.
    other = body_create(slug="other", name_zh="另一个", name_en="Other").body
    from tipoff.people.services import staff_create

    stranger = staff_create(username="other-admin", password="x" * 20, body=other, role="admin")
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/attendance/sites/{site.pk}/employees/").status_code == 404
    assert client.get(f"/attendance/employees/{employee.pk}/").status_code == 404


def test_setting_up_a_site_schedule_calendar_kiosk_and_employee(admin_client, body, staff):
    response = admin_client.post(
        "/attendance/sites/new/",
        {"name_zh": "法院", "name_en": "Court", "timezone": "Mars/Base", "review_days": 7},
    )
    assert response.status_code == 400 and "Unknown time zone" in response.content.decode()
    response = admin_client.post(
        "/attendance/sites/new/",
        {"name_zh": "法院", "name_en": "Court", "timezone": "Asia/Shanghai", "review_days": 7},
    )
    assert response.status_code == 302
    site = Site.objects.get(name_en="Court")

    response = admin_client.post(
        "/attendance/schedules/new/",
        {
            "name": "Bad",
            "start": "09:00",
            "end": "09:00",
            "grace_minutes": 5,
            "early_grace_minutes": 0,
        },
    )
    assert response.status_code == 400
    response = admin_client.post(
        "/attendance/schedules/new/",
        {
            "name": "Night",
            "start": "20:00",
            "end": "08:00",
            "grace_minutes": 10,
            "early_grace_minutes": 0,
            "rest_weekdays": ["5", "6"],
            "follows_calendar": "on",
        },
    )
    assert response.status_code == 302
    night = Schedule.objects.get(name="Night")
    assert night.overnight and night.rest_weekdays == [5, 6]
    assert "overnight" in admin_client.get("/attendance/schedules/").content.decode()

    assert (
        admin_client.post(
            "/attendance/calendar/",
            {"date": "2026-10-01", "kind": "holiday", "name": "National Day"},
        ).status_code
        == 302
    )
    response = admin_client.post(
        "/attendance/calendar/", {"date": "2026-10-01", "kind": "workday", "name": "again"}
    )
    assert response.status_code == 400 and "already" in response.content.decode()
    day = CalendarDay.objects.get()
    assert admin_client.post(f"/attendance/calendar/{day.pk}/delete/").status_code == 302
    assert not CalendarDay.objects.exists()

    assert (
        admin_client.post(f"/attendance/sites/{site.pk}/kiosks/", {"name": "Lobby"}).status_code
        == 302
    )
    kiosk = Kiosk.objects.get()
    response = admin_client.post(f"/attendance/kiosks/{kiosk.pk}/", {"action": "code"})
    code = re.search(r'class="code"[^>]*>(\d{8})<', response.content.decode()).group(1)
    assert code

    unit = body.unit()
    data = {
        "number": "A1",
        "name": "王芳",
        "position": "Clerk",
        "unit": unit.pk,
        "schedule": night.pk,
        "site": site.pk,
        "active": "on",
    }
    assert admin_client.post(f"/attendance/sites/{site.pk}/employees/new/", data).status_code == 302
    response = admin_client.post(f"/attendance/sites/{site.pk}/employees/new/", data)
    assert response.status_code == 400 and "staff number" in response.content.decode()
    assert (
        "王芳" in admin_client.get(f"/attendance/sites/{site.pk}/employees/?q=王").content.decode()
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "attendance.site.save",
        "attendance.schedule.save",
        "attendance.kiosk.add",
        "attendance.employee.save",
    } <= actions


def test_employee_page_actions(admin_client, make_employee, johns, site, staff):
    employee = make_employee("Li Na")
    page = f"/attendance/employees/{employee.pk}/"
    assert admin_client.get(page).status_code == 200

    files = [
        SimpleUploadedFile(f"p{i}.jpg", data, "image/jpeg")
        for i, data in enumerate(johns["John_Simm"][:4])
    ]
    response = admin_client.post(f"{page}photos/", {"photos": files})
    assert response.status_code == 400  # the consent box was not ticked
    assert not Enrollment.objects.exists()
    files = [
        SimpleUploadedFile(f"p{i}.jpg", data, "image/jpeg")
        for i, data in enumerate(johns["John_Simm"][:4])
    ]
    response = admin_client.post(f"{page}photos/", {"photos": files, "consent": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Enrollment.objects.get(employee=employee).photo_count == 4
    assert Consent.objects.get(employee=employee).how == "paper"

    bad = [SimpleUploadedFile("x.jpg", b"not a photo", "image/jpeg")] * 3
    response = admin_client.post(f"{page}photos/", {"photos": bad, "consent": "on"})
    assert response.status_code == 400 and "not a readable image" in response.content.decode()

    assert admin_client.post(f"{page}pin/", {"pin": "12ab"}).status_code == 400
    assert admin_client.post(f"{page}pin/", {"pin": "4321"}).status_code == 302
    assert (
        admin_client.post(
            f"{page}leave/",
            {"start": "2026-09-10", "end": "2026-09-01", "kind": "sick", "reason": "flu"},
        ).status_code
        == 400
    )
    assert (
        admin_client.post(
            f"{page}leave/",
            {"start": "2026-09-01", "end": "2026-09-02", "kind": "sick", "reason": "flu"},
        ).status_code
        == 302
    )
    leave = Leave.objects.get()
    assert (
        admin_client.post(f"{page}leave/", {"action": "delete", "leave": "abc"}).status_code == 404
    )
    assert (
        admin_client.post(f"{page}leave/", {"action": "delete", "leave": leave.pk}).status_code
        == 302
    )
    assert (
        admin_client.post(
            f"{page}punch/", {"at": "2026-09-03T08:20", "direction": "in", "reason": ""}
        ).status_code
        == 400
    )
    assert (
        admin_client.post(
            f"{page}punch/",
            {"at": "2026-09-03T08:20", "direction": "in", "reason": "reader broken"},
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            f"{page}correct/", {"day": "2026-09-03", "status": "on_time", "reason": "ok"}
        ).status_code
        == 302
    )
    assert DailyRecord.objects.get(employee=employee, date=dt.date(2026, 9, 3)).corrected
    response = admin_client.post(f"{page}code/")
    assert re.search(r'class="code"[^>]*>\d{8}<', response.content.decode())

    assert admin_client.post(f"{page}consent/", {"action": "withdraw"}).status_code == 302
    assert not Enrollment.objects.get(employee=employee).active


def test_review_snapshot_confirm_and_dismiss(admin_client, make_employee, site, staff):
    from PIL import Image

    from tipoff.attendance.checkin import _attempt

    kiosk = Kiosk.objects.create(site=site, name="Gate")
    employee = make_employee("Zhou")
    import numpy as np

    picture = np.asarray(Image.new("RGB", (64, 48), (10, 120, 200)))
    doubtful = _attempt(
        kiosk=kiosk,
        direction="in",
        outcome="doubtful",
        reason="",
        images=[picture],
        employee=employee,
        distance=0.5,
    )
    unknown = _attempt(
        kiosk=kiosk, direction="in", outcome="unrecognised", reason="", images=[picture]
    )
    accepted = _attempt(
        kiosk=kiosk,
        direction="in",
        outcome="recognised",
        reason="",
        images=[picture] * 3,
        employee=employee,
        distance=0.3,
    )
    page = admin_client.get(f"/attendance/sites/{site.pk}/review/").content.decode()
    assert f"/attendance/attempts/{doubtful.pk}/snapshot.jpg" in page
    # Accepted check-ins are listed apart, with their frames, not as work to review.
    assert "Recent check-ins" in page and f"/attendance/attempts/{accepted.pk}/snapshot.jpg" in page
    assert admin_client.get(f"/attendance/attempts/{accepted.pk}/snapshot.jpg").status_code == 200
    response = admin_client.get(f"/attendance/attempts/{doubtful.pk}/snapshot.jpg")
    assert (
        response.status_code == 200
        and response["Content-Type"] == "image/jpeg"
        and response["Cache-Control"] == "no-store"
    )
    assert AuditEvent.objects.filter(action="attendance.snapshot.view").count() == 2

    assert (
        admin_client.post(
            f"/attendance/attempts/{doubtful.pk}/decide/", {"action": "confirm"}
        ).status_code
        == 302
    )
    doubtful.refresh_from_db()
    assert (
        not doubtful.needs_review
        and doubtful.snapshot is None
        and doubtful.review_result == "confirmed"
    )
    assert employee.events.get().method == "manual"
    admin_client.post(
        f"/attendance/attempts/{unknown.pk}/decide/", {"action": "confirm"}
    )  # nobody chosen
    assert Attempt.objects.get(pk=unknown.pk).needs_review
    admin_client.post(f"/attendance/attempts/{unknown.pk}/decide/", {"action": "dismiss"})
    unknown.refresh_from_db()
    assert unknown.snapshot is None and unknown.review_result == "dismissed"
    assert admin_client.get(f"/attendance/attempts/{unknown.pk}/snapshot.jpg").status_code == 404


def test_monthly_report_charts_csv_and_turning_lateness_into_a_case(
    admin_client, make_employee, site, staff
):
    late = make_employee("=Late person")
    punctual = make_employee("Punctual")
    september = [dt.date(2026, 9, d) for d in range(1, 31)]
    with time_machine.travel(dt.datetime(2026, 10, 2, 9, tzinfo=TZ), tick=False):
        for day in september:
            if day.weekday() < 5:
                event_record(
                    employee=late,
                    at=dt.datetime(day.year, day.month, day.day, 8, 50, tzinfo=TZ),
                    direction="in",
                    method="face",
                )
                event_record(
                    employee=punctual,
                    at=dt.datetime(day.year, day.month, day.day, 8, 20, tzinfo=TZ),
                    direction="in",
                    method="face",
                )
                for who in (late, punctual):
                    event_record(
                        employee=who,
                        at=dt.datetime(day.year, day.month, day.day, 17, 40, tzinfo=TZ),
                        direction="out",
                        method="face",
                    )
        records_settle(site=site, first=september[0], last=september[-1])
        page = admin_client.get(
            f"/attendance/sites/{site.pk}/report/?month=2026-09"
        ).content.decode()
        assert "<svg" in page and 'class="s-late"' in page and "=Late person" in page
        assert (
            admin_client.get(f"/attendance/sites/{site.pk}/report/?month=garbage").status_code
            == 200
        )
        csv_text = admin_client.get(
            f"/attendance/sites/{site.pk}/report.csv?month=2026-09"
        ).content.decode("utf-8-sig")
        lines = csv_text.splitlines()
        assert lines[0].startswith("Staff number")
        assert any(
            line.split(",")[1] == "'=Late person" and line.split(",")[5] == "22" for line in lines
        )

        lateness = admin_client.get(
            f"/attendance/sites/{site.pk}/lateness/?month=2026-09"
        ).content.decode()
        assert "=Late person" in lateness and "Punctual" not in lateness
        response = admin_client.post(
            f"/attendance/employees/{late.pk}/refer/", {"month": "2026-09"}
        )
        assert response.status_code == 302 and "month=2026-09" in response["Location"]
        assert CaseReferral.objects.get(employee=late).late_days == 22
        assert (
            "case opened"
            in admin_client.get(
                f"/attendance/sites/{site.pk}/lateness/?month=2026-09"
            ).content.decode()
        )
        day_page = admin_client.get(
            f"/attendance/sites/{site.pk}/day/?date=2026-09-01"
        ).content.decode()
        assert (
            "Punctual" in day_page
            and admin_client.get(f"/attendance/sites/{site.pk}/day/?date=xx").status_code == 200
        )
    assert Employee.objects.count() == 2


def test_a_month_no_calendar_has_is_this_month_not_a_500(admin_client, make_employee):
    employee = make_employee("Wang Fang")
    for month in ("99999999999999999999-1", "2026-13", "x-y", "0-1"):
        response = admin_client.get(f"/attendance/employees/{employee.pk}/?month={month}")
        assert response.status_code == 200, month
