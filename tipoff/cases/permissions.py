"""Who may see and do what with a case: every check lives here.

Seeing a case (``visible_cases``) follows need-to-know:

* administrators and auditors see every case of their body;
* intake officers see cases in triage and awaiting assignment, and the ones
  that left triage (not accepted, forwarded, merged);
* team leaders see their team's cases and accepted cases awaiting assignment;
* inspectors see the cases assigned to them and their team's cases.

Nobody sees a case of another body, and nobody sees a case they are excluded
from (named in it, or declared a conflict) — whatever their role.

Acting on a case (``can``) is decided by the one table of ``rules.py`` from
the case's status and the person's *relations* to it (``relations``): the
assignee ("owner") works the case; teammates may read it but not act;
leaders act for their own team only; auditors never change anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from tipoff.cases import rules
from tipoff.cases.models import Case, CaseExclusion, DecisionState, Status
from tipoff.people.models import Role, User

TRIAGE_POOL = (Status.RECEIVED, Status.TRIAGED, Status.REJECTED, Status.FORWARDED, Status.MERGED)

ACTIONS = tuple(rules.RULES)


class NotAllowed(PermissionDenied):
    """The user may not do this to this case."""


def _active_staff(user: object) -> User | None:
    if isinstance(user, User) and user.is_active and user.body_id is not None:
        return user
    return None


def visible_cases(user: object) -> QuerySet[Case]:
    """Every case the user may open: the queues start from this."""
    staff = _active_staff(user)
    if staff is None or staff.body_id is None:
        return Case.objects.none()
    qs = Case.objects.filter(body_id=staff.body_id).exclude(
        Q(exclusions__user=staff) | Q(merged_into__exclusions__user=staff)
    )
    if staff.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if staff.role == Role.INTAKE:
        return qs.filter(status__in=TRIAGE_POOL)
    mine = Q(assignee=staff)
    if staff.team_id is not None:
        mine |= Q(team_id=staff.team_id)
    if staff.role == Role.LEADER:
        return qs.filter(mine | Q(status=Status.TRIAGED))
    if staff.role == Role.INSPECTOR:
        return qs.filter(mine)
    return Case.objects.none()


def visible(user: object, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def is_excluded(user: User, case: Case) -> bool:
    ids = [case.pk] + ([case.merged_into_id] if case.merged_into_id else [])
    return CaseExclusion.objects.filter(user=user, case_id__in=ids).exists()


def relations(staff: User, case: Case) -> set[str]:
    """How ``staff`` stands to ``case`` (see ``rules.py``), given that they can see it."""
    found = {rules.READER}
    if staff.role == Role.AUDITOR:
        return found
    if staff.role in (Role.INTAKE, Role.ADMIN):
        found.add(rules.TRIAGE)
    if staff.role == Role.ADMIN:
        found.add(rules.ADMIN)
    if staff.role == Role.LEADER:
        found.add(rules.ANY_LEADER)
        if staff.team_id is not None and case.team_id == staff.team_id:
            found.add(rules.LEADER)
    if case.assignee_id == staff.pk:
        found.add(rules.OWNER)
    return found


def can(user: object, action: str, case: Case) -> bool:
    """True if ``user`` may do ``action`` to ``case`` in its current state."""
    if action not in rules.RULES:
        raise ValueError(f"unknown action {action!r}")
    staff = _active_staff(user)
    if staff is None or not visible(staff, case):
        return False
    return _can(staff, action, case)


def _can(staff: User, action: str, case: Case) -> bool:
    """``can`` for a user already known to see the case: the rule's grant for the status."""
    rule = rules.RULES[action]
    grant = rule.grant_for(case.status)
    if grant is None or not (grant.who & relations(staff, case)):
        return False
    if rule.four_eyes:
        proposal = case.decisions.filter(state=DecisionState.PROPOSED).last()
        return proposal is None or proposal.proposed_by_id != staff.pk
    return True


def require(user: object, action: str, case: Case) -> None:
    if not can(user, action, case):
        raise NotAllowed(action)


def allowed_actions(user: object, case: Case) -> set[str]:
    staff = _active_staff(user)
    if staff is None or not visible(staff, case):
        return set()
    return {action for action in rules.RULES if _can(staff, action, case)}


def can_see_exclusions(user: object) -> bool:
    staff = _active_staff(user)
    return staff is not None and staff.role == Role.ADMIN


def can_read_audit(user: object) -> bool:
    staff = _active_staff(user)
    return staff is not None and staff.role in (Role.ADMIN, Role.AUDITOR)


def can_configure(user: object) -> bool:
    staff = _active_staff(user)
    return staff is not None and staff.role == Role.ADMIN


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Back-office views: a signed-in (password and TOTP), active staff member of a body."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _active_staff(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
