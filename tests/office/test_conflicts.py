"""Conflicts of interest: staff named in a report, or who declare one, cannot see the case."""

from __future__ import annotations

import pytest

from tipoff.audit.models import AuditEvent
from tipoff.cases import permissions
from tipoff.cases.models import CaseExclusion, ExclusionReason
from tipoff.office import reading

pytestmark = pytest.mark.django_db


def test_staff_named_as_the_official_are_excluded_at_the_first_read(submit, people, body):
    case = submit(
        official_name="张伟", official_position="检查员"
    ).report.case  # the demo inspector's name
    assert permissions.visible(people["intake"], case)
    reading.case_read(case=case, actor=people["intake"], body_key=body.private_key)
    exclusion = CaseExclusion.objects.get(case=case)
    assert exclusion.user == people["owner"] and exclusion.reason == ExclusionReason.NAMED
    assert case.events.filter(action="excluded").exists()


@pytest.mark.parametrize("written", ["張偉", "Zhang Wei", "Wei ZHANG", "zhāng wěi"])
def test_staff_are_excluded_whichever_script_names_them(submit, people, body, written):
    case = submit(official_name=written, official_position="检查员").report.case
    reading.case_read(case=case, actor=people["intake"], body_key=body.private_key)
    assert CaseExclusion.objects.filter(case=case, user=people["owner"]).exists()


def test_a_named_reader_sees_nothing_and_the_refusal_is_audited(client, submit, people, sign_in):
    case = submit(official_name="王敏").report.case  # the demo administrator
    sign_in(client, people["admin"])
    response = client.get(f"/office/cases/{case.pk}/")
    assert response.status_code == 403
    assert "王五" not in response.content.decode() and "banquet" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="case.read_refused_conflict", actor=people["admin"]
    ).exists()
    assert (
        client.get(f"/office/cases/{case.pk}/").status_code == 404
    )  # from then on it is out of sight
    assert case.reference not in client.get("/office/queue/all/").content.decode()


def test_declaring_a_conflict_hides_the_case_and_unassigns(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["owner"])
    response = client.post(f"/office/cases/{case.pk}/do/declare_conflict/")
    assert response.status_code == 302 and response["Location"] == "/office/"
    case.refresh_from_db()
    # Back to be assigned again (issue 9.4: never an assigned case without an assignee).
    assert case.assignee is None and case.status == "triaged" and case.team is not None
    assert case.events.filter(action="unassign").exists()
    assert client.get(f"/office/cases/{case.pk}/").status_code == 404
    assert (
        CaseExclusion.objects.get(case=case, user=people["owner"]).reason
        == ExclusionReason.DECLARED
    )


def test_administrators_see_exclusions_and_can_lift_a_namesake(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["admin"])
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "Member excluded" in page
    listing = client.get("/office/exclusions/").content.decode()
    assert case.reference in listing and "Member excluded" in listing
    exclusion = CaseExclusion.objects.get(case=case, user=people["excluded"])
    assert (
        client.post(f"/office/exclusions/{exclusion.pk}/lift/", {"reason": ""}).status_code == 302
    )
    assert CaseExclusion.objects.filter(pk=exclusion.pk).exists()  # a reason is needed
    client.post(
        f"/office/exclusions/{exclusion.pk}/lift/", {"reason": "A namesake in another city."}
    )
    assert not CaseExclusion.objects.filter(pk=exclusion.pk).exists()
    assert case.events.get(action="exclusion_lifted").reason == "A namesake in another city."


@pytest.mark.parametrize("role", ["intake", "leader", "auditor"])
def test_others_do_not_see_exclusions(client, make_case, people, sign_in, role):
    sign_in(client, people[role])
    assert client.get("/office/exclusions/").status_code == 403


def test_excluded_staff_cannot_be_assigned_or_suggested(make_case, people):
    from tipoff.office.presenters import assign_choices

    case = make_case("triaged")
    _teams, candidates = assign_choices(case, people["intake"])
    assert people["excluded"] not in list(candidates)
