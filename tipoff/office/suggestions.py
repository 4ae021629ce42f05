"""Suggestions for the officer at triage: likely duplicates, and where to route a case.

Duplicates: every open case of the body, and every case closed in the last
year, whatever channel it came through, is compared with the new case through
the body's search index (``index.py``): a MinHash signature of each report's
wording picks the closest few hundred in one vectorised pass, and those are
scored exactly — same official named (in any script), same unit and
category, similar text. Comparing is reading: it is audited like any other read.

Routing: a team whose jurisdiction covers the report's unit or district, with
a small preference for teams that handled this category before; inside a team,
the inspector with the fewest open cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.audit.services import audit_record
from tipoff.cases.models import ENDED, Case, CaseExclusion, Status
from tipoff.lib import similarity
from tipoff.office.index import BodyIndex, body_index
from tipoff.people.models import BodyKeyGrant, Role, Team, User
from tipoff.reports.selectors import case_reports

LOOKBACK = dt.timedelta(days=365)
WIDE = 3000  # reports closest by signature, whatever their case's state
SHORTLIST = 200  # of those whose case is open (or recently closed), scored exactly
TEXT_THRESHOLD = 0.3


@dataclass
class DuplicateSuggestion:
    case: Case
    score: float
    reasons: list[str] = field(default_factory=list)


def _open_among(case: Case, actor: User, case_ids: set[int]) -> set[int]:
    """Of ``case_ids``, the open cases and those closed within ``LOOKBACK``."""
    since = timezone.now() - LOOKBACK
    excluded = CaseExclusion.objects.filter(user=actor).values("case_id")
    found: set[int] = set()
    ids = sorted(case_ids - {case.pk})
    for start in range(0, len(ids), 2000):
        found.update(
            Case.objects.filter(pk__in=ids[start : start + 2000], body_id=case.body_id)
            .filter(~Q(status__in=ENDED) | Q(status=Status.CLOSED, closed_at__gte=since))
            .exclude(pk__in=excluded)
            .values_list("pk", flat=True)
        )
    return found


def duplicates_suggest(
    *, case: Case, actor: User, body_key: bytes, limit: int = 5
) -> list[DuplicateSuggestion]:
    index = body_index(body_id=case.body_id, body_key=body_key)
    docs = index.docs
    position = {rid: row for row, rid in enumerate(docs.ids)}
    mine = [position[r.pk] for r in case_reports(case) if r.pk in position]
    if not mine or len(docs.ids) < 2:
        return []
    # Every report of the body, by estimated similarity (one vectorised pass)...
    estimate = np.zeros(len(docs.ids))
    for row in mine:
        estimate = np.maximum(estimate, (index.matrix == index.matrix[row]).mean(axis=1))
    estimate[mine] = -1
    rows = set(np.argsort(-estimate)[:WIDE].tolist())
    # ...and every report naming the same official, however far its wording.
    my_names = {docs.names[r] for r in mine if docs.names[r]}
    rows |= {i for i, name in enumerate(docs.names) if name in my_names}
    rows -= set(mine)
    cases = _open_among(case, actor, {index.case_of[docs.ids[r]] for r in rows})
    candidates = [r for r in rows if index.case_of[docs.ids[r]] in cases]
    candidates.sort(key=lambda r: -estimate[r])
    shortlist = candidates[:SHORTLIST] + [
        r for r in candidates[SHORTLIST:] if docs.names[r] in my_names
    ]
    best: dict[int, DuplicateSuggestion] = {}
    for row in shortlist:
        score, reasons = _score(index, mine, row, my_names)
        if not reasons:
            continue
        case_id = index.case_of[docs.ids[row]]
        if case_id not in best or score > best[case_id].score:
            best[case_id] = DuplicateSuggestion(case=Case(pk=case_id), score=score, reasons=reasons)
    chosen = sorted(best.values(), key=lambda s: s.score, reverse=True)[:limit]
    found = Case.objects.in_bulk([s.case.pk for s in chosen])
    for suggestion in chosen:
        suggestion.case = found[suggestion.case.pk]
    audit_record(
        actor=actor,
        action="case.duplicates_checked",
        body_id=case.body_id,
        obj=case,
        details={"compared": len(docs.ids), "suggested": [s.case.pk for s in chosen]},
    )
    return chosen


def _score(
    index: BodyIndex, mine: list[int], row: int, my_names: set[str]
) -> tuple[float, list[str]]:
    docs = index.docs
    score, reasons = 0.0, []
    name = docs.names[row]
    if name and any(name == n or similarity.names_match(name, n) for n in my_names):
        score += 1.0
        reasons.append(_("same official named"))
    my_places = {(docs.units[r], docs.categories[r]) for r in mine if docs.units[r]}
    if (docs.units[row], docs.categories[row]) in my_places:
        score += 0.5
        reasons.append(_("same unit and category"))
    text_score = max(similarity.similarity(docs.texts[row], docs.texts[r]) for r in mine)
    if text_score >= TEXT_THRESHOLD:
        score += text_score
        reasons.append(_("similar text (%(percent)d%%)") % {"percent": round(text_score * 100)})
    return score, reasons


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
