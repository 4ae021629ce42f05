"""Open data: the published statistics as JSON (``/api/v1/stats/…``).

The same figures as the page and its CSV files, from the same tables
(``stats_present``), with the same withheld counts (``null``). Labels are in
the request's language; keys are stable identifiers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.params import functions as param

from tipoff.people.models import Body
from tipoff.people.selectors import body_by_slug
from tipoff.reports.api_errors import ApiProblem
from tipoff.reports.schemas import ErrorOut
from tipoff.transparency.stats import stats_published, years_available
from tipoff.transparency.stats_present import PeriodInvalid, period_parse, presented

router = Router(tags=["statistics"])


class StatsBodyOut(Schema):
    slug: str = Field(description="Identifier of the body, for `GET /stats/{body}`.")
    name: str = Field(description="The body's name in the request's language.")
    years: list[int] = Field(description="Years with published figures, newest first.")


class ColumnOut(Schema):
    key: str = Field(description="Stable identifier of the column (an outcome, `total`, …).")
    label: str = Field(description="The column's heading in the request's language.")


class LineOut(Schema):
    key: str = Field(
        description="Stable identifier of the row: a category or unit id, a channel, "
        "`YYYY-MM`, a measure's code, a funnel stage."
    )
    label: str = Field(description="The row's heading in the request's language.")
    values: list[int | float | None] = Field(
        description="One per column; null where the count is withheld to protect privacy."
    )


class TableOut(Schema):
    name: str = Field(description="funnel, month, category, unit, channel, sanctions or timing.")
    title: str = Field(description="The table's title in the request's language.")
    columns: list[ColumnOut] = Field(description="The columns, left to right.")
    rows: list[LineOut] = Field(description="The rows, top to bottom.")
    total: LineOut | None = Field(None, description="The totals row, where the table has one.")


class StatsOut(Schema):
    body: str = Field(description="The body's slug.")
    year: int | None = Field(description="The calendar year; null for every year together.")
    threshold: int = Field(
        description="Counts from 1 to threshold - 1 are withheld, with enough others that "
        "they cannot be worked out from totals."
    )
    refreshed_at: dt.datetime | None = Field(description="When the figures were last updated.")
    funnel: dict[str, int | None] = Field(
        description="people (receipts issued), received, accepted, concluded, founded, "
        "sanctioned (measures imposed); null where withheld."
    )
    tables: list[TableOut] = Field(
        description="The breakdowns: by month, category, unit and channel, measures by kind, "
        "and the speed of handling."
    )


def _body(slug: str) -> Body:
    body = body_by_slug(slug)
    if body is None:
        raise ApiProblem(404, _("There is no body with this name."))
    return body


@router.get("/stats", response=list[StatsBodyOut], summary="Bodies with published statistics")
def stats_bodies(request: HttpRequest) -> list[dict[str, Any]]:
    """Every body, with the years for which it publishes statistics."""
    return [
        {"slug": b.slug, "name": b.name(), "years": years_available(b)}
        for b in Body.objects.order_by("id")
    ]


@router.get(
    "/stats/{body}",
    response={200: StatsOut, 400: ErrorOut, 404: ErrorOut},
    summary="A body's statistics for a year",
)
def stats_body(
    request: HttpRequest,
    body: str = param.Path(
        ..., max_length=50, description="The body's slug, from `GET /stats` or `GET /bodies`."
    ),
    year: str | None = param.Query(
        None,
        description="A year from `GET /stats`, or `all` for every year together; the latest "
        "year if omitted. Only whole calendar years are offered, so that periods cannot be "
        "subtracted from each other to single out a month or a report.",
        max_length=10,
    ),
) -> dict[str, Any]:
    """The funnel, the breakdowns by month, category, unit and channel, the measures
    imposed by kind and the speed of handling — with small counts withheld."""
    found = _body(body)
    try:
        period = period_parse(found, year)
    except PeriodInvalid:
        raise ApiProblem(400, _("Choose a year from the list, or all.")) from None
    pub = stats_published(body=found, year=period)
    return {
        "body": found.slug,
        "year": period,
        "threshold": pub.threshold,
        "refreshed_at": pub.refreshed_at,
        "funnel": pub.funnel,
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "columns": [{"key": c.key, "label": c.label} for c in t.columns],
                "rows": [{"key": r.key, "label": r.label, "values": r.values} for r in t.rows],
                "total": (
                    {"key": t.footer.key, "label": t.footer.label, "values": t.footer.values}
                    if t.footer
                    else None
                ),
            }
            for t in presented(pub, found)
        ],
    }
