"""Decisions: finding and measures per official, approval, and the outcome the reporter sees."""

from __future__ import annotations

import pytest
from django.utils import translation

from tipoff.cases.models import Decision, DecisionSanction, SanctionKind, Status
from tipoff.cases.selectors import case_key, case_status_for_reporter
from tipoff.cases.services import TransitionRefused
from tipoff.office import decisions
from tipoff.office.investigation import official_read
from tipoff.reports.selectors import report_thread
from tipoff.reports.services import reporter_open

pytestmark = pytest.mark.django_db


def test_default_measures_follow_the_reference_terms(body):
    assert decisions.sanction_kinds_seed(body=body.body) == len(decisions.DEFAULT_SANCTIONS)
    assert decisions.sanction_kinds_seed(body=body.body) == 0  # once
    names = set(SanctionKind.objects.filter(body=body.body).values_list("name_zh", flat=True))
    assert {
        "批评教育",
        "诫勉谈话",
        "警告",
        "党内严重警告",
        "降级",
        "撤职",
        "开除",
        "移送司法机关",
    } <= names


def test_officials_names_are_encrypted_and_measures_counted_in_clear(make_case, body):
    case = make_case("decision_proposed")
    sanction = DecisionSanction.objects.get(decision__case=case)
    assert b"Wang Wu" not in bytes(sanction.official)
    key = case_key(case=case, body_private_key=body.private_key)
    assert official_read(key=key, case=case, blob=sanction.official) == {
        "name": "Wang Wu",
        "position": "Director",
    }
    assert sanction.kind.code == "warning"


def test_approval_tells_the_reporter_the_outcome_without_names(submit, staff, body, people):
    filed = submit(language="en")
    case = filed.report.case
    from tipoff.office import triage

    key = body.private_key
    triage.case_accept(case=case, actor=staff["intake"], body_key=key)
    triage.case_assign(
        case=case, actor=staff["intake"], team=staff["inspector"].team, inspector=staff["inspector"]
    )
    decisions.case_start(case=case, actor=staff["inspector"])
    decisions.sanction_kinds_seed(body=body.body)
    kinds = {k.code: k.pk for k in SanctionKind.objects.filter(body=body.body)}
    decisions.decision_propose(
        case=case,
        actor=staff["inspector"],
        finding="partly",
        summary="The banquet happened; the cost was repaid.",
        reasoning="Invoice 1234 confirms it.",
        body_key=key,
        sanctions=[
            decisions.SanctionInput("Wang Wu", "Director", kinds["party_serious_warning"]),
            decisions.SanctionInput("Li Si", "Deputy", kinds["criticism"]),
        ],
    )
    with translation.override("en"):
        assert case_status_for_reporter(case).code == "decision_proposed"
    decisions.decision_approve(case=case, actor=staff["leader"], body_key=key)
    access = reporter_open(code=filed.receipt)
    with translation.override("en"):
        status = case_status_for_reporter(access.report.case)
    assert status.code == "decided"
    text = " ".join(status.details)
    assert (
        "Partly founded" in text
        and "Measures taken: Criticism and education (1 person); Serious Party warning (1 person)."
        in text
    )
    assert "cost was repaid" in text
    assert "Wang Wu" not in text and "Invoice" not in text
    last = report_thread(report=access.report, data_key=access.data_key)[-1].text
    assert "concluded" in last and "Partly founded" in last and "Wang Wu" not in last
    decision = Decision.objects.get(case=case)
    assert decision.approved_by == staff["leader"] and decision.state == "approved"


def test_outcome_is_shown_in_chinese_too(make_case):
    case = make_case("closed")
    with translation.override("zh-hans"):
        text = " ".join(case_status_for_reporter(case).details)
    assert "属实" in text and "处理措施：警告（1 人）。" in text and "×" not in text


@pytest.mark.parametrize(
    ("finding", "summary", "with_sanction"),
    [
        ("maybe", "x", False),
        ("founded", "", False),
        ("unfounded", "Nothing found.", True),
        ("founded", "x" * 2001, False),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(
    make_case, staff, body, finding, summary, with_sanction
):
    case = make_case("investigating")
    decisions.sanction_kinds_seed(body=body.body)
    kind = SanctionKind.objects.filter(body=body.body).first()
    sanctions = [decisions.SanctionInput("Wang Wu", "", kind.pk)] if with_sanction else []
    with pytest.raises(TransitionRefused):
        decisions.decision_propose(
            case=case,
            actor=staff["inspector"],
            finding=finding,
            summary=summary,
            reasoning="",
            sanctions=sanctions,
            body_key=body.private_key,
        )
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and not case.decisions.exists()


def test_measures_of_another_body_or_disabled_are_refused(make_case, staff, body):
    case = make_case("investigating")
    decisions.sanction_kinds_seed(body=body.body)
    kind = SanctionKind.objects.filter(body=body.body).first()
    kind.active = False
    kind.save()
    with pytest.raises(TransitionRefused):
        decisions.decision_propose(
            case=case,
            actor=staff["inspector"],
            finding="founded",
            summary="x",
            reasoning="",
            sanctions=[decisions.SanctionInput("Wang Wu", "", kind.pk)],
            body_key=body.private_key,
        )


def test_decision_form_through_http_shows_errors_with_400(client, make_case, people, sign_in, body):
    case = make_case("investigating")
    decisions.sanction_kinds_seed(body=body.body)
    sign_in(client, people["owner"])
    response = client.post(
        f"/office/cases/{case.pk}/do/propose/",
        {
            "finding": "founded",
            "summary": "",
            "sanction-TOTAL_FORMS": "1",
            "sanction-INITIAL_FORMS": "0",
            "sanction-0-official_name": "Wang Wu",
        },
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING


def test_approving_and_returning_through_http(client, make_case, people, sign_in):
    case = make_case("decision_proposed")
    sign_in(client, people["leader"])
    assert client.post(f"/office/cases/{case.pk}/do/return/", {"reason": ""}).status_code == 400
    assert client.post(f"/office/cases/{case.pk}/do/approve/").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DECIDED
    assert client.post(f"/office/cases/{case.pk}/do/approve/").status_code == 403  # not any more


def test_seeding_the_measures_twice_at_once_is_no_error(body, monkeypatch):
    """Issue 9.5: two pages seeding at the same moment gave an IntegrityError (500)."""
    from tipoff.cases.models import SanctionKind
    from tipoff.office.decisions import DEFAULT_SANCTIONS

    assert decisions.sanction_kinds_seed(body=body.body) == len(DEFAULT_SANCTIONS)
    # The second page checked before the first had written: it seeds again.
    monkeypatch.setattr(
        type(SanctionKind.objects.none()), "exists", lambda self: False, raising=True
    )
    decisions.sanction_kinds_seed(body=body.body)
    monkeypatch.undo()
    assert SanctionKind.objects.filter(body=body.body).count() == len(DEFAULT_SANCTIONS)
