"""The one table of what can be done to a case: in which status, by whom, to what status.

Both the state machine (``services.case_transition``) and the permission
checks (``permissions.can``) read this table and nothing else, so "may this
person do this now" and "is this move possible" can never disagree.

Who is named by *relation* to the case (``permissions.relations``):

* ``triage`` — an intake officer or an administrator of the case's body;
* ``any_leader`` — any team leader of the body (to take an accepted case);
* ``leader`` — the leader of the team the case is with;
* ``owner`` — the inspector the case is assigned to;
* ``admin`` — an administrator of the body;
* ``reader`` — anyone who may see the case (auditors included).

Adding an action means one entry here, one handler in ``office/actions.py``
and, if it changes fields of the case, naming them in ``fields``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipoff.cases.models import ENDED, Status

TRIAGE, ANY_LEADER, LEADER, OWNER, ADMIN, READER = (
    "triage",
    "any_leader",
    "leader",
    "owner",
    "admin",
    "reader",
)
RELATIONS = (TRIAGE, ANY_LEADER, LEADER, OWNER, ADMIN, READER)


@dataclass(frozen=True)
class Grant:
    """In these statuses, these relations may act; the case moves to ``target`` ("" = stays)."""

    sources: frozenset[str]
    who: frozenset[str]
    target: str = ""


@dataclass(frozen=True)
class Rule:
    grants: tuple[Grant, ...]
    needs_reason: bool = False
    # Fields of the case a transition may set together with the status.
    fields: frozenset[str] = frozenset()
    # Four eyes: whoever proposed the decision does not approve it.
    four_eyes: bool = False

    def grant_for(self, status: str) -> Grant | None:
        return next((g for g in self.grants if status in g.sources), None)


S = Status
EVERY = frozenset(S.values)
OPEN = frozenset(S.values) - frozenset(ENDED)
TRIAGE_STAGE = frozenset({S.RECEIVED, S.TRIAGED})
WORK_STAGE = OPEN - TRIAGE_STAGE


def _g(sources: set[str] | frozenset[str], who: set[str], target: str = "") -> Grant:
    return Grant(frozenset(sources), frozenset(who), target)


RULES: dict[str, Rule] = {
    # Reading, and stepping aside.
    "view": Rule((_g(EVERY, {READER}),)),
    "export": Rule((_g(EVERY, {READER}),)),
    "declare_conflict": Rule((_g(EVERY, {READER}),)),
    # Triage.
    "accept": Rule((_g({S.RECEIVED}, {TRIAGE}, S.TRIAGED),)),
    "reject": Rule(
        (_g({S.RECEIVED}, {TRIAGE}, S.REJECTED),),
        needs_reason=True,
        fields=frozenset({"reporter_note"}),
    ),
    "forward": Rule(
        (_g({S.RECEIVED}, {TRIAGE}, S.FORWARDED),),
        needs_reason=True,
        fields=frozenset({"forwarded_to"}),
    ),
    "merge": Rule((_g({S.RECEIVED}, {TRIAGE}, S.MERGED),), fields=frozenset({"merged_into"})),
    # Assignment: taking an accepted case, or handing a case to someone else.
    "assign": Rule(
        (
            _g({S.TRIAGED}, {TRIAGE, ANY_LEADER}, S.ASSIGNED),
            _g({S.ASSIGNED, S.INVESTIGATING}, {LEADER, ADMIN}),
        ),
        fields=frozenset({"team", "assignee"}),
    ),
    # The assignee steps aside (a conflict of interest): back to be assigned.
    "unassign": Rule(
        (
            _g(
                {S.ASSIGNED, S.INVESTIGATING, S.DECISION_PROPOSED},
                {OWNER, LEADER, ADMIN},
                S.TRIAGED,
            ),
        ),
        needs_reason=True,
        fields=frozenset({"assignee"}),
    ),
    # Investigation and decision.
    "start": Rule((_g({S.ASSIGNED}, {OWNER, LEADER}, S.INVESTIGATING),)),
    "propose": Rule((_g({S.INVESTIGATING}, {OWNER, LEADER}, S.DECISION_PROPOSED),)),
    "approve": Rule(
        (_g({S.DECISION_PROPOSED}, {LEADER}, S.DECIDED),),
        fields=frozenset({"reporter_note"}),
        four_eyes=True,
    ),
    "return": Rule((_g({S.DECISION_PROPOSED}, {LEADER}, S.INVESTIGATING),), needs_reason=True),
    "close": Rule((_g({S.DECIDED}, {OWNER, LEADER}, S.CLOSED),)),
    "reopen": Rule((_g({S.CLOSED}, {LEADER, ADMIN}, S.INVESTIGATING),), needs_reason=True),
    # Working on the case without changing its status.
    "note": Rule((_g(TRIAGE_STAGE, {TRIAGE}), _g(WORK_STAGE, {OWNER, LEADER}))),
    "file": Rule((_g(TRIAGE_STAGE, {TRIAGE}), _g(WORK_STAGE, {OWNER, LEADER}))),
    "message": Rule((_g(TRIAGE_STAGE, {TRIAGE}), _g(WORK_STAGE, {OWNER, LEADER}))),
    "extend": Rule((_g(OPEN, {LEADER, ADMIN}),)),
    "lift_exclusion": Rule((_g(EVERY, {ADMIN}),)),
}

# The actions that change the case's status (the state machine of DESIGN.md §5).
MOVES = {action: rule for action, rule in RULES.items() if any(g.target for g in rule.grants)}
