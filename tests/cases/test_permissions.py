"""Permission checks, tested with an owner, a teammate, an outsider and an excluded user
for every case view and action — through the rules and through HTTP."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tipoff.cases import permissions
from tipoff.cases.models import SanctionKind
from tipoff.office import investigation
from tipoff.reports.selectors import case_reports

pytestmark = pytest.mark.django_db
RELATIONS = ["owner", "teammate", "outsider", "excluded"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


# (action, stage at which it is possible, the relations allowed to do it)
RULES = [
    ("view", "assigned", {"owner", "teammate"}),
    ("export", "investigating", {"owner", "teammate"}),
    ("declare_conflict", "assigned", {"owner", "teammate"}),
    ("note", "investigating", {"owner"}),
    ("message", "investigating", {"owner"}),
    ("file", "investigating", {"owner"}),
    ("start", "assigned", {"owner"}),
    ("propose", "investigating", {"owner"}),
    ("close", "decided", {"owner"}),
    ("approve", "decision_proposed", set()),
    ("return", "decision_proposed", set()),
    ("reopen", "closed", set()),
    ("extend", "investigating", set()),
    ("assign", "assigned", set()),
    ("accept", "received", set()),
    ("reject", "received", set()),
    ("forward", "received", set()),
    ("merge", "received", set()),
    ("lift_exclusion", "assigned", set()),
]


@pytest.mark.parametrize(("action", "stage", "allowed"), RULES, ids=[r[0] for r in RULES])
def test_rules_for_owner_teammate_outsider_excluded(make_case, people, action, stage, allowed):
    case = make_case(stage)
    for who in RELATIONS:
        assert permissions.can(people[who], action, case) == (who in allowed), (who, action)


ROLE_RULES = [
    # (action, stage, roles allowed among intake/leader/admin/auditor/other_leader)
    ("view", "received", {"intake", "admin", "auditor"}),
    ("view", "triaged", {"intake", "leader", "admin", "auditor", "other_leader"}),
    ("view", "investigating", {"leader", "admin", "auditor"}),
    ("accept", "received", {"intake", "admin"}),
    ("assign", "triaged", {"intake", "leader", "admin", "other_leader"}),
    ("assign", "investigating", {"leader", "admin"}),
    ("approve", "decision_proposed", {"leader"}),
    ("reopen", "closed", {"leader", "admin"}),
    ("extend", "investigating", {"leader", "admin"}),
    ("note", "received", {"intake", "admin"}),
    ("export", "closed", {"leader", "admin", "auditor"}),
    ("lift_exclusion", "investigating", {"admin"}),
]


@pytest.mark.parametrize(
    ("action", "stage", "allowed"), ROLE_RULES, ids=[f"{a}-{s}" for a, s, _ in ROLE_RULES]
)
def test_rules_for_roles(make_case, people, action, stage, allowed):
    case = make_case(stage)
    for who in ["intake", "leader", "admin", "auditor", "other_leader"]:
        assert permissions.can(people[who], action, case) == (who in allowed), (who, action)


def test_nobody_sees_another_bodys_cases(make_case, people):
    from tipoff.people.services import body_create, staff_create

    other = body_create(slug="elsewhere", name_zh="别处", name_en="Elsewhere").body
    admin = staff_create(username="other-admin", password="x" * 20, body=other, role="admin")
    case = make_case("investigating")
    assert not permissions.visible(admin, case)
    assert not permissions.can(admin, "view", case)


def test_inactive_staff_see_nothing(make_case, people):
    case = make_case("investigating")
    people["owner"].is_active = False
    assert not permissions.visible(people["owner"], case)


# --- the same through HTTP --------------------------------------------------------


def _post_data(action, case, body):
    reports = list(case_reports(case))
    if action == "note":
        return {"text": "Called the restaurant."}
    if action == "message":
        return {"report": reports[0].pk, "text": "Do you have the receipt?"}
    if action == "file":
        return {"file": io.BytesIO(_png())}
    if action == "propose":
        kind = SanctionKind.objects.get(body=body.body, code="warning")
        return {
            "finding": "founded",
            "summary": "The official was warned.",
            "reasoning": "",
            "sanction-TOTAL_FORMS": "1",
            "sanction-INITIAL_FORMS": "0",
            "sanction-0-official_name": "Wang Wu",
            "sanction-0-official_position": "Director",
            "sanction-0-kind": kind.pk,
        }
    if action in ("reopen", "return", "reject"):
        return {"reason": "A reason."}
    if action == "extend":
        return {"days": "10", "reason": "Waiting for bank records."}
    if action == "assign":
        return {"team": case.team_id, "inspector": case.assignee_id}
    return {}


@pytest.mark.parametrize(
    ("action", "stage", "allowed"),
    [r for r in RULES if r[0] not in ("view", "export", "lift_exclusion")],
    ids=[r[0] for r in RULES if r[0] not in ("view", "export", "lift_exclusion")],
)
def test_http_actions_for_owner_teammate_outsider_excluded(
    client, make_case, people, sign_in, body, action, stage, allowed
):
    from tipoff.office.decisions import sanction_kinds_seed

    sanction_kinds_seed(body=body.body)
    for who in RELATIONS:
        case = make_case(stage)
        visible = permissions.visible(people[who], case)
        sign_in(client, people[who])
        response = client.post(
            f"/office/cases/{case.pk}/do/{action}/", _post_data(action, case, body)
        )
        expected = 302 if who in allowed else (403 if visible else 404)
        assert response.status_code == expected, (who, action, response.content.decode()[:800])
        client.post("/staff/logout/")


def test_http_views_for_owner_teammate_outsider_excluded(
    client, make_case, people, sign_in, body, submit
):
    from tipoff.reports.services import EvidenceFile

    case = make_case("investigating", evidence=[EvidenceFile(data=_png())])
    evidence = case_reports(case)[0].evidence.first()
    item = investigation.case_file_add(
        case=case, actor=people["owner"], name="notes.png", data=_png(), body_key=body.private_key
    )
    urls = [
        f"/office/cases/{case.pk}/",
        f"/office/cases/{case.pk}/dossier.pdf",
        f"/office/cases/{case.pk}/evidence/{evidence.pk}/",
        f"/office/cases/{case.pk}/files/{item.pk}/",
    ]
    for who in RELATIONS:
        sign_in(client, people[who])
        for url in urls:
            response = client.get(url)
            expected = 200 if who in ("owner", "teammate") else 404
            assert response.status_code == expected, (who, url)
            if expected == 200 and response.streaming:
                assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        client.post("/staff/logout/")


def test_queues_never_list_what_a_user_may_not_open(client, make_case, people, sign_in):
    case = make_case("investigating")
    for who in RELATIONS:
        sign_in(client, people[who])
        page = client.get("/office/queue/all/").content.decode()
        assert (case.reference in page) == (who in ("owner", "teammate")), who
        client.post("/staff/logout/")
