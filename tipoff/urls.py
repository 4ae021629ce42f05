"""The four faces: public site, back office, API and channel webhooks."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from tipoff.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("office/config/channels/", include("tipoff.channels.config_urls")),
    path("office/config/", include("tipoff.people.config_urls")),
    path("office/", include("tipoff.office.urls")),
    path("staff/", include("tipoff.people.urls")),
    path("channels/", include("tipoff.channels.urls")),
    path("attendance/", include("tipoff.attendance.urls")),
    path("transparency/", include("tipoff.transparency.urls")),
    path("", include("tipoff.reports.urls")),
]

handler400 = "tipoff.views.bad_request"
handler403 = "tipoff.views.permission_denied"
handler404 = "tipoff.views.page_not_found"
handler500 = "tipoff.views.server_error"
