"""The published statistics of a body for a period, with small counts withheld.

A *period* is one calendar year, or every year together. Years never
overlap, so no two published periods can be subtracted to isolate a month or
a day (see docs/transparency.md, *Why whole years*). Inside a year every
breakdown — by category, unit, channel and month — is a table of reports by
outcome, and all four share the same column totals and grand total; their
suppression is worked out together (``stats_suppress``). The figures for all
years together are sums of the yearly published figures, withheld whenever
one of the years' figures is, so they tell nothing the years do not.

Everything is read from the roll-up cells (``stats_rollup``); the result is
cached under the roll-ups' version, so an unchanged body costs one query.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Min, Sum

from tipoff.lib.digits import number
from tipoff.people.models import Body
from tipoff.transparency.models import (
    DurationCell,
    Outcome,
    OutcomeCell,
    RollupState,
    SanctionCell,
    StatsSettings,
)
from tipoff.transparency.stats_suppress import Form, Line, withheld

DEFAULT_THRESHOLD = 5
OUTCOMES = [o.value for o in Outcome]
DIMENSIONS = ("category", "unit", "channel", "month")
# The funnel's stages, each a sum of outcomes.
ACCEPTED = (Outcome.HANDLING, Outcome.UNFOUNDED, Outcome.FOUNDED)
CONCLUDED = (Outcome.UNFOUNDED, Outcome.FOUNDED)

Count = int | None  # None: withheld


@dataclass
class Row:
    key: str
    cells: dict[str, Count]  # outcome -> count
    total: Count


@dataclass
class Table:
    rows: list[Row]
    totals: dict[str, Count]
    total: Count


@dataclass
class KindRow:
    kind_id: int
    count: Count


@dataclass
class Timing:
    median_days: float | None
    within_share: int | None  # per cent


@dataclass
class Published:
    body_id: int
    year: int | None
    threshold: int
    tables: dict[str, Table]
    sanctions: list[KindRow]
    sanctions_total: Count
    timing: dict[str, Timing]
    refreshed_at: dt.datetime | None = None
    funnel: dict[str, Count] = field(default_factory=dict)


def threshold_for(body: Body) -> int:
    found = StatsSettings.objects.filter(body=body).values_list("threshold", flat=True).first()
    return found or DEFAULT_THRESHOLD


def years_available(body: Body) -> list[int]:
    span = OutcomeCell.objects.filter(body=body, n__gt=0).aggregate(
        first=Min("month"), last=Max("month")
    )
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


def _year_range(year: int) -> dict[str, dt.date]:
    return {"month__gte": dt.date(year, 1, 1), "month__lt": dt.date(year + 1, 1, 1)}


def _counts(body: Body, year: int) -> dict[str, dict[tuple[str, str], int]]:
    """dimension -> (key, outcome) -> reports, for one year."""
    found: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in (
        OutcomeCell.objects.filter(body=body, **_year_range(year))
        .values("dim", "key", "outcome")
        .annotate(total=Sum("n"))
    ):
        found[row["dim"]][(row["key"], row["outcome"])] = row["total"]
    for row in (
        OutcomeCell.objects.filter(body=body, dim="channel", **_year_range(year))
        .values("month", "outcome")
        .annotate(total=Sum("n"))
    ):
        found["month"][(row["month"].strftime("%Y-%m"), row["outcome"])] = row["total"]
    return found


def _row_order(key: str) -> tuple[int, str]:
    value = number(key)
    return (value, "") if value is not None else (0, key)


def _forms(keys_of: dict[str, list[str]]) -> tuple[dict[Hashable, Form], list[Form]]:
    """Each published figure of a year as a sum of unknowns, and how the tables tie together.

    The unknowns are the cells of the four tables; the tables are margins of one
    set of reports, so each outcome's column adds up to the same total in all of
    them — the one thing an attacker knows beyond the figures.
    """
    forms: dict[Hashable, Form] = {}
    for dim, keys in keys_of.items():
        for key in keys:
            for o in OUTCOMES:
                forms[("cell", dim, key, o)] = {("x", dim, key, o): 1}
            forms[("row", dim, key)] = {("x", dim, key, o): 1 for o in OUTCOMES}
    channel = keys_of["channel"]
    for o in OUTCOMES:
        forms[("col", o)] = {("x", "channel", k, o): 1 for k in channel}
    forms[("grand",)] = {("x", "channel", k, o): 1 for k in channel for o in OUTCOMES}
    structure: list[Form] = []
    for dim, keys in keys_of.items():
        if dim == "channel":
            continue
        for o in OUTCOMES:
            tie: dict[Hashable, int] = {("x", dim, k, o): 1 for k in keys}
            tie.update({("x", "channel", k, o): -1 for k in channel})
            structure.append(tie)
    return forms, structure


def _year_tables(counts: dict[str, dict[tuple[str, str], int]], threshold: int) -> dict[str, Table]:
    values: dict[Hashable, int] = {}
    lines: list[Line] = []
    keys_of: dict[str, list[str]] = {}
    coltot: Counter[str] = Counter()
    for (_key, outcome), n in counts.get("channel", {}).items():
        coltot[outcome] += n
    for outcome in OUTCOMES:
        values[("col", outcome)] = coltot[outcome]
    values[("grand",)] = sum(coltot.values())
    lines.append(Line(tuple(("col", o) for o in OUTCOMES), ("grand",)))
    for dim in DIMENSIONS:
        table = counts.get(dim, {})
        rowtot: Counter[str] = Counter()
        for (key, _outcome), n in table.items():
            rowtot[key] += n
        # Rows in a fixed order that says nothing about their counts (never by size:
        # a withheld row placed between two shown ones would give its range away).
        keys = sorted((k for k, n in rowtot.items() if n), key=_row_order)
        keys_of[dim] = keys
        for key in keys:
            values[("row", dim, key)] = rowtot[key]
            for outcome in OUTCOMES:
                values[("cell", dim, key, outcome)] = table.get((key, outcome), 0)
            lines.append(Line(tuple(("cell", dim, key, o) for o in OUTCOMES), ("row", dim, key)))
        for outcome in OUTCOMES:
            lines.append(Line(tuple(("cell", dim, k, outcome) for k in keys), ("col", outcome)))
        lines.append(Line(tuple(("row", dim, k) for k in keys), ("grand",)))
    forms, structure = _forms(keys_of)
    hidden = withheld(values, lines, threshold, forms=forms, structure=structure)

    def shown(ref: Hashable) -> Count:
        return None if ref in hidden else values[ref]

    totals = {o: shown(("col", o)) for o in OUTCOMES}
    return {
        dim: Table(
            rows=[
                Row(
                    key=key,
                    cells={o: shown(("cell", dim, key, o)) for o in OUTCOMES},
                    total=shown(("row", dim, key)),
                )
                for key in keys_of[dim]
            ],
            totals=dict(totals),
            total=shown(("grand",)),
        )
        for dim in DIMENSIONS
    }


def _year_sanctions(body: Body, year: int, threshold: int) -> tuple[list[KindRow], Count]:
    per_kind = {
        row["kind_id"]: row["total"]
        for row in SanctionCell.objects.filter(body=body, **_year_range(year))
        .values("kind_id")
        .annotate(total=Sum("n"))
        if row["total"]
    }
    values: dict[Hashable, int] = {("kind", k): n for k, n in per_kind.items()}
    values[("all",)] = sum(per_kind.values())
    hidden = withheld(values, [Line(tuple(("kind", k) for k in per_kind), ("all",))], threshold)
    rows = [
        KindRow(kind_id=k, count=None if ("kind", k) in hidden else n)
        for k, n in sorted(per_kind.items())
    ]
    return rows, None if ("all",) in hidden else values[("all",)]


def _timing(body: Body, years: list[int], threshold: int) -> dict[str, Timing]:
    filters: dict[str, Any] = {"month__year__in": years}
    if len(years) == 1:
        filters = dict(_year_range(years[0]))
    histogram: dict[str, Counter[int]] = {"acknowledge": Counter(), "conclude": Counter()}
    within: Counter[str] = Counter()
    for row in (
        DurationCell.objects.filter(body=body, **filters)
        .values("measure", "days", "within")
        .annotate(total=Sum("n"))
    ):
        histogram[row["measure"]][row["days"]] += row["total"]
        if row["within"]:
            within[row["measure"]] += row["total"]
    found = {}
    for measure, counts in histogram.items():
        n = sum(counts.values())
        if n < threshold:
            found[measure] = Timing(median_days=None, within_share=None)
            continue
        found[measure] = Timing(
            median_days=_median(counts, n),
            within_share=round(100 * within[measure] / n),
        )
    return found


def _median(histogram: Counter[int], n: int) -> float:
    """The median of ``n`` values given as value -> how many (without expanding them)."""
    middle = [(n - 1) // 2, n // 2]  # the 0-based positions whose values are averaged
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2


def _funnel(table: Table, sanctions_total: Count) -> dict[str, Count]:
    def stage(outcomes: tuple[str, ...]) -> Count:
        parts = [table.totals[o] for o in outcomes]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)

    return {
        "people": table.total,
        "received": table.total,
        "accepted": stage(ACCEPTED),
        "concluded": stage(CONCLUDED),
        "founded": stage((Outcome.FOUNDED,)),
        "sanctioned": sanctions_total,
    }


def _plus(a: Count, b: Count) -> Count:
    return None if a is None or b is None else a + b


def _combine(years: list[Published]) -> tuple[dict[str, Table], list[KindRow], Count]:
    """Every year together: sums of what each year shows; withheld if any part is."""
    tables: dict[str, Table] = {}
    for dim in DIMENSIONS:
        rows: dict[str, Row] = {}
        totals: dict[str, Count] = dict.fromkeys(OUTCOMES, 0)
        total: Count = 0
        for pub in years:
            table = pub.tables[dim]
            for row in table.rows:
                into = rows.setdefault(
                    row.key, Row(key=row.key, cells=dict.fromkeys(OUTCOMES, 0), total=0)
                )
                into.cells = {o: _plus(into.cells[o], row.cells[o]) for o in OUTCOMES}
                into.total = _plus(into.total, row.total)
            totals = {o: _plus(totals[o], table.totals[o]) for o in OUTCOMES}
            total = _plus(total, table.total)
        ordered = sorted(rows.values(), key=lambda r: _row_order(r.key))
        tables[dim] = Table(rows=ordered, totals=totals, total=total)
    kinds: dict[int, Count] = {}
    sanctions_total: Count = 0
    for pub in years:
        for kind in pub.sanctions:
            kinds[kind.kind_id] = _plus(kinds.get(kind.kind_id, 0), kind.count)
        sanctions_total = _plus(sanctions_total, pub.sanctions_total)
    return tables, [KindRow(k, n) for k, n in sorted(kinds.items())], sanctions_total


def _version() -> tuple[int, dt.datetime | None]:
    state = RollupState.objects.filter(pk=1).values_list("version", "refreshed_at").first()
    return (state[0], state[1]) if state else (0, None)


def _year_published(body: Body, year: int, threshold: int) -> Published:
    tables = _year_tables(_counts(body, year), threshold)
    sanctions, sanctions_total = _year_sanctions(body, year, threshold)
    return Published(
        body_id=body.pk,
        year=year,
        threshold=threshold,
        tables=tables,
        sanctions=sanctions,
        sanctions_total=sanctions_total,
        timing=_timing(body, [year], threshold),
        funnel=_funnel(tables["month"], sanctions_total),
    )


def stats_published(*, body: Body, year: int | None) -> Published:
    """The figures anyone may see for ``body`` in ``year`` (None: every year together)."""
    version, refreshed_at = _version()
    threshold = threshold_for(body)
    key = f"transparency:stats:{body.pk}:{year}:{threshold}:{version}"
    found: Published | None = cache.get(key)
    if found is None:
        if year is not None:
            found = _year_published(body, year, threshold)
        else:
            years = years_available(body)
            parts = [_year_published(body, y, threshold) for y in sorted(years)]
            tables, sanctions, sanctions_total = _combine(parts)
            found = Published(
                body_id=body.pk,
                year=None,
                threshold=threshold,
                tables=tables,
                sanctions=sanctions,
                sanctions_total=sanctions_total,
                timing=_timing(body, years, threshold)
                if years
                else {m: Timing(None, None) for m in ("acknowledge", "conclude")},
                funnel=_funnel(tables["month"], sanctions_total),
            )
        cache.set(key, found, 3600)
    found.refreshed_at = refreshed_at
    return found
