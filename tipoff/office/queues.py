"""The queues of the back office, their filters, and full-text search.

Every queue starts from ``permissions.visible_cases``, so a queue can never
show a case its reader may not open.

Search looks at every report of the body, through the body's search index
(``index.py``: built from the decrypted reports, kept in memory only for
requests holding the body key, stored only encrypted under a sub-key of the
body's private key). It returns every matching case the reader may see,
best first (more hits, then newer), and never stops early. Each search is
written to the audit trail with how many cases matched and which; the words
searched for are not, since they are often a name. A reader named in a
matching report is excluded from its case first, so a search never tells
anyone that they were reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import ENDED, Case, Status
from tipoff.cases.selectors import due_soon_q, overdue_q
from tipoff.office.conflicts import conflicts_in_search
from tipoff.office.index import body_index, fold
from tipoff.people.models import User
from tipoff.reports.models import Report

QUEUES = ("triage", "mine", "team", "overdue", "due_soon", "all")


@dataclass(frozen=True)
class Filters:
    category: str = ""  # category code
    unit: int | None = None
    district: int | None = None
    channel: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    query: str = ""


def queue_cases(*, user: User, queue: str, now: dt.datetime | None = None) -> QuerySet[Case]:
    # To the minute: deadlines are days, and the same SQL lets QueuePaginator reuse its count.
    now = now or timezone.now().replace(second=0, microsecond=0)
    qs = permissions.visible_cases(user)
    if queue == "triage":
        return qs.filter(status__in=[Status.RECEIVED, Status.TRIAGED]).order_by("created_at")
    if queue == "mine":
        return qs.filter(assignee=user).exclude(status__in=ENDED).order_by("conclude_due")
    if queue == "team":
        if user.team_id is None:
            return qs.none()
        return qs.filter(team_id=user.team_id).exclude(status__in=ENDED).order_by("conclude_due")
    if queue == "overdue":
        return qs.filter(overdue_q(now)).order_by("created_at")
    if queue == "due_soon":
        return qs.filter(due_soon_q(now)).order_by("created_at")
    return qs.order_by("-created_at")


def _on_reports(**lookup: object) -> Q:
    """A condition on the case's own reports or on those of cases merged into it.

    Written as two ``IN`` subqueries (each served by an index) rather than
    joins, so no ``DISTINCT`` over the whole body is needed.
    """
    own = Q(pk__in=Report.objects.filter(**lookup).values("case_id"))
    merged = Q(
        pk__in=Report.objects.filter(**lookup, case__merged_into__isnull=False).values(
            "case__merged_into_id"
        )
    )
    return own | merged


def queue_filter(qs: QuerySet[Case], filters: Filters) -> QuerySet[Case]:
    if filters.category:
        qs = qs.filter(_on_reports(category__code=filters.category))
    if filters.unit:
        qs = qs.filter(_on_reports(unit_id=filters.unit))
    if filters.district:
        qs = qs.filter(_on_reports(district_id=filters.district))
    if filters.channel:
        qs = qs.filter(_on_reports(channel=filters.channel))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs


def with_reports(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Fetch each case's reports (for category, unit, channel columns) in one query."""
    return qs.select_related("team", "assignee").prefetch_related(
        Prefetch(
            "reports",
            queryset=Report.objects.select_related("category", "unit", "district").order_by(
                "received_at"
            ),
        )
    )


COUNT_SECONDS = 30
_counts: dict[str, tuple[float, int]] = {}


class QueuePaginator(Paginator):
    """Counts a queue (for "page 3 of 2,000") at most every ``COUNT_SECONDS``.

    Counting 100,000 cases costs more than showing a page of them; a count a
    few seconds old only moves the last page number.
    """

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return len(self.object_list)
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0  # a queryset that can match nothing (``none()``)
        key = hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        now = time.monotonic()
        cached = _counts.get(key)
        if cached is not None and now - cached[0] < COUNT_SECONDS:
            return cached[1]
        counted = self.object_list.count()  # type: ignore[attr-defined]
        if len(_counts) > 1000:
            _counts.clear()
        _counts[key] = (now, counted)
        return counted


@dataclass(frozen=True)
class SearchResult:
    case_ids: list[int]  # every matching case the reader may see, best first
    pending: int = 0  # reports not searched yet: the index is still being built

    @property
    def matches(self) -> int:
        return len(self.case_ids)


IDS_PER_QUERY = 2000


def _rows_matching(texts: list[str], words: list[str]) -> list[int]:
    rows = [i for i, text in enumerate(texts) if words[0] in text]
    for word in words[1:]:
        rows = [i for i in rows if word in texts[i]]
    return rows


def queue_search(*, user: User, qs: QuerySet[Case], query: str, body_key: bytes) -> SearchResult:
    """Cases of ``qs`` with a report that contains every word of ``query``, best first."""
    words = [fold(w) for w in query.split() if fold(w)]
    if not words or user.body_id is None:
        return SearchResult(case_ids=[])
    index = body_index(body_id=user.body_id, body_key=body_key)
    texts, ids = index.docs.texts, index.docs.ids
    best: dict[int, tuple[int, int, int]] = {}  # case -> (hits, newest report, row)
    for row in _rows_matching(texts, words):
        case_id = index.case_of.get(ids[row])
        if case_id is None:
            continue
        score = (sum(texts[row].count(w) for w in words), ids[row], row)
        if case_id not in best or score > best[case_id]:
            best[case_id] = score
    ranked = sorted(best, key=lambda c: best[c], reverse=True)
    # Which of them the reader's queue holds: by id for a few, else the queue's ids in one go
    # (a scan of the body's cases beats many queries of thousands of ids each).
    if len(ranked) <= IDS_PER_QUERY:
        allowed = set(qs.filter(pk__in=ranked).values_list("pk", flat=True))
    else:
        allowed = set(qs.order_by().values_list("pk", flat=True))
    named = conflicts_in_search(
        user=user,
        candidates={c: index.docs.names[best[c][2]] for c in ranked if c in allowed},
    )
    found = [c for c in ranked if c in allowed and c not in named]
    audit_record(
        actor=user,
        action="case.search",
        body_id=user.body_id,
        details={"searched": len(ids), "matched": found[:10000], "matches": len(found)},
    )
    return SearchResult(case_ids=found, pending=index.pending)
