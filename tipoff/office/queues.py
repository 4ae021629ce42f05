"""The queues of the back office, their filters, and full-text search.

Every queue starts from ``permissions.visible_cases``, so a queue can never
show a case its reader may not open.

Search: report contents are encrypted and the server holds no key of its own,
so there is no index to query. We chose to decrypt in the searching staff
member's session instead of keeping a staff-side index (for instance keyed
hashes of words): an index would be one more thing that leaks when the
database leaks (which words occur in which case), and it would have to be
rebuilt whenever keys change. Decrypting costs one sealed-box open and one
XChaCha20 decryption per report — a few thousand reports take well under a
second — so search scans at most ``SEARCH_LIMIT`` of the newest cases that
match the other filters and says so when it stopped early. Each search is
written to the audit trail with the cases it read; the words searched for are
not, since they are often a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import ENDED, Case, Status
from tipoff.cases.selectors import due_soon_q, overdue_q
from tipoff.lib import crypto, similarity
from tipoff.office.conflicts import conflicts_detect
from tipoff.people.models import User
from tipoff.reports.models import Report
from tipoff.reports.selectors import report_content, report_data_key

QUEUES = ("triage", "mine", "team", "overdue", "due_soon", "all")
SEARCH_LIMIT = 2000


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
    now = now or timezone.now()
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
    """A condition on the case's own reports or on those of cases merged into it."""
    own = Q(**{f"reports__{k}": v for k, v in lookup.items()})
    merged = Q(**{f"merged_cases__reports__{k}": v for k, v in lookup.items()})
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
    return qs.distinct()


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


@dataclass(frozen=True)
class SearchResult:
    cases: list[Case]
    scanned: int
    truncated: bool


def queue_search(*, user: User, qs: QuerySet[Case], query: str, body_key: bytes) -> SearchResult:
    """Cases of ``qs`` whose decrypted reports contain every word of ``query``."""
    words = [similarity.normalise(w) for w in query.split() if w.strip()]
    candidates = list(with_reports(qs.order_by("-created_at"))[: SEARCH_LIMIT + 1])
    truncated = len(candidates) > SEARCH_LIMIT
    candidates = candidates[:SEARCH_LIMIT]
    found: list[Case] = []
    for case in candidates:
        reports = list(case.reports.all()) + [
            r for m in case.merged_cases.all() for r in m.reports.all()
        ]
        for report in reports:
            try:
                content = report_content(
                    report=report,
                    data_key=report_data_key(report=report, body_private_key=body_key),
                )
            except crypto.DecryptionError:
                continue
            haystack = similarity.normalise(
                " ".join(
                    [
                        content.what,
                        content.place,
                        content.when_detail,
                        content.official_name,
                        content.official_position,
                        content.unit_other,
                        *content.answers.values(),
                    ]
                )
            )
            if all(word in haystack for word in words):
                # Decrypting is when conflicts are found: a searcher named in
                # the report must not learn that it exists.
                conflicts_detect(case=case, contents=[content])
                if not permissions.is_excluded(user, case):
                    found.append(case)
                break
    audit_record(
        actor=user,
        action="case.search",
        body_id=user.body_id,
        details={"scanned": len(candidates), "matched": [c.pk for c in found], "words": len(words)},
    )
    return SearchResult(cases=found, scanned=len(candidates), truncated=truncated)
