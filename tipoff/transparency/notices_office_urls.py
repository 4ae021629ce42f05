"""Staff pages for notices of typical cases, under /office/notices/."""

from django.urls import path

from tipoff.transparency import notices_office

app_name = "notices_office"
urlpatterns = [
    path("", notices_office.notice_index, name="index"),
    path("new/<int:case_id>/", notices_office.notice_new, name="new"),
    path("<int:notice_id>/", notices_office.notice_page, name="notice"),
    path("<int:notice_id>/edit/", notices_office.notice_edit_view, name="edit"),
    path("<int:notice_id>/do/<slug:step>/", notices_office.notice_step, name="step"),
]
