"""The state machine of DESIGN.md §5: every move, who may make it, and what it records."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify
from tipoff.cases.models import Case, CaseEvent, Status
from tipoff.cases.permissions import NotAllowed
from tipoff.cases.services import MOVES, TransitionRefused, case_transition
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
            object_type="case", object_id=str(case.pk), action__in=[f"case.{m}" for m in MOVES]
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


# Property: whatever sequence of moves anyone tries, the case only ever takes
# the edges of the state machine, and each accepted move is recorded once.
EDGES = {(s, m.target) for m in MOVES.values() for s in m.sources}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(MOVES)),
            st.sampled_from(["admin", "intake", "leader", "owner", "teammate", "auditor"]),
        ),
        max_size=12,
    )
)
def test_random_move_sequences_only_follow_the_edges(make_case, people, attempts):
    case = make_case("received")
    for action, who in attempts:
        before = Case.objects.get(pk=case.pk).status
        try:
            case_transition(
                case=case,
                actor=people[who],
                action=action,
                reason="r",
                changes={}
                if action != "assign"
                else {"team": people["owner"].team, "assignee": people["owner"]},
            )
        except (TransitionRefused, NotAllowed):
            assert Case.objects.get(pk=case.pk).status == before
            continue
        after = Case.objects.get(pk=case.pk).status
        assert (before, after) in EDGES
    recorded = CaseEvent.objects.filter(case=case, kind="transition").count()
    assert (
        recorded
        == AuditEvent.objects.filter(
            object_type="case", object_id=str(case.pk), action__in=[f"case.{m}" for m in MOVES]
        ).count()
    )
