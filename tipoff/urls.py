"""The four faces: public site, back office, API and channel webhooks."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control, cache_page
from django.views.i18n import JavaScriptCatalog

from tipoff import views
from tipoff.api import api


def _catalogue_version() -> str:
    """Changes whenever a JavaScript translation changes (their compiled catalogues)."""
    digest = hashlib.sha256()
    for mo in sorted(Path(settings.BASE_DIR, "tipoff").rglob("djangojs.mo")):
        digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


# The JavaScript translations at /<language>/jsi18n/<version>/: the language and
# the version are in the address, so browsers and proxies may keep it for a year
# (`{% url 'javascript-catalog' %}` gives the current language's address).
_catalogue = cache_control(public=True, max_age=365 * 86400, immutable=True)(
    cache_page(365 * 86400)(JavaScriptCatalog.as_view())
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/docs/", views.api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("office/config/channels/", include("tipoff.channels.config_urls")),
    path("office/config/", include("tipoff.people.config_urls")),
    path("office/", include("tipoff.office.urls")),
    path("staff/", include("tipoff.people.urls")),
    path("channels/", include("tipoff.channels.urls")),
    path("attendance/", include("tipoff.attendance.urls")),
    path("transparency/", include("tipoff.transparency.urls")),
    # Notices of typical cases, the team directory on paper, Open311 (transparency app).
    path("office/notices/", include("tipoff.transparency.notices_office_urls")),
    path("notices/", include("tipoff.transparency.notices_urls")),
    path("teams/", include("tipoff.transparency.poster_urls")),
    path("open311/v2/", include("tipoff.transparency.open311_urls")),
    path("", include("tipoff.ops.urls")),
    path("", include("tipoff.reports.urls")),
    *i18n_patterns(
        path(f"jsi18n/{_catalogue_version()}/", _catalogue, name="javascript-catalog"),
        prefix_default_language=True,
    ),
]

handler400 = "tipoff.views.bad_request"
handler403 = "tipoff.views.permission_denied"
handler404 = "tipoff.views.page_not_found"
handler500 = "tipoff.views.server_error"
