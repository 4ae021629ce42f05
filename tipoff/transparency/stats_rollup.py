"""Keeping the statistics roll-ups up to date, a few cases at a time.

``stats_refresh`` (a periodic job, every 30 seconds) looks only at what
changed since its last run — cases with a new history event (every status
change and decision goes through ``case_transition``, which records one),
cases opened and reports received since, and cases merged into any of those
— all found through indexed columns, then recomputes the facts of those
cases and their reports (``ReportFact``, ``CaseFact``), and adds the
difference between old and new facts to the roll-up cells. A page then sums a
few hundred cells, never the reports.

Runs overlap by ``OVERLAP`` so a transaction that committed late is still
seen; recomputing an unchanged case changes nothing. Each batch holds the lock
on the one ``RollupState`` row, so two workers never apply the same change
twice. Facts are never deleted: a report purged by retention stays counted.
``stats_reconcile`` (daily) recomputes every case and rebuilds the cells from
the facts, in case anything was ever missed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, JSONField, Model, Q
from django.utils import timezone

from tipoff.cases.models import (
    Case,
    CaseEvent,
    Decision,
    DecisionSanction,
    DecisionState,
    Finding,
    Status,
)
from tipoff.reports.models import Report
from tipoff.transparency.models import (
    CaseFact,
    DurationCell,
    Outcome,
    OutcomeCell,
    ReportFact,
    RollupState,
    SanctionCell,
)

OVERLAP = dt.timedelta(minutes=10)
BATCH = 2000

_HANDLING = {Status.TRIAGED, Status.ASSIGNED, Status.INVESTIGATING, Status.DECISION_PROPOSED}
_CONCLUDED = {Status.DECIDED, Status.CLOSED}


def month_of(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date().replace(day=1)


def outcome_of(status: str, finding: str | None) -> str:
    """A case's status (and approved finding) as one of the five outcomes."""
    if status == Status.RECEIVED:
        return Outcome.PENDING
    if status in (Status.REJECTED, Status.FORWARDED, Status.MERGED):
        return Outcome.NOT_ACCEPTED
    if status in _CONCLUDED and finding:
        return Outcome.UNFOUNDED if finding == Finding.UNFOUNDED else Outcome.FOUNDED
    return Outcome.HANDLING


@dataclass(frozen=True)
class _ReportFacts:
    body_id: int
    month: dt.date
    category_id: int
    unit_id: int
    channel: str
    outcome: str

    def cells(self) -> list[tuple[Any, ...]]:
        return [
            (self.body_id, self.month, "category", str(self.category_id), self.outcome),
            (self.body_id, self.month, "unit", str(self.unit_id), self.outcome),
            (self.body_id, self.month, "channel", self.channel, self.outcome),
        ]


@dataclass(frozen=True)
class _CaseFacts:
    body_id: int
    month: dt.date
    ack_days: int | None
    ack_within: bool | None
    conclude_days: int | None
    conclude_within: bool | None
    sanctions: tuple[tuple[int, int], ...]  # (kind id, measures), sorted

    def durations(self) -> list[tuple[Any, ...]]:
        found = []
        if self.ack_days is not None:
            found.append((self.body_id, self.month, "acknowledge", self.ack_days, self.ack_within))
        if self.conclude_days is not None:
            found.append(
                (self.body_id, self.month, "conclude", self.conclude_days, self.conclude_within)
            )
        return found


def _days(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, (end - start).days)


def _among(field: str, ids: list[int]) -> Q:
    """``field`` in ``ids``: a range for a large batch (a short query, the same rows or a few
    more, which the callers drop), a list for a small one."""
    if len(ids) > 200:
        return Q(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})
    return Q(**{f"{field}__in": ids})


