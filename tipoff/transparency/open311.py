"""A read-only Open311 GeoReport v2 endpoint, under /open311/v2/.

* ``services.json|xml`` — the service list: the body's active categories.
* ``requests.json|xml`` and ``requests/<id>.json|xml`` — one "service
  request" per *published* notice of a typical case, with its public fields
  only. Reports, cases, reporters and unpublished or withdrawn notices never
  appear; a notice's ``requested_datetime`` is when it was published (the
  public record), not when anyone reported anything.

Query parameters of GET requests: ``service_request_id`` (comma-separated;
the others are then ignored, as the spec says), ``service_code``
(comma-separated), ``start_date``/``end_date`` (w3 date-times, on
``requested_datetime``; without either, the last 90 days), ``status``
(``open``/``closed``, comma-separated; notices are all ``closed``) and
``jurisdiction_id`` (a body's slug; the default body without it). At most
1,000 requests are returned. Writing is not offered: a POST answers 405 with
an Open311 error. Errors use the spec's shapes, ``[{"code", "description"}]``
and ``<errors><error><code/><description/></error></errors>``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from tipoff.lib.digits import number
from tipoff.people.models import Body, Category
from tipoff.people.selectors import body_by_slug, body_default, categories_active
from tipoff.transparency.models import Notice
from tipoff.transparency.notices_selectors import notices_published

FORMATS = ("json", "xml")
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
STATUSES = ("open", "closed")
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


# --- rendering ----------------------------------------------------------------------------


def _xml(root: str, child: str, rows: Iterable[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        item = ET.SubElement(top, child)
        for name, value in row.items():
            ET.SubElement(item, name).text = "" if value is None else _text(value)
    # The spec: the root element is preceded by a declaration with encoding="UTF-8".
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return (declaration + ET.tostring(top, encoding="unicode")).encode()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _respond(fmt: str, root: str, child: str, rows: list[dict[str, Any]], status: int = 200):
    if fmt == "xml":
        response = HttpResponse(
            _xml(root, child, rows), content_type="text/xml; charset=utf-8", status=status
        )
    else:
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=status,
        )
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    rows = [{"code": error.code, "description": error.description}]
    return _respond(fmt, "errors", "error", rows, status=error.code)


def _w3(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# --- reading --------------------------------------------------------------------------------


def _jurisdiction(request: HttpRequest) -> Body:
    slug = request.GET.get("jurisdiction_id", "").strip()
    body = body_by_slug(slug) if slug else body_default()
    if body is None:
        raise Open311Error(404, "jurisdiction_id not found")
    return body


def service_rows(body: Body) -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.code,
            "service_name": category.name(),
            "description": category.description(),
            "metadata": False,
            "type": "blackbox",
            "keywords": "",
            "group": "",
        }
        for category in categories_active(body)
    ]


def _joiner() -> str:
    return ", " if (get_language() or "").startswith("en") else "、"


def request_row(notice: Notice, body: Body) -> dict[str, Any]:
    """A published notice as a GeoReport v2 service request: public fields only."""
    category: Category | None = notice.category
    kinds = _joiner().join(kind.name() for kind in notice.sanction_kinds.all())
    notes = str(notice.get_finding_display()) + (f" · {kinds}" if kinds else "")
    return {
        "service_request_id": str(notice.pk),
        "status": "closed",
        "status_notes": notes,
        "service_name": category.name() if category else "",
        "service_code": category.code if category else "",
        "description": f"{notice.title()}\n\n{notice.text()}",
        "agency_responsible": body.name(),
        "service_notice": "",
        "requested_datetime": _w3(notice.published_at),
        "updated_datetime": _w3(notice.published_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _moment(name: str, raw: str) -> dt.datetime:
    problem = Open311Error(400, f"{name} must be a w3 date-time such as 2026-01-31T08:00:00Z")
    try:  # well-formed but impossible (2026-02-30, an offset of +99:00) raises
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        raise problem from None
    # Years a database can store in UTC either side of any time zone.
    if value is None or not 1900 <= value.year <= 9998:
        raise problem
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def requests_matching(request: HttpRequest, body: Body) -> QuerySet[Notice]:
    query = notices_published(body)
    ids = _list(request.GET.get("service_request_id", ""))
    if ids:
        return query.filter(pk__in=[n for i in ids if (n := number(i)) is not None])
    codes = _list(request.GET.get("service_code", ""))
    if codes:
        query = query.filter(category__code__in=codes)
    statuses = _list(request.GET.get("status", ""))
    if any(s not in STATUSES for s in statuses):
        raise Open311Error(400, "status must be open or closed")
    if statuses and "closed" not in statuses:
        return query.none()
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    end = _moment("end_date", end_raw) if end_raw else None
    start = _moment("start_date", start_raw) if start_raw else None
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        query = query.filter(published_at__gte=start)
    if end is not None:
        query = query.filter(published_at__lte=end)
    return query


# --- views ----------------------------------------------------------------------------------


def _read_only(fmt: str, request: HttpRequest) -> HttpResponse | None:
    if request.method in ("GET", "HEAD"):
        return None
    response = _error(fmt, Open311Error(405, "this endpoint is read-only: only GET is offered"))
    response["Allow"] = "GET, HEAD"
    return response


@csrf_exempt
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _read_only(fmt, request)
    if refused is not None:
        return refused
    try:
        body = _jurisdiction(request)
    except Open311Error as exc:
        return _error(fmt, exc)
    return _respond(fmt, "services", "service", service_rows(body))


@csrf_exempt
def requests_list(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _read_only(fmt, request)
    if refused is not None:
        return refused
    try:
        body = _jurisdiction(request)
        notices = list(requests_matching(request, body)[:MAX_REQUESTS])
    except Open311Error as exc:
        return _error(fmt, exc)
    return _respond(fmt, "service_requests", "request", [request_row(n, body) for n in notices])


@csrf_exempt
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    refused = _read_only(fmt, request)
    if refused is not None:
        return refused
    try:
        body = _jurisdiction(request)
        wanted = number(request_id)
        notice = notices_published(body).filter(pk=wanted).first() if wanted is not None else None
        if notice is None:
            raise Open311Error(404, "service_request_id not found")
    except Open311Error as exc:
        return _error(fmt, exc)
    return _respond(fmt, "service_requests", "request", [request_row(notice, body)])
