"""Notices of typical cases: drafting from structured facts only, four eyes, withdrawal, audit."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.transparency.conftest import SECRETS
from tipoff.audit.models import AuditEvent
from tipoff.cases.models import Decision
from tipoff.office import decisions
from tipoff.people.models import Role
from tipoff.people.services import body_create, staff_create
from tipoff.transparency import notices, notices_selectors
from tipoff.transparency.models import Notice, NoticeState

pytestmark = pytest.mark.django_db


def _all_text(notice: Notice) -> str:
    return " ".join([notice.title_zh, notice.title_en, notice.text_zh, notice.text_en])


def test_a_draft_starts_from_the_structured_facts_and_nothing_else(decided_case, people, body):
    Decision.objects.filter(case=decided_case).update(summary="SECRET-SUMMARY for the reporter")
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    text = _all_text(notice)
    for secret in [*SECRETS.values(), "SECRET", "Wang Wu", "Chen"]:
        assert secret not in text
    assert notice.state == NoticeState.DRAFT
    assert notice.category == body.category("banqueting")
    assert notice.unit == body.unit()
    assert notice.finding == "founded"
    assert [k.code for k in notice.sanction_kinds.all()] == ["warning"]
    assert notice.reported_on and notice.decided_on
    # The wording is made of those facts, in each language.
    assert "违规公款吃喝" in notice.text_zh and "市交通运输局" in notice.text_zh
    assert "警告" in notice.text_zh
    assert "Banqueting on public funds" in notice.text_en
    assert "Municipal Transport Bureau" in notice.text_en and "Warning" in notice.text_en


@pytest.mark.parametrize("stage", ["investigating", "decision_proposed"])
def test_only_a_decided_case_becomes_a_notice(make_case, people, stage):
    case = make_case(stage)
    assert not notices.can_draft(people["leader"], case)
    with pytest.raises(notices.NoticeRefused):
        notices.notice_draft(case=case, actor=people["leader"])


def test_a_closed_case_may_become_a_notice(make_case, people):
    case = make_case("closed")
    assert notices.notice_draft(case=case, actor=people["admin"]).state == NoticeState.DRAFT


def test_an_unfounded_report_is_never_described(make_case, people, body, staff):
    case = make_case("investigating")
    decisions.decision_propose(
        case=case,
        actor=staff["inspector"],
        finding="unfounded",
        summary="Nothing was found.",
        reasoning="",
        body_key=body.private_key,
        sanctions=[],
    )
    decisions.decision_approve(case=case, actor=staff["leader"], body_key=body.private_key)
    assert not notices.can_draft(people["admin"], case)
    with pytest.raises(notices.NoticeRefused):
        notices.notice_draft(case=case, actor=people["admin"])
    assert not notices_selectors.cases_to_notice(people["admin"]).filter(pk=case.pk).exists()


@pytest.mark.parametrize("who", ["owner", "teammate", "intake", "auditor", "other_leader"])
def test_who_may_not_draft(decided_case, people, who):
    # Inspectors, intake and auditors have no part in notices; another team's
    # leader does not see the case.
    assert not notices.can_draft(people[who], decided_case)
    with pytest.raises(notices.NoticeRefused):
        notices.notice_draft(case=decided_case, actor=people[who])


def test_staff_of_another_body_may_not_draft(decided_case, demo_password):
    other = body_create(slug="other", name_zh="另一纪委", name_en="Other").body
    admin = staff_create(
        username="other-admin", password=demo_password, body=other, role=Role.ADMIN
    )
    with pytest.raises(notices.NoticeRefused):
        notices.notice_draft(case=decided_case, actor=admin)


def test_the_drafter_never_approves_their_own_notice(decided_case, people):
    notice = notices.notice_draft(case=decided_case, actor=people["admin"])
    notices.notice_submit(notice=notice, actor=people["admin"])
    with translation.override("en"), pytest.raises(notices.NoticeRefused, match="other than the"):
        notices.notice_approve(notice=notice, actor=people["admin"])
    notice.refresh_from_db()
    assert notice.state == NoticeState.PENDING and notice.published_at is None
    # Someone who is no notice role may not approve either; a second leader may.
    with pytest.raises(notices.NoticeRefused):
        notices.notice_approve(notice=notice, actor=people["owner"])
    published = notices.notice_approve(notice=notice, actor=people["leader"])
    assert published.state == NoticeState.PUBLISHED
    assert published.approved_by == people["leader"] and published.published_at


def test_a_draft_is_not_approved_before_it_is_submitted(decided_case, people):
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    with pytest.raises(notices.NoticeRefused):
        notices.notice_approve(notice=notice, actor=people["admin"])


def test_someone_excluded_from_the_case_may_not_approve(decided_case, people, demo_password):
    from tipoff.cases.models import CaseExclusion, ExclusionReason

    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    notices.notice_submit(notice=notice, actor=people["leader"])
    CaseExclusion.objects.create(
        case=decided_case,
        user=people["admin"],
        reason=ExclusionReason.DECLARED,
        created_at=decided_case.created_at,
    )
    with pytest.raises(notices.NoticeRefused):
        notices.notice_approve(notice=notice, actor=people["admin"])
    assert not notices_selectors.notices_for_staff(people["admin"]).filter(pk=notice.pk).exists()
    assert notices_selectors.notices_for_staff(people["auditor"]).filter(pk=notice.pk).exists()


def test_only_the_drafter_edits_and_only_a_draft(decided_case, people):
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    wording = notices.NoticeWording(title_zh="标题", text_zh="经过", title_en="T", text_en="A")
    with pytest.raises(notices.NoticeRefused):
        notices.notice_edit(notice=notice, actor=people["admin"], wording=wording)
    edited = notices.notice_edit(notice=notice, actor=people["leader"], wording=wording)
    assert (edited.title_zh, edited.text_en) == ("标题", "A")
    with translation.override("en"), pytest.raises(notices.NoticeRefused, match="Chinese"):
        notices.notice_edit(
            notice=notice, actor=people["leader"], wording=notices.NoticeWording("", "")
        )
    notices.notice_submit(notice=notice, actor=people["leader"])
    # Frozen once submitted: the approver approves exactly what they read.
    with pytest.raises(notices.NoticeRefused):
        notices.notice_edit(notice=notice, actor=people["leader"], wording=wording)


def test_returning_needs_a_reason_and_reopens_the_draft(decided_case, people):
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    notices.notice_submit(notice=notice, actor=people["leader"])
    with pytest.raises(notices.NoticeRefused):
        notices.notice_return(notice=notice, actor=people["admin"], reason="  ")
    returned = notices.notice_return(notice=notice, actor=people["admin"], reason="Too detailed")
    assert returned.state == NoticeState.DRAFT and returned.return_reason == "Too detailed"
    assert notices.can_edit(people["leader"], returned)


def test_withdrawal_needs_a_reason_is_audited_and_hides_the_notice(
    decided_case, people, body, publish
):
    notice = publish(decided_case)
    assert list(notices_selectors.notices_published(body.body)) == [notice]
    with pytest.raises(notices.NoticeRefused):
        notices.notice_withdraw(notice=notice, actor=people["admin"], reason="")
    with pytest.raises(notices.NoticeRefused):
        notices.notice_withdraw(notice=notice, actor=people["owner"], reason="Mistake")
    withdrawn = notices.notice_withdraw(
        notice=notice, actor=people["admin"], reason="Identifies a witness"
    )
    assert withdrawn.state == NoticeState.WITHDRAWN and withdrawn.withdrawn_by == people["admin"]
    assert list(notices_selectors.notices_published(body.body)) == []
    event = AuditEvent.objects.get(action="notice.withdrawn")
    assert event.details["reason"] == "Identifies a witness"
    assert event.actor == people["admin"] and event.body_id == body.body.pk
    with pytest.raises(notices.NoticeRefused):  # only once
        notices.notice_withdraw(notice=withdrawn, actor=people["admin"], reason="Again")


def test_every_step_is_audited(decided_case, people):
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    notices.notice_edit(
        notice=notice,
        actor=people["leader"],
        wording=notices.NoticeWording(title_zh="标题", text_zh="经过"),
    )
    notices.notice_submit(notice=notice, actor=people["leader"])
    notices.notice_return(notice=notice, actor=people["admin"], reason="Shorter")
    notices.notice_submit(notice=notice, actor=people["leader"])
    notices.notice_approve(notice=notice, actor=people["admin"])
    notices.notice_withdraw(notice=notice, actor=people["admin"], reason="Superseded")
    events = AuditEvent.objects.filter(object_type="notice", object_id=str(notice.pk))
    assert [(e.action, e.actor.username) for e in events.order_by("seq")] == [
        ("notice.drafted", "demo-leader"),
        ("notice.edited", "demo-leader"),
        ("notice.submitted", "demo-leader"),
        ("notice.returned", "demo-admin"),
        ("notice.submitted", "demo-leader"),
        ("notice.approved", "demo-admin"),
        ("notice.withdrawn", "demo-admin"),
    ]
    assert all(e.details["case"] == decided_case.pk for e in events)


def test_titles_and_text_follow_the_language(decided_case, people, publish):
    notice = publish(decided_case, title_zh="中文标题", text_zh="中文经过", title_en="", text_en="")
    with translation.override("en"):
        assert notice.title() == "中文标题"  # no English: the Chinese is shown
    notice.title_en = "English title"
    with translation.override("en"):
        assert notice.title() == "English title"
    with translation.override("zh-hans"):
        assert notice.title() == "中文标题"


def test_one_notice_per_case_unless_withdrawn(decided_case, people, publish):
    notice = notices.notice_draft(case=decided_case, actor=people["leader"])
    assert (
        not notices_selectors.cases_to_notice(people["admin"]).filter(pk=decided_case.pk).exists()
    )
    with pytest.raises(notices.NoticeRefused):
        notices.notice_draft(case=decided_case, actor=people["admin"])
    notices.notice_submit(notice=notice, actor=people["leader"])
    notices.notice_approve(notice=notice, actor=people["admin"])
    notices.notice_withdraw(notice=notice, actor=people["admin"], reason="Rewrite it")
    assert notices_selectors.cases_to_notice(people["admin"]).filter(pk=decided_case.pk).exists()
    assert notices.notice_draft(case=decided_case, actor=people["admin"]).state == "draft"


def _reopen_and_decide_unfounded(case, body, staff) -> None:
    decisions.case_reopen(case=case, actor=staff["leader"], reason="New evidence.")
    decisions.decision_propose(
        case=case,
        actor=staff["inspector"],
        finding="unfounded",
        summary="Nothing was found.",
        reasoning="",
        body_key=body.private_key,
        sanctions=[],
    )
    decisions.decision_approve(case=case, actor=staff["leader"], body_key=body.private_key)


def test_a_draft_is_not_submitted_once_its_case_was_found_unfounded(make_case, people, body, staff):
    case = make_case("closed")
    notice = notices.notice_draft(case=case, actor=people["leader"])
    _reopen_and_decide_unfounded(case, body, staff)
    with translation.override("en"), pytest.raises(notices.NoticeRefused, match="decided again"):
        notices.notice_submit(notice=notice, actor=people["leader"])
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT


def test_a_notice_is_not_approved_once_its_case_was_found_unfounded(make_case, people, body, staff):
    case = make_case("closed")
    notice = notices.notice_draft(case=case, actor=people["leader"])
    notices.notice_submit(notice=notice, actor=people["leader"])
    _reopen_and_decide_unfounded(case, body, staff)
    with translation.override("zh-hans"), pytest.raises(notices.NoticeRefused, match="重新作出"):
        notices.notice_approve(notice=notice, actor=people["admin"])
    notice.refresh_from_db()
    assert notice.state == NoticeState.PENDING and notice.published_at is None


def test_a_notice_waits_while_its_case_is_reopened(make_case, people, body, staff):
    case = make_case("closed")
    notice = notices.notice_draft(case=case, actor=people["leader"])
    decisions.case_reopen(case=case, actor=staff["leader"], reason="New evidence.")
    with translation.override("en"), pytest.raises(notices.NoticeRefused, match="reopened"):
        notices.notice_submit(notice=notice, actor=people["leader"])
    # Decided again with the same finding: the notice may go ahead.
    decisions.decision_propose(
        case=case,
        actor=staff["inspector"],
        finding="founded",
        summary="Confirmed again.",
        reasoning="",
        body_key=body.private_key,
        sanctions=[],
    )
    decisions.decision_approve(case=case, actor=staff["leader"], body_key=body.private_key)
    notices.notice_submit(notice=notice, actor=people["leader"])
    assert notices.notice_approve(notice=notice, actor=people["admin"]).state == "published"