def _facts(case_ids: Iterable[int]) -> tuple[dict[int, _ReportFacts], dict[int, _CaseFacts]]:
    """What the cases and their reports look like now, read in a handful of queries."""
    ids = list(case_ids)
    wanted = set(ids)
    cases: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Case.objects.filter(_among("pk", ids)).values(
            "pk",
            "body_id",
            "status",
            "created_at",
            "acknowledged_at",
            "acknowledge_due",
            "conclude_due",
            "merged_into_id",
            "merged_into__status",
        )
        if row["pk"] in wanted
    }
    targets = {row["merged_into_id"] for row in cases.values() if row["merged_into_id"]}
    approved: dict[int, dict[str, Any]] = {}
    for decision_row in (
        Decision.objects.filter(
            _among("case_id", ids) | Q(case_id__in=targets), state=DecisionState.APPROVED
        )
        .order_by("approved_at", "id")
        .values("pk", "case_id", "finding", "approved_at")
    ):
        approved[decision_row["case_id"]] = dict(decision_row)  # the latest approved one wins
    chosen = {d["pk"] for d in approved.values()}
    measures: dict[int, Counter[int]] = {}
    for decision_id, kind_id in (
        DecisionSanction.objects.filter(
            _among("decision__case_id", ids), decision__state=DecisionState.APPROVED
        )
        .order_by()
        .values_list("decision_id", "kind_id")
    ):
        if decision_id in chosen:
            measures.setdefault(decision_id, Counter())[kind_id] += 1

    case_facts: dict[int, _CaseFacts] = {}
    outcomes: dict[int, str] = {}
    for pk, row in cases.items():
        if row["merged_into_id"]:
            status, decision = row["merged_into__status"], approved.get(row["merged_into_id"])
        else:
            status, decision = row["status"], approved.get(pk)
        concluded = status in _CONCLUDED and decision is not None
        outcomes[pk] = outcome_of(status, decision["finding"] if concluded and decision else None)
        own = approved.get(pk) if row["status"] in _CONCLUDED else None
        ack = row["acknowledged_at"]
        case_facts[pk] = _CaseFacts(
            body_id=row["body_id"],
            month=month_of(row["created_at"]),
            ack_days=_days(row["created_at"], ack) if ack else None,
            ack_within=ack <= row["acknowledge_due"] if ack else None,
            conclude_days=_days(row["created_at"], own["approved_at"]) if own else None,
            conclude_within=own["approved_at"] <= row["conclude_due"] if own else None,
            sanctions=tuple(sorted(measures.get(own["pk"], Counter()).items())) if own else (),
        )
    report_facts = {
        row["pk"]: _ReportFacts(
            body_id=row["body_id"],
            month=month_of(row["received_at"]),
            category_id=row["category_id"],
            unit_id=row["unit_id"] or 0,
            channel=row["channel"],
            outcome=outcomes[row["case_id"]],
        )
        for row in Report.objects.filter(_among("case_id", ids))
        .order_by()
        .values("pk", "body_id", "received_at", "category_id", "unit_id", "channel", "case_id")
        if row["case_id"] in wanted
    }
    return report_facts, case_facts


def _stored_report(f: ReportFact) -> _ReportFacts:
    return _ReportFacts(f.body_id, f.month, f.category_id, f.unit_id, f.channel, f.outcome)


def _stored_case(f: CaseFact) -> _CaseFacts:
    sanctions = tuple(sorted((int(k), int(v)) for k, v in f.sanctions.items()))
    return _CaseFacts(
        f.body_id,
        f.month,
        f.ack_days,
        f.ack_within,
        f.conclude_days,
        f.conclude_within,
        sanctions,
    )


