"""Case-handling fixtures: extra staff around the demo team, cases at each stage, signing in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.people.helpers import sign_in  # noqa: F401  (a fixture)
from tipoff.cases.models import Case, CaseExclusion, ExclusionReason, SanctionKind
from tipoff.office import decisions, triage
from tipoff.people.models import Role, Team, User
from tipoff.people.services import body_key_grant, staff_create

STAGES = [
    "received",
    "triaged",
    "assigned",
    "investigating",
    "decision_proposed",
    "decided",
    "closed",
]


@pytest.fixture
def people(body, staff, demo_password) -> dict[str, User]:
    """owner (the assigned inspector), teammate, outsider, excluded, and the role holders."""
    team1 = staff["inspector"].team
    team2 = Team.objects.filter(body=body.body).exclude(pk=team1.pk).first()

    def member(username: str, role: str, team: Team) -> User:
        user = staff_create(
            username=username,
            password=demo_password,
            body=body.body,
            role=role,
            display_name=f"Member {username}",
            team_id=team.pk,
        )
        body_key_grant(
            body=body.body, body_private_key=body.private_key, user=user, granted_by=None
        )
        return user

    return {
        "owner": staff["inspector"],
        "teammate": member("teammate", Role.INSPECTOR, team1),
        "outsider": member("outsider", Role.INSPECTOR, team2),
        "excluded": member("excluded", Role.INSPECTOR, team1),
        "other_leader": member("other-leader", Role.LEADER, team2),
        "leader": staff["leader"],
        "intake": staff["intake"],
        "admin": staff["admin"],
        "auditor": staff["auditor"],
    }


@pytest.fixture
def make_case(body, staff, people, submit) -> Callable[..., Case]:
    """``make_case(stage)`` files a report and drives it to ``stage`` through the services."""

    def _make(stage: str = "received", **fields: Any) -> Case:
        key = body.private_key
        case = submit(**fields).report.case
        CaseExclusion.objects.create(
            case=case,
            user=people["excluded"],
            reason=ExclusionReason.DECLARED,
            created_at=case.created_at,
        )
        steps = STAGES[1 : STAGES.index(stage) + 1]
        for step in steps:
            if step == "triaged":
                triage.case_accept(case=case, actor=staff["intake"], body_key=key)
            elif step == "assigned":
                triage.case_assign(
                    case=case,
                    actor=staff["intake"],
                    team=staff["inspector"].team,
                    inspector=staff["inspector"],
                )
            elif step == "investigating":
                decisions.case_start(case=case, actor=staff["inspector"])
            elif step == "decision_proposed":
                decisions.sanction_kinds_seed(body=body.body)
                kind = SanctionKind.objects.get(body=body.body, code="warning")
                decisions.decision_propose(
                    case=case,
                    actor=staff["inspector"],
                    finding="founded",
                    summary="The official was warned.",
                    reasoning="Receipts confirm the banquet.",
                    body_key=key,
                    sanctions=[decisions.SanctionInput("Wang Wu", "Director", kind.pk)],
                )
            elif step == "decided":
                decisions.decision_approve(case=case, actor=staff["leader"], body_key=key)
            elif step == "closed":
                decisions.case_close(case=case, actor=staff["leader"])
        case.refresh_from_db()
        return case

    return _make
