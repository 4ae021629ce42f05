"""Site-wide pages: errors in the visitor's language, and the installable app's files.

Error pages never reveal internals. The web app manifest, service worker and
offline page live here because they belong to the whole site, not to one app.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

THEME_COLOUR = "#9b1b1f"
BACKGROUND_COLOUR = "#ffffff"

# What the service worker keeps for offline use: the app shell only. Pages
# with a reporter's data (forms, receipts, follow-up) are never cached.
SHELL_STATIC = [
    "tipoff/css/site.css",
    "tipoff/js/site.js",
    "tipoff/icons/icon-192.png",
    "tipoff/icons/icon-512.png",
]


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=status)
    response = render(request, "error.html", {"title": title, "text": text}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return _error(
            request,
            400,
            _("Too many fields or files"),
            _(
                "The form sent more fields or files than this site accepts. "
                "Please go back and try again."
            ),
        )
    if isinstance(exception, MultiPartParserError):
        return _error(
            request,
            400,
            _("The upload was incomplete"),
            _(
                "What you sent arrived incomplete or damaged, perhaps because the connection "
                "was lost. Please go back and send it again."
            ),
        )
    return _error(
        request, 400, _("Bad request"), _("The request could not be understood. Please try again.")
    )


def request_too_large(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        413,
        _("Too much to send at once"),
        _(
            "What you sent is larger than this site accepts: at most %(files)d files of "
            "%(mb)d MB each. Please go back, remove or shrink some files, and try again."
        )
        % {"files": settings.EVIDENCE_MAX_FILES, "mb": settings.EVIDENCE_MAX_FILE_MB},
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Not allowed"), _("You are not allowed to see this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"), _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong"), _("Please try again in a moment."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form expired or came from elsewhere: explain, in both languages, how to carry on."""
    current = get_language() or settings.LANGUAGE_CODE
    versions = []
    for code, _name in sorted(settings.LANGUAGES, key=lambda lang: lang[0] != current):
        with translation.override(code):
            versions.append(
                {
                    "lang": "en" if code == "en" else "zh-Hans",
                    "title": _("This form has expired"),
                    "text": _(
                        "For your security, forms stop working after a while or when cookies "
                        "are blocked. Go back, reload the page and send it again. If you were "
                        "writing a report, your draft is kept on this device."
                    ),
                }
            )
    response = render(request, "csrf_failure.html", {"versions": versions}, status=403)
    response["Cache-Control"] = "no-store"
    return response


# --- the installable app -----------------------------------------------------------


def _icon(size: int, purpose: str = "any") -> dict[str, str]:
    name = f"tipoff/icons/icon-{size}{'-maskable' if purpose == 'maskable' else ''}.png"
    return {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    english = (get_language() or "").startswith("en")
    data = {
        "name": _("Report misconduct"),
        "short_name": _("Report"),
        "description": _(
            "Report misconduct by officials, anonymously if you wish, and follow your report up."
        ),
        "lang": "en" if english else "zh-Hans",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [_icon(192), _icon(512), _icon(512, "maskable")],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


def _shell_version(urls: list[str]) -> str:
    """Changes whenever a shell file or its address changes, so clients refresh their copy."""
    digest = hashlib.sha256("\n".join(urls).encode())
    for name in SHELL_STATIC:
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL_STATIC]
    offline_url = "/offline/"
    context = {
        "version": json.dumps(_shell_version([*shell, offline_url])),
        "shell": json.dumps([*shell, offline_url]),
        "offline_url": json.dumps(offline_url),
    }
    response = render(request, "pwa/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")


# Swagger UI sets style attributes on its elements; scripts stay 'self' only.
API_DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API described for people: Swagger UI, vendored, reading /api/v1/openapi.json."""
    from django.urls import reverse

    response = render(request, "api_docs.html", {"schema_url": reverse("api:openapi-json")})
    response["Content-Security-Policy"] = API_DOCS_CSP
    return response
