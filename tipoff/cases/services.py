"""Opening cases and changing them: the one place where a case's status or hands change.

``case_transition`` is the state machine of DESIGN.md §5, driven by the one
table in ``rules.py``. It locks the case, checks that the action is possible
from the current status and for this user (``permissions``, which reads the
same table), sets only the fields the rule allows, records who, when and why
in the case's history and in the audit trail, and refuses everything else.
The office's workflows (triage, investigation, decisions) call it and add
what is particular to them (messages to the reporter, decisions…).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipoff.audit.services import audit_record
from tipoff.cases import permissions, rules
from tipoff.cases.models import Case, CaseEvent, Decision, DecisionState, EventKind, Status
from tipoff.lib import vault
from tipoff.people.models import Body, User

MAX_REASON = 2000


class TransitionRefused(Exception):
    """The move is not possible from the case's status, or lacks a reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def case_open(*, body: Body, at: dt.datetime | None = None) -> Case:
    """A new case with its own key, sealed to the body (no secret needed)."""
    now = at or timezone.now()
    return Case.objects.create(
        body=body,
        sealed_key=vault.seal_to(body.public_key, vault.new_key()),
        created_at=now,
        updated_at=now,
        acknowledge_due=now + dt.timedelta(days=body.acknowledge_days),
        conclude_due=now + dt.timedelta(days=body.conclude_days),
    )


def case_event_record(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    action: str,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    """Add to the case's history and to the audit trail, with the same facts."""
    event = CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        action=action,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
        details=details or {},
    )
    audit_record(
        actor=actor,
        action=f"case.{action}",
        body_id=case.body_id,
        obj=case,
        details={"from": from_status, "to": to_status, "reason": reason, **(details or {})},
    )
    return event


@transaction.atomic
def case_transition(
    *,
    case: Case,
    actor: User,
    action: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Case:
    """Do ``action`` (a key of ``rules.RULES``) to ``case``, or refuse.

    ``changes`` are further fields saved together with the status, only those
    the rule names (the team and assignee of an assignment, say). Raises
    ``permissions.NotAllowed`` when the user may not do this,
    ``TransitionRefused`` when the case is not in a state the action starts
    from or a required reason is missing.
    """
    rule = rules.RULES.get(action)
    if rule is None:
        raise TransitionRefused(f"unknown move {action!r}")
    unexpected = set(changes or {}) - rule.fields
    if unexpected:
        raise ValueError(f"{action} may not change {', '.join(sorted(unexpected))}")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    grant = rule.grant_for(locked.status)
    if grant is None:
        raise TransitionRefused(
            str(
                _("This case is %(status)s now; it cannot be changed that way.")
                % {"status": locked.get_status_display()}
            )
        )
    permissions.require(actor, action, locked)
    reason = reason.strip()
    if rule.needs_reason and not reason:
        raise TransitionRefused(str(_("Give a reason.")))
    if len(reason) > MAX_REASON:
        raise TransitionRefused(
            str(_("Please keep the reason under %(limit)d characters.") % {"limit": MAX_REASON})
        )
    now = timezone.now()
    previous = locked.status
    if grant.target:
        locked.status = grant.target
    locked.updated_at = now
    if previous == Status.RECEIVED and locked.acknowledged_at is None:
        locked.acknowledged_at = now
    if locked.status == Status.CLOSED:
        locked.closed_at = now
    if action == "reopen":
        locked.closed_at = None
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.save()
    moved = bool(grant.target)
    case_event_record(
        case=locked,
        actor=actor,
        kind=EventKind.TRANSITION if moved else EventKind.ASSIGNMENT,
        action=action if moved or action != "assign" else "reassign",
        reason=reason,
        from_status=previous if moved else "",
        to_status=locked.status if moved else "",
        details=details,
    )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_unassign(*, case: Case, actor: User, reason: str) -> Case:
    """The case goes back to be assigned again (its team stays); a pending proposal lapses."""
    locked = case_transition(
        case=case, actor=actor, action="unassign", reason=reason, changes={"assignee": None}
    )
    Decision.objects.filter(case=locked, state=DecisionState.PROPOSED).update(
        state=DecisionState.RETURNED
    )
    return locked
