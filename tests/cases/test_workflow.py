"""The state machine of DESIGN.md §5: every move, who may make it, and what it records."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify
from tipoff.cases.models import Case, CaseEvent, Status
from tipoff.cases.permissions import NotAllowed
from tipoff.cases.services import TransitionRefused, case_transition
from tipoff.office import decisions, triage

pytestmark = pytest.mark.django_db


def _last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-id").first()


def test_the_whole_road_records_who_when_and_why(make_case, people):
    case = make_case("closed")
    moves = list(
        CaseEvent.objects.filter(case=case, kind="transition").values_list(
            "action", "from_status", "to_status"
        )
    )
    assert moves == [
        ("accept", "received", "triaged"),
        ("assign", "triaged", "assigned"),
        ("start", "assigned", "investigating"),
        ("propose", "investigating", "decision_proposed"),
        ("approve", "decision_proposed", "decided"),
        ("close", "decided", "closed"),
    ]
    actors = list(
        CaseEvent.objects.filter(case=case, kind="transition").values_list(
            "actor__username", flat=True
        )
    )
    assert actors == [
        "demo-intake",
        "demo-intake",
        "demo-inspector",
        "demo-inspector",
        "demo-leader",
        "demo-leader",
    ]
    audited = list(
        AuditEvent.objects.filter(
            object_type="case", object_id=str(case.pk), action__in=[f"case.{m}" for m in EXPECTED]
        ).values_list("action", flat=True)
    )
    assert audited == [
        "case.accept",
        "case.assign",
        "case.start",
        "case.propose",
        "case.approve",
        "case.close",
    ]
    assert case.acknowledged_at is not None and case.closed_at is not None
    assert audit_verify() is None


def test_reject_needs_a_reason_and_keeps_it(make_case, people, body):
    case = make_case("received")
    with pytest.raises(TransitionRefused):
        triage.case_reject(
            case=case, actor=people["intake"], reason="   ", body_key=body.private_key
        )
    triage.case_reject(
        case=case,
        actor=people["intake"],
        reason="Concerns a private company.",
        body_key=body.private_key,
    )
    case.refresh_from_db()
    assert case.status == Status.REJECTED and case.reporter_note == "Concerns a private company."
    assert _last_event(case).reason == "Concerns a private company."


def test_return_sends_the_decision_back(make_case, people):
    case = make_case("decision_proposed")
    with pytest.raises(TransitionRefused):
        decisions.decision_return(case=case, actor=people["leader"], reason="")
    decision = decisions.decision_return(
        case=case, actor=people["leader"], reason="Hear the official first."
    )
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and decision.state == "returned"


def test_reopen_from_closed_needs_a_reason(make_case, people):
    case = make_case("closed")
    with pytest.raises(TransitionRefused):
        decisions.case_reopen(case=case, actor=people["leader"], reason="")
    decisions.case_reopen(case=case, actor=people["leader"], reason="New evidence arrived.")
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and case.closed_at is None


@pytest.mark.parametrize(
    ("stage", "action"),
    [
        ("received", "start"),
        ("received", "approve"),
        ("received", "close"),
        ("received", "assign"),
        ("triaged", "accept"),
        ("triaged", "reject"),
        ("triaged", "propose"),
        ("assigned", "close"),
        ("investigating", "approve"),
        ("decided", "reopen"),
        ("closed", "close"),
        ("closed", "accept"),
    ],
)
def test_moves_from_the_wrong_state_are_refused(make_case, people, stage, action):
    case = make_case(stage)
    with pytest.raises(TransitionRefused):
        case_transition(case=case, actor=people["admin"], action=action, reason="because")
    case.refresh_from_db()
    assert case.status == stage


@pytest.mark.parametrize(
    ("stage", "action", "who"),
    [
        ("received", "accept", "owner"),
        ("received", "accept", "leader"),
        ("received", "accept", "auditor"),
        ("received", "reject", "teammate"),
        ("assigned", "start", "teammate"),
        ("assigned", "start", "outsider"),
        ("assigned", "start", "intake"),
        ("investigating", "propose", "teammate"),
        ("investigating", "propose", "auditor"),
        ("decision_proposed", "approve", "owner"),
        ("decision_proposed", "approve", "other_leader"),
        ("decision_proposed", "approve", "admin"),
        ("decided", "close", "teammate"),
        ("closed", "reopen", "owner"),
        ("closed", "reopen", "excluded"),
    ],
)
def test_moves_by_the_wrong_person_are_refused(make_case, people, stage, action, who):
    case = make_case(stage)
    with pytest.raises(NotAllowed):
        case_transition(case=case, actor=people[who], action=action, reason="because")
    case.refresh_from_db()
    assert case.status == stage
    assert not CaseEvent.objects.filter(case=case, action=action, actor=people[who]).exists()


def test_the_leader_who_proposed_does_not_approve_their_own_decision(make_case, people, body):
    case = make_case("investigating")
    decisions.decision_propose(
        case=case,
        actor=people["leader"],
        finding="unfounded",
        summary="Nothing was found.",
        reasoning="",
        sanctions=[],
        body_key=body.private_key,
    )
    with pytest.raises(NotAllowed):
        decisions.decision_approve(case=case, actor=people["leader"], body_key=body.private_key)
    decisions.decision_return(
        case=case, actor=people["leader"], reason="Let the inspector write it."
    )


def test_unknown_move_is_refused(make_case, people):
    with pytest.raises(TransitionRefused):
        case_transition(case=make_case(), actor=people["admin"], action="teleport")


def test_a_transition_changes_only_the_fields_its_rule_names(make_case, people):
    """Issue 9.4: ``changes`` used to accept any field, the status included."""
    case = make_case("received")
    with pytest.raises(ValueError, match="status"):
        case_transition(
            case=case, actor=people["intake"], action="accept", changes={"status": "closed"}
        )
    case.refresh_from_db()
    assert case.status == "received"


# The state machine of DESIGN.md §5, written out here by hand — not read from
# tipoff.cases.rules — so a wrong table in the code cannot also be the
# expectation. For each action: the statuses it starts from, where it leads
# ("" = stays) and who may do it. "leader" is the leader of the case's team,
# "other_leader" leads another team.
TRIAGERS = {"admin", "intake"}
EXPECTED: dict[str, dict[str, tuple[str, set[str]]]] = {
    "accept": {"received": ("triaged", TRIAGERS)},
    "reject": {"received": ("rejected", TRIAGERS)},
    "forward": {"received": ("forwarded", TRIAGERS)},
    "merge": {"received": ("merged", TRIAGERS)},
    "assign": {
        "triaged": ("assigned", TRIAGERS | {"leader", "other_leader"}),
        "assigned": ("", {"admin", "leader"}),
        "investigating": ("", {"admin", "leader"}),
    },
    "unassign": {
        status: ("triaged", {"owner", "leader", "admin"})
        for status in ("assigned", "investigating", "decision_proposed")
    },
    "start": {"assigned": ("investigating", {"owner", "leader"})},
    "propose": {"investigating": ("decision_proposed", {"owner", "leader"})},
    "approve": {"decision_proposed": ("decided", {"leader"})},
    "return": {"decision_proposed": ("investigating", {"leader"})},
    "close": {"decided": ("closed", {"owner", "leader"})},
    "reopen": {"closed": ("investigating", {"leader", "admin"})},
}
PEOPLE = ["admin", "intake", "leader", "other_leader", "owner", "teammate", "auditor", "excluded"]


def _sees(who: str, case: Case, people) -> bool:
    """Need-to-know, as DESIGN.md §4.4 and the permissions docstring say it."""
    team1, team2 = people["owner"].team_id, people["other_leader"].team_id
    if who == "excluded":
        return False
    if who in ("admin", "auditor"):
        return True
    if who == "intake":
        return case.status in ("received", "triaged", "rejected", "forwarded", "merged")
    if who == "leader":
        return case.status == "triaged" or case.team_id == team1
    if who == "other_leader":
        return case.status == "triaged" or case.team_id == team2
    if who == "owner":
        return case.assignee_id == people["owner"].pk or case.team_id == team1
    return case.team_id == team1  # teammate


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(EXPECTED)), st.sampled_from(PEOPLE)),
        max_size=14,
    )
)
def test_random_attempts_do_exactly_what_the_hand_written_table_says(make_case, people, attempts):
    case = make_case("received")
    accepted = 0
    for action, who in attempts:
        before = Case.objects.get(pk=case.pk)
        target, allowed = EXPECTED[action].get(before.status, (None, set()))
        should = target is not None and who in allowed and _sees(who, before, people)
        changes = {}
        if action == "assign":
            changes = {"team": people["owner"].team, "assignee": people["owner"]}
        elif action == "unassign":
            changes = {"assignee": None}
        try:
            case_transition(
                case=case, actor=people[who], action=action, reason="r", changes=changes
            )
        except (TransitionRefused, NotAllowed):
            assert not should, (action, who, before.status)
            assert Case.objects.get(pk=case.pk).status == before.status
            continue
        assert should, (action, who, before.status)
        after = Case.objects.get(pk=case.pk).status
        assert after == (target or before.status), (action, who, before.status, after)
        accepted += 1
    recorded = CaseEvent.objects.filter(case=case, kind__in=["transition", "assignment"]).count()
    assert recorded == accepted
    assert (
        recorded
        == AuditEvent.objects.filter(
            object_type="case",
            object_id=str(case.pk),
            action__in=[f"case.{a}" for a in [*EXPECTED, "reassign"]],
        ).count()
    )


def test_the_code_s_table_covers_the_hand_written_one():
    """Every move written out above exists in the code's table, and no other status move."""
    from tipoff.cases.rules import MOVES

    assert set(MOVES) == set(EXPECTED)


