"""The public statistics page and its CSV files (``/transparency/statistics/``).

Filters are the body and the year (or every year together) — nothing finer,
see ``stats``. The page is complete without JavaScript: every chart is drawn
from the table beneath it, which is the page's real content.
"""

from __future__ import annotations

import csv

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tipoff.lib.spreadsheet import csv_row
from tipoff.people.models import Body
from tipoff.people.selectors import body_by_slug, body_default
from tipoff.transparency.stats import stats_published, years_available
from tipoff.transparency.stats_present import PeriodInvalid, period_parse, presented


def _choice(request: HttpRequest) -> tuple[Body, int | None]:
    slug = request.GET.get("body", "")
    body = body_by_slug(slug) if slug else body_default()
    if body is None:
        raise Http404
    try:
        return body, period_parse(body, request.GET.get("year"))
    except PeriodInvalid:
        raise BadRequest("period") from None


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    body, year = _choice(request)
    pub = stats_published(body=body, year=year)
    return render(
        request,
        "transparency/statistics.html",
        {
            "body": body,
            "bodies": Body.objects.order_by("id"),
            "year": year,
            "years": years_available(body),
            "pub": pub,
            "tables": presented(pub, body),
            "refreshed_at": pub.refreshed_at and timezone.localtime(pub.refreshed_at),
            "query": f"body={body.slug}&year={year or 'all'}",
        },
    )


@require_safe
def statistics_csv(request: HttpRequest, name: str) -> HttpResponse:
    body, year = _choice(request)
    tables = {t.name: t for t in presented(stats_published(body=body, year=year), body)}
    table = tables.get(name)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{body.slug}-{year or 'all'}-{name}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese correctly
    writer = csv.writer(response)
    writer.writerow(["key", "label", *(c.key for c in table.columns)])
    for line in [*table.rows, *([table.footer] if table.footer else [])]:
        writer.writerow(csv_row([line.key, line.label, *line.values]))
    return response
