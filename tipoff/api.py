"""The JSON API at /api/v1/, assembled from each app's router.

The OpenAPI document is served at /api/v1/openapi.json. ninja's interactive
docs page is switched off: it loads Swagger UI from a CDN, and our pages load
nothing from other hosts. People read the API at /api/docs/ instead
(``tipoff.views.api_docs``: Swagger UI vendored under static/vendor/swagger-ui/).

CSRF: the API is for programs, not browsers. It sets and reads no cookies (a
reporter proves who they are with the receipt in the ``X-Receipt`` header),
so a forged cross-site request carries no credential and ninja's default of
no CSRF check is right.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from tipoff.reports.api import router as reports_router
from tipoff.reports.api_errors import JsonObjectParser, install_error_handlers, method_not_allowed
from tipoff.reports.api_followup import router as followup_router
from tipoff.transparency.stats_api import router as stats_router


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps csrf_exempt and the rest of the view's attributes
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(request, response)
        return response

    return wrapper


class TipoffAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns


api = TipoffAPI(
    title="tipoff API",
    version="1",
    description=(
        "Report misconduct of public officials and follow reports up by receipt. "
        "Answers are in the language of the Accept-Language header (zh-hans by default, or en). "
        'Every error has the shape {"detail": message, "errors": {field: [messages]}}.'
    ),
    urls_namespace="api",
    docs_url=None,
    parser=JsonObjectParser(),
)
install_error_handlers(api)
api.add_router("", reports_router)
api.add_router("", followup_router)
api.add_router("", stats_router)