def _adapter(field: Any) -> Any:
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def _write(
    model: type[Model],
    fields: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    conflict: tuple[str, ...],
    add: bool = False,
) -> None:
    """Insert ``rows``, or on a conflict replace the other fields (or add to ``n``).

    ``INSERT … ON CONFLICT … DO UPDATE`` is the same on PostgreSQL and SQLite.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    adapt = [_adapter(model._meta.get_field(f)) for f in fields]
    if add:
        update = f"n = {table}.n + excluded.n"
    else:
        update = ", ".join(f"{quote(f)} = excluded.{quote(f)}" for f in fields if f not in conflict)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            # Only our own table and column names are formatted in; values are parameters.
            sql = (
                f"INSERT INTO {table} ({', '.join(quote(f) for f in fields)}) "  # noqa: S608
                f"VALUES {', '.join([one] * len(chunk))} "
                f"ON CONFLICT ({', '.join(quote(f) for f in conflict)}) DO UPDATE SET {update}"
            )
            cursor.execute(sql, [a(v) for row in chunk for a, v in zip(adapt, row, strict=True)])


def _upsert(model: type[Model], fields: tuple[str, ...], deltas: Counter[tuple[Any, ...]]) -> None:
    """Add ``deltas`` (keyed by the values of ``fields``) to the cells' counts, in the database."""
    rows = [(*key, delta) for key, delta in deltas.items() if delta]
    _write(model, (*fields, "n"), rows, conflict=fields, add=True)


OUTCOME_FIELDS = ("body_id", "month", "dim", "key", "outcome")
DURATION_FIELDS = ("body_id", "month", "measure", "days", "within")
SANCTION_FIELDS = ("body_id", "month", "kind_id")


def _apply(case_ids: list[int]) -> int:
    """Bring the facts and cells of these cases up to date; returns how many facts changed."""
    new_reports, new_cases = _facts(case_ids)
    old_reports = {
        f.report_id: f
        for f in ReportFact.objects.filter(_among("report_id", list(new_reports)))
        if f.report_id in new_reports
    }
    old_cases = {
        f.case_id: f
        for f in CaseFact.objects.filter(_among("case_id", list(new_cases)))
        if f.case_id in new_cases
    }
    outcome_d: Counter[tuple[Any, ...]] = Counter()
    duration_d: Counter[tuple[Any, ...]] = Counter()
    sanction_d: Counter[tuple[Any, ...]] = Counter()
    report_rows: list[tuple[Any, ...]] = []
    for report_id, new in new_reports.items():
        stored = old_reports.get(report_id)
        old = _stored_report(stored) if stored else None
        if old == new:
            continue
        if old is not None:
            outcome_d.subtract(old.cells())
        outcome_d.update(new.cells())
        report_rows.append(
            (
                report_id,
                new.body_id,
                new.month,
                new.category_id,
                new.unit_id,
                new.channel,
                new.outcome,
            )
        )
    case_rows: list[tuple[Any, ...]] = []
    for case_id, new_case in new_cases.items():
        stored_case = old_cases.get(case_id)
        old_case = _stored_case(stored_case) if stored_case else None
        if old_case == new_case:
            continue
        if old_case is not None:
            duration_d.subtract(old_case.durations())
            for kind_id, count in old_case.sanctions:
                sanction_d[(old_case.body_id, old_case.month, kind_id)] -= count
        duration_d.update(new_case.durations())
        for kind_id, count in new_case.sanctions:
            sanction_d[(new_case.body_id, new_case.month, kind_id)] += count
        case_rows.append(
            (
                case_id,
                new_case.body_id,
                new_case.month,
                new_case.ack_days,
                new_case.ack_within,
                new_case.conclude_days,
                new_case.conclude_within,
                {str(k): v for k, v in new_case.sanctions},
            )
        )
    _write(
        ReportFact,
        ("report_id", "body_id", "month", "category_id", "unit_id", "channel", "outcome"),
        report_rows,
        conflict=("report_id",),
    )
    _write(
        CaseFact,
        (
            "case_id",
            "body_id",
            "month",
            "ack_days",
            "ack_within",
            "conclude_days",
            "conclude_within",
            "sanctions",
        ),
        case_rows,
        conflict=("case_id",),
    )
    _upsert(OutcomeCell, OUTCOME_FIELDS, outcome_d)
    _upsert(DurationCell, DURATION_FIELDS, duration_d)
    _upsert(SanctionCell, SANCTION_FIELDS, sanction_d)
    return len(report_rows) + len(case_rows)


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def stats_cases_refresh(*, case_ids: list[int]) -> int:
    """Bring these cases' facts and cells up to date now (for data written in bulk)."""
    return _apply_batches(sorted(case_ids))


