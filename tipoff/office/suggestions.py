"""Suggestions for the officer at triage: likely duplicates, and where to route a case.

Duplicates: candidates come from clear fields first (same body, still open,
recent, sharing the category or the unit), then their contents are decrypted
in the staff member's session and scored — same official named, same unit and
category, similar text. The decryption is audited like any other read.

Routing: a team whose jurisdiction covers the report's unit or district, with
a small preference for teams that handled this category before; inside a team,
the inspector with the fewest open cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.audit.services import audit_record
from tipoff.cases.models import ENDED, Case, CaseExclusion, Status
from tipoff.lib import similarity
from tipoff.people.models import BodyKeyGrant, Role, Team, User
from tipoff.reports.content import ReportContent
from tipoff.reports.selectors import case_reports, report_content, report_data_key

LOOKBACK = dt.timedelta(days=365)
MAX_CANDIDATES = 200
TEXT_THRESHOLD = 0.3


@dataclass
class DuplicateSuggestion:
    case: Case
    score: float
    reasons: list[str] = field(default_factory=list)


def _text(content: ReportContent) -> str:
    return " ".join([content.what, content.place, *content.answers.values()])


def duplicates_suggest(
    *, case: Case, actor: User, body_key: bytes, limit: int = 5
) -> list[DuplicateSuggestion]:
    reports = list(case_reports(case))
    if not reports:
        return []
    categories = {r.category_id for r in reports}
    units = {r.unit_id for r in reports if r.unit_id}
    mine = [
        report_content(report=r, data_key=report_data_key(report=r, body_private_key=body_key))
        for r in reports
    ]
    excluded = CaseExclusion.objects.filter(user=actor).values("case_id")
    candidates = (
        Case.objects.filter(body_id=case.body_id, created_at__gte=timezone.now() - LOOKBACK)
        .exclude(pk=case.pk)
        .exclude(status__in=ENDED)
        .exclude(pk__in=excluded)
        .filter(Q(reports__category_id__in=categories) | Q(reports__unit_id__in=units))
        .distinct()
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
    suggestions: list[DuplicateSuggestion] = []
    read: list[int] = []
    for other in candidates:
        best: DuplicateSuggestion | None = None
        for report in case_reports(other):
            content = report_content(
                report=report, data_key=report_data_key(report=report, body_private_key=body_key)
            )
            read.append(report.pk)
            suggestion = _score(other, report.category_id, report.unit_id, content, reports, mine)
            if best is None or suggestion.score > best.score:
                best = suggestion
        if best is not None and best.reasons:
            suggestions.append(best)
    audit_record(
        actor=actor,
        action="case.duplicates_checked",
        body_id=case.body_id,
        obj=case,
        details={"reports_read": read},
    )
    suggestions.sort(key=lambda s: s.score, reverse=True)
    return suggestions[:limit]


def _score(
    other: Case,
    category_id: int,
    unit_id: int | None,
    content: ReportContent,
    reports: list,
    mine: list[ReportContent],
) -> DuplicateSuggestion:
    suggestion = DuplicateSuggestion(case=other, score=0.0)
    names = [c.official_name for c in mine if c.official_name.strip()]
    if content.official_name.strip() and any(
        similarity.names_match(n, content.official_name) for n in names
    ):
        suggestion.score += 1.0
        suggestion.reasons.append(_("same official named"))
    if unit_id and any(r.unit_id == unit_id and r.category_id == category_id for r in reports):
        suggestion.score += 0.5
        suggestion.reasons.append(_("same unit and category"))
    text_score = max(similarity.similarity(_text(content), _text(c)) for c in mine)
    if text_score >= TEXT_THRESHOLD:
        suggestion.score += text_score
        suggestion.reasons.append(
            _("similar text (%(percent)d%%)") % {"percent": round(text_score * 100)}
        )
    return suggestion


@dataclass
class RoutingSuggestion:
    team: Team
    score: float
    reasons: list[str]
    inspector: User | None


def routing_suggest(*, case: Case) -> list[RoutingSuggestion]:
    reports = list(case_reports(case))
    unit_ids = {r.unit_id for r in reports if r.unit_id}
    districts = {r.district_id for r in reports if r.district_id}
    categories = {r.category_id for r in reports}
    since = timezone.now() - LOOKBACK
    history = dict(
        Case.objects.filter(
            body_id=case.body_id, created_at__gte=since, reports__category_id__in=categories
        )
        .exclude(team=None)
        .values_list("team_id")
        .annotate(n=Count("id", distinct=True))
    )
    most = max(history.values(), default=0)
    result: list[RoutingSuggestion] = []
    for team in Team.objects.filter(body_id=case.body_id).prefetch_related("units", "districts"):
        reasons: list[str] = []
        score = 0.0
        if unit_ids & {u.pk for u in team.units.all()}:
            score += 3
            reasons.append(_("the unit is in its jurisdiction"))
        if districts & {d.pk for d in team.districts.all()}:
            score += 2
            reasons.append(_("the district is in its jurisdiction"))
        if most and history.get(team.pk):
            score += history[team.pk] / most
            reasons.append(
                _("handled %(n)d cases of this category this year") % {"n": history[team.pk]}
            )
        result.append(
            RoutingSuggestion(
                team=team,
                score=score,
                reasons=reasons,
                inspector=inspector_suggest(case=case, team=team),
            )
        )
    result.sort(key=lambda s: (-s.score, s.team.order, s.team.pk))
    return result


def team_inspectors(*, case: Case, team: Team) -> list[User]:
    """Who in the team can take the case: active, holding the body key, not excluded."""
    excluded = CaseExclusion.objects.filter(case=case).values("user_id")
    granted = BodyKeyGrant.objects.filter(body_id=case.body_id).values("user_id")
    return list(
        User.objects.filter(
            team=team, is_active=True, role__in=[Role.INSPECTOR, Role.LEADER], pk__in=granted
        )
        .exclude(pk__in=excluded)
        .annotate(
            open_cases=Count(
                "assigned_cases", filter=~Q(assigned_cases__status__in=[*ENDED, Status.RECEIVED])
            )
        )
        .order_by("role", "open_cases", "username")
    )


def inspector_suggest(*, case: Case, team: Team) -> User | None:
    people = team_inspectors(case=case, team=team)
    inspectors = [p for p in people if p.role == Role.INSPECTOR] or people
    return min(inspectors, key=lambda p: p.open_cases, default=None)  # type: ignore[attr-defined]
