"""Open311 GeoReport v2, read-only, under /open311/v2/ (public)."""

from django.urls import re_path

from tipoff.transparency import open311

app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>json|xml)$", open311.services, name="services"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", open311.requests_list, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/.]+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="request",
    ),
]