def _apply_batches(case_ids: list[int]) -> int:
    changed = 0
    for start in range(0, len(case_ids), BATCH):
        with transaction.atomic():
            state = _locked_state()
            moved = _apply(case_ids[start : start + BATCH])
            if moved:
                state.version += 1
                state.save(update_fields=["version"])
            changed += moved
    return changed


def _changed_since(since: dt.datetime) -> list[int]:
    """Cases that may have changed: each lookup is on an indexed column, never a scan."""
    ids = set(CaseEvent.objects.filter(at__gte=since).order_by().values_list("case_id", flat=True))
    ids.update(Case.objects.filter(created_at__gte=since).order_by().values_list("pk", flat=True))
    ids.update(
        Report.objects.filter(received_at__gte=since).order_by().values_list("case_id", flat=True)
    )
    # A merged report takes its outcome from the case it was merged into.
    ids.update(
        Case.objects.filter(merged_into_id__in=list(ids)).order_by().values_list("pk", flat=True)
    )
    return sorted(ids)


def stats_refresh(*, now: dt.datetime | None = None) -> int:
    """Catch the roll-ups up with what changed since the last run (all cases on the first)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state()
        since = state.caught_up_to
        if since is None:
            # The first run takes every case (minutes on a large database). Claim the
            # start at once, so runs queued meanwhile only follow changes; if this one
            # dies half-way, the daily reconcile finishes the job.
            state.caught_up_to = now
            state.save(update_fields=["caught_up_to"])
    if since is None:
        case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    else:
        case_ids = _changed_since(since - OVERLAP)
    changed = _apply_batches(case_ids)
    with transaction.atomic():
        state = _locked_state()
        if state.caught_up_to is None or state.caught_up_to < now:
            state.caught_up_to = now
        state.refreshed_at = timezone.now()
        state.save(update_fields=["caught_up_to", "refreshed_at"])
    return changed


def _cells_from_facts() -> None:
    outcome_c: Counter[tuple[Any, ...]] = Counter()
    for fact in ReportFact.objects.values_list(
        "body_id", "month", "category_id", "unit_id", "channel", "outcome"
    ).iterator(chunk_size=10000):
        outcome_c.update(_ReportFacts(*fact).cells())
    duration_c: Counter[tuple[Any, ...]] = Counter()
    sanction_c: Counter[tuple[Any, ...]] = Counter()
    for case_fact in CaseFact.objects.all().iterator(chunk_size=10000):
        facts = _stored_case(case_fact)
        duration_c.update(facts.durations())
        for kind_id, count in facts.sanctions:
            sanction_c[(facts.body_id, facts.month, kind_id)] += count
    cells: list[tuple[type[Model], tuple[str, ...], Counter[tuple[Any, ...]]]] = [
        (OutcomeCell, OUTCOME_FIELDS, outcome_c),
        (DurationCell, DURATION_FIELDS, duration_c),
        (SanctionCell, SANCTION_FIELDS, sanction_c),
    ]
    for model, fields, counts in cells:
        manager: Any = model._default_manager
        manager.all().delete()
        manager.bulk_create(
            [model(**dict(zip(fields, k, strict=True)), n=v) for k, v in counts.items() if v],
            batch_size=2000,
        )


def stats_reconcile() -> int:
    """Recompute every case's facts, then every cell from the facts (a daily check)."""
    changed = _apply_batches(list(Case.objects.order_by("pk").values_list("pk", flat=True)))
    with transaction.atomic():
        state = _locked_state()
        _cells_from_facts()
        state.version += 1
        state.refreshed_at = timezone.now()
        state.save(update_fields=["version", "refreshed_at"])
    return changed