STATUSES = ["received", "triaged", "assigned", "investigating", "decision_proposed", "decided"]
STATUSES += ["closed", "rejected", "forwarded", "merged"]


class _Undo(Exception):
    pass


def test_every_action_in_every_status_by_everyone_matches_the_hand_written_table(make_case, people):
    """Exhaustive: 10 statuses x 13 actions x 8 people, each tried and rolled back."""
    from django.db import transaction

    cases = {}
    for stage in STATUSES[:7]:
        cases[stage] = make_case(stage)
    for status in STATUSES[7:]:
        case = make_case("received")
        Case.objects.filter(pk=case.pk).update(status=status)
        cases[status] = Case.objects.get(pk=case.pk)
    wrong = []
    for status, made in cases.items():
        for action in EXPECTED:
            target, allowed = EXPECTED[action].get(status, (None, set()))
            for who in PEOPLE:
                case = Case.objects.get(pk=made.pk)  # the attempt before was rolled back
                should = target is not None and who in allowed and _sees(who, case, people)
                changes = {}
                if action == "assign":
                    changes = {"team": people["owner"].team, "assignee": people["owner"]}
                elif action == "unassign":
                    changes = {"assignee": None}
                outcome = None
                try:
                    with transaction.atomic():
                        moved = case_transition(
                            case=case, actor=people[who], action=action, reason="r", changes=changes
                        )
                        outcome = moved.status
                        raise _Undo
                except _Undo:
                    pass
                except (TransitionRefused, NotAllowed):
                    outcome = None
                expected = (target or status) if should else None
                if outcome != expected:
                    wrong.append((status, action, who, outcome, expected))
    assert wrong == []
