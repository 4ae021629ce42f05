"""The published statistics as labelled tables: what the page, the CSV files and the API show.

One list of tables, built once per request from ``stats.Published``, so the
chart, its table, its CSV file and the API can never disagree. A withheld
count is ``None`` everywhere: an empty CSV cell, ``null`` in JSON, a dash
(read out as "withheld") on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from tipoff.cases.models import SanctionKind
from tipoff.lib.digits import number
from tipoff.people.models import Body, Category, Unit
from tipoff.reports.models import Channel
from tipoff.transparency.models import Outcome
from tipoff.transparency.stats import OUTCOMES, Published, Table, years_available

Value = int | float | None  # None: withheld


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    series: bool = True  # drawn in the chart (a total column is not)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Presented:
    name: str  # also the CSV file's name
    title: str
    description: str
    columns: list[Column]
    rows: list[Line]
    footer: Line | None = None
    chart: str = "bar"  # bar | hbar | "" (a table only)
    stacked: bool = False


class PeriodInvalid(ValueError):
    pass


def period_parse(body: Body, raw: str | None) -> int | None:
    """``year`` from a query string: a year with figures, ``all``, or empty (the latest year)."""
    years = years_available(body)
    if not raw:
        return years[0] if years else None
    if raw == "all":
        return None
    year = number(raw, digits=4)
    if year is not None and year in years:
        return year
    raise PeriodInvalid(raw)


def month_label(key: str) -> str:
    month = dt.date.fromisoformat(key + "-01")
    if (get_language() or "").startswith("en"):
        return month.strftime("%b %Y")
    return f"{month.year}年{month.month}月"


def _labels(body: Body, dim: str, keys: list[str]) -> dict[str, str]:
    if dim == "category":
        found = {str(c.pk): c.name() for c in Category.objects.filter(pk__in=_ids(keys))}
    elif dim == "unit":
        found = {str(u.pk): u.name() for u in Unit.objects.filter(pk__in=_ids(keys))}
        found["0"] = _("Not given")
    elif dim == "channel":
        found = {c.value: str(c.label) for c in Channel}
    else:
        found = {k: month_label(k) for k in keys}
    return {k: found.get(k, k) for k in keys}


def _ids(keys: list[str]) -> list[int]:
    return [n for k in keys if (n := number(k)) is not None]


def _outcome_columns() -> list[Column]:
    return [
        *(Column(o, str(Outcome(o).label)) for o in OUTCOMES),
        Column("total", _("Reports received"), series=False),
    ]


def _outcome_table(body: Body, name: str, title: str, description: str, table: Table) -> Presented:
    labels = _labels(body, name, [r.key for r in table.rows])
    return Presented(
        name=name,
        title=title,
        description=description,
        columns=_outcome_columns(),
        rows=[
            Line(r.key, labels[r.key], [*(r.cells[o] for o in OUTCOMES), r.total])
            for r in table.rows
        ],
        footer=Line("total", _("Total"), [*(table.totals[o] for o in OUTCOMES), table.total]),
        chart="bar" if name == "month" else "hbar",
        stacked=True,
    )


FUNNEL = ("people", "received", "accepted", "concluded", "founded", "sanctioned")


def funnel_labels() -> dict[str, str]:
    return {
        "people": _("People who used the service (receipts issued)"),
        "received": _("Reports received"),
        "accepted": _("Accepted for handling"),
        "concluded": _("Concluded"),
        "founded": _("Founded (in full or in part)"),
        "sanctioned": _("Measures imposed on officials"),
    }


def presented(pub: Published, body: Body) -> list[Presented]:
    labels = funnel_labels()
    kinds = {k.pk: k for k in SanctionKind.objects.filter(body=body)}
    count = pgettext("statistics column", "Number")
    tables = [
        Presented(
            name="funnel",
            title=_("From report to outcome"),
            description=_("How many reports went how far, for reports received in the period."),
            columns=[Column("count", count)],
            rows=[Line(k, labels[k], [pub.funnel.get(k)]) for k in FUNNEL],
            chart="hbar",
        ),
        _outcome_table(
            body,
            "month",
            _("Reports by month received"),
            _("Each month's reports by where they stand now."),
            pub.tables["month"],
        ),
        _outcome_table(
            body,
            "category",
            _("Reports by kind of misconduct"),
            _("Reports by the category the reporter chose, and where they stand now."),
            pub.tables["category"],
        ),
        _outcome_table(
            body,
            "unit",
            _("Reports by unit"),
            _("Reports by the unit of the officials reported, and where they stand now."),
            pub.tables["unit"],
        ),
        _outcome_table(
            body,
            "channel",
            _("Reports by channel"),
            _("How reports reached us, and where they stand now."),
            pub.tables["channel"],
        ),
        Presented(
            name="sanctions",
            title=_("Measures imposed on officials"),
            description=_(
                "Measures in approved decisions on cases opened in the period, by kind. "
                "An official given two measures counts twice."
            ),
            columns=[Column("count", count)],
            rows=[
                Line(
                    kinds[k.kind_id].code if k.kind_id in kinds else str(k.kind_id),
                    kinds[k.kind_id].name() if k.kind_id in kinds else str(k.kind_id),
                    [k.count],
                )
                for k in pub.sanctions
            ],
            footer=Line("total", _("Total"), [pub.sanctions_total]),
            chart="hbar",
        ),
        Presented(
            name="timing",
            title=_("Speed of handling"),
            description=_(
                "Median days from receipt to acknowledgement and to an approved decision, and "
                "the share done within the body's deadlines, for cases opened in the period."
            ),
            columns=[
                Column("median_days", _("Median days")),
                Column("within_share", _("Within the deadline (%)")),
            ],
            rows=[
                Line(
                    measure,
                    _("To acknowledge") if measure == "acknowledge" else _("To conclude"),
                    [
                        _number(pub.timing[measure].median_days),
                        pub.timing[measure].within_share,
                    ],
                )
                for measure in ("acknowledge", "conclude")
            ],
            chart="",
        ),
    ]
    return tables


def _number(value: float | None) -> Value:
    # Median days are whole or halves; shown as such (int when whole).
    if value is None:
        return None
    return int(value) if value == int(value) else value
