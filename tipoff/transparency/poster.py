"""The directory of inspection teams as paper: a printable A4 list and a QR poster.

Both are public pages of the default body. The QR code is drawn here, on the
server, as inline SVG (``segno``): nothing is fetched from another host, and
it leads to the report form at the deployment's public address (``SITE_URL``),
not at whatever host name the printing browser happened to use.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tipoff.people.models import Body
from tipoff.people.selectors import body_default, teams_directory


def report_form_url() -> str:
    """The public address of the report form, as printed under the QR code."""
    return settings.SITE_URL + reverse("reports:categories")


def qr_svg(url: str, *, title: str) -> SafeString:
    """The QR code of ``url`` as inline SVG that scales to its box (no fixed size)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, title=title, svgclass="qr", omitsize=True
    )
    # segno escapes the title and the data is only path coordinates.
    return mark_safe(svg)  # noqa: S308


def _body() -> Body:
    body = body_default()
    if body is None:
        raise Http404("no body configured")
    return body


@require_GET
def print_list(request: HttpRequest) -> HttpResponse:
    body = _body()
    return render(
        request,
        "transparency/poster_print.html",
        {"body": body, "teams": teams_directory(body), "report_url": report_form_url()},
    )


@require_GET
def poster(request: HttpRequest) -> HttpResponse:
    body = _body()
    url = report_form_url()
    return render(
        request,
        "transparency/poster.html",
        {
            "body": body,
            "teams": teams_directory(body),
            "report_url": url,
            "qr": qr_svg(url, title=_("QR code: report online")),
        },
    )
