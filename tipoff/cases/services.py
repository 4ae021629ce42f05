"""Opening cases and changing their state: the one place where a status changes.

``case_transition`` is the state machine of DESIGN.md §5. It locks the case,
checks that the move is allowed from the current status and for this user
(``tipoff.cases.permissions``), records who, when and why in the case's
history and in the audit trail, and refuses everything else. The operations in
``triage``, ``investigation`` and ``decisions`` call it for their status change
and add what is particular to them (messages to the reporter, decisions…).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseEvent, EventKind, Status
from tipoff.people.models import Body, User


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


S = Status
MOVES: dict[str, Move] = {
    "accept": Move(frozenset({S.RECEIVED}), S.TRIAGED),
    "reject": Move(frozenset({S.RECEIVED}), S.REJECTED, needs_reason=True),
    "forward": Move(frozenset({S.RECEIVED}), S.FORWARDED, needs_reason=True),
    "merge": Move(frozenset({S.RECEIVED}), S.MERGED),
    "assign": Move(frozenset({S.TRIAGED}), S.ASSIGNED),
    "start": Move(frozenset({S.ASSIGNED}), S.INVESTIGATING),
    "propose": Move(frozenset({S.INVESTIGATING}), S.DECISION_PROPOSED),
    "approve": Move(frozenset({S.DECISION_PROPOSED}), S.DECIDED),
    "return": Move(frozenset({S.DECISION_PROPOSED}), S.INVESTIGATING, needs_reason=True),
    "close": Move(frozenset({S.DECIDED}), S.CLOSED),
    "reopen": Move(frozenset({S.CLOSED}), S.INVESTIGATING, needs_reason=True),
}
MAX_REASON = 2000


class TransitionRefused(Exception):
    """The move is not possible from the case's status, or lacks a reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def case_open(*, body: Body, at: dt.datetime | None = None) -> Case:
    now = at or timezone.now()
    return Case.objects.create(
        body=body,
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
    """Move ``case`` by ``action`` (a key of ``MOVES``), or refuse.

    ``changes`` are further fields saved together with the status (the team
    and assignee of an assignment, say). Raises ``permissions.NotAllowed``
    when the user may not do this, ``TransitionRefused`` when the case is not
    in a state this move starts from or a required reason is missing.
    """
    move = MOVES.get(action)
    if move is None:
        raise TransitionRefused(f"unknown move {action!r}")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in move.sources:
        raise TransitionRefused(
            str(
                _("This case is %(status)s now; it cannot be changed that way.")
                % {"status": locked.get_status_display()}
            )
        )
    permissions.require(actor, action, locked)
    reason = reason.strip()
    if move.needs_reason and not reason:
        raise TransitionRefused(str(_("Give a reason.")))
    if len(reason) > MAX_REASON:
        raise TransitionRefused(
            str(_("Please keep the reason under %(limit)d characters.") % {"limit": MAX_REASON})
        )
    now = timezone.now()
    previous = locked.status
    locked.status = move.target
    locked.updated_at = now
    if previous == Status.RECEIVED and locked.acknowledged_at is None:
        locked.acknowledged_at = now
    if move.target == Status.CLOSED:
        locked.closed_at = now
    if action == "reopen":
        locked.closed_at = None
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.save()
    case_event_record(
        case=locked,
        actor=actor,
        kind=EventKind.TRANSITION,
        action=action,
        reason=reason,
        from_status=previous,
        to_status=move.target,
        details=details,
    )
    case.refresh_from_db()
    return locked
