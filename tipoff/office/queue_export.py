"""A queue as CSV: streamed in chunks, in constant memory, whatever its size.

Only clear routing fields (never report contents). Rows are read as plain
values a chunk of cases at a time, with each case's first report fetched for
the whole chunk in one query, and written out as they are made, so a queue of
100,000 cases costs neither memory nor a timeout. The export is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from tipoff.audit.services import audit_record
from tipoff.cases.models import ENDED, Case, Status
from tipoff.cases.selectors import DUE_SOON
from tipoff.lib.spreadsheet import csv_row
from tipoff.people.models import User
from tipoff.reports.models import Report

CHUNK = 2000
COLUMNS = [
    "reference",
    "status",
    "received",
    "category",
    "unit",
    "district",
    "channel",
    "team",
    "assignee",
    "acknowledge_due",
    "conclude_due",
    "deadline_flag",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _flag(status: str, ack: dt.datetime, conclude: dt.datetime, now: dt.datetime) -> str:
    if status in ENDED:
        return ""
    kind = "acknowledge" if status == Status.RECEIVED else "conclude"
    due = ack if kind == "acknowledge" else conclude
    return "overdue" if due < now else "due_soon" if due - now <= DUE_SOON[kind] else ""


def _first_reports(case_ids: list[int], english: bool) -> dict[int, tuple[str, ...]]:
    unit, district = (
        ("unit__name_en", "district__name_en")
        if english
        else (
            "unit__name_zh",
            "district__name_zh",
        )
    )
    first: dict[int, tuple[str, ...]] = {}
    rows = (
        Report.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "received_at", "id")
        .values_list("case_id", "category__code", unit, district, "channel")
    )
    for case_id, *values in rows:
        first.setdefault(case_id, tuple(v or "" for v in values))
    return first


def queue_csv_rows(cases: QuerySet[Case]) -> Iterator[list[str]]:
    yield COLUMNS
    english = (get_language() or "").startswith("en")
    team = "team__name_en" if english else "team__name_zh"
    now = timezone.now()
    local = timezone.get_current_timezone()
    fields = (
        "pk",
        "created_at",
        "status",
        team,
        "assignee__username",
        "acknowledge_due",
        "conclude_due",
    )
    batch: list[tuple] = []
    for row in cases.order_by().values_list(*fields).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from _rows(batch, english, now, local)
            batch = []
    yield from _rows(batch, english, now, local)


def _rows(
    batch: list[tuple], english: bool, now: dt.datetime, local: dt.tzinfo
) -> Iterator[list[str]]:
    if not batch:
        return
    reports = _first_reports([row[0] for row in batch], english)
    for pk, created, status, team, assignee, ack, conclude in batch:
        category, unit, district, channel = reports.get(pk, ("", "", "", ""))
        yield [
            f"{created:%Y}-{pk:06d}",
            status,
            created.astimezone(local).isoformat(timespec="minutes"),
            category,
            unit,
            district,
            channel,
            team or "",
            assignee or "",
            ack.astimezone(local).isoformat(timespec="minutes"),
            conclude.astimezone(local).isoformat(timespec="minutes"),
            _flag(status, ack, conclude, now),
        ]


def queue_csv_response(*, user: User, queue: str, cases: QuerySet[Case]) -> StreamingHttpResponse:
    rows = cases.count()
    audit_record(
        actor=user,
        action="queue.exported_csv",
        body_id=user.body_id,
        details={"queue": queue, "rows": rows},
    )
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for row in queue_csv_rows(cases):
            yield writer.writerow(csv_row(row))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tipoff-{queue}-{timezone.localdate():%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
