"""Triage: accept, reject, forward, merge; duplicate and routing suggestions; assignment."""

from __future__ import annotations

import pytest
from django.utils import translation

from tipoff.audit.models import AuditEvent
from tipoff.cases.models import Case, CaseExclusion, ExclusionReason, Status
from tipoff.cases.permissions import NotAllowed
from tipoff.cases.selectors import case_status_for_reporter
from tipoff.cases.services import TransitionRefused
from tipoff.lib import crypto
from tipoff.office import triage
from tipoff.office.suggestions import duplicates_suggest, routing_suggest
from tipoff.people.services import body_create, body_key_from_recovery
from tipoff.reports.models import Report
from tipoff.reports.selectors import case_reports, report_content, report_data_key, report_thread
from tipoff.reports.services import reporter_open

pytestmark = pytest.mark.django_db


def _reporter_sees(receipt: str) -> tuple[list[str], object]:
    access = reporter_open(code=receipt)
    assert access is not None
    thread = [item.text for item in report_thread(report=access.report, data_key=access.data_key)]
    with translation.override(access.report.language):
        return thread, case_status_for_reporter(access.report.case)


def test_accepting_acknowledges_the_report_in_the_reporters_thread(submit, people, body):
    filed = submit(language="en")
    triage.case_accept(case=filed.report.case, actor=people["intake"], body_key=body.private_key)
    thread, status = _reporter_sees(filed.receipt)
    assert status.code == "triaged"
    assert len(thread) == 1 and "accepted for handling" in thread[0]
    case = Case.objects.get(pk=filed.report.case_id)
    assert case.acknowledged_at is not None


def test_acknowledgement_speaks_the_reporters_language(submit, people, body):
    filed = submit(language="zh-hans")
    triage.case_accept(case=filed.report.case, actor=people["intake"], body_key=body.private_key)
    thread, _status = _reporter_sees(filed.receipt)
    assert "受理" in thread[0]


def test_rejection_reason_reaches_the_reporter(submit, people, body):
    filed = submit(language="en")
    triage.case_reject(
        case=filed.report.case,
        actor=people["intake"],
        reason="It concerns a private company.",
        body_key=body.private_key,
    )
    thread, status = _reporter_sees(filed.receipt)
    assert status.code == "rejected"
    assert any("private company" in line for line in status.details)
    assert "private company" in thread[0]


def test_forwarding_reseals_the_report_for_the_other_body_and_keeps_the_receipt(
    submit, people, body
):
    other = body_create(slug="district", name_zh="南湖区纪委", name_en="Nanhu District Commission")
    other_key = body_key_from_recovery(body=other.body, recovery_key=other.recovery_key)
    filed = submit(language="en")
    old_case = filed.report.case
    triage.case_forward(
        case=old_case,
        actor=people["intake"],
        target_body=other.body,
        reason="A district official.",
        body_key=body.private_key,
    )
    old_case.refresh_from_db()
    report = Report.objects.get(pk=filed.report.pk)
    assert old_case.status == Status.FORWARDED and old_case.forwarded_to is not None
    assert report.body_id == other.body.pk and report.case_id == old_case.forwarded_to_id
    # The other body opens it now; the first one cannot any more.
    content = report_content(
        report=report, data_key=report_data_key(report=report, body_private_key=other_key)
    )
    assert "banquet" in content.what
    with pytest.raises(crypto.DecryptionError):
        report_data_key(report=report, body_private_key=body.private_key)
    # The reporter follows it with the same receipt, and is told where it went.
    thread, status = _reporter_sees(filed.receipt)
    assert status.code == "received"
    assert any("Nanhu District Commission" in line for line in status.details)
    assert "forwarded" in thread[-1]
    # The history travels: the new case shows where it came from.
    new_case = old_case.forwarded_to
    assert new_case.events.filter(action="forwarded_in").exists()
    assert new_case.forwarded_from.get() == old_case


def test_forwarding_to_the_same_body_is_refused(submit, people, body):
    case = submit().report.case
    with pytest.raises(TransitionRefused):
        triage.case_forward(
            case=case,
            actor=people["intake"],
            target_body=body.body,
            reason="x",
            body_key=body.private_key,
        )


def test_merging_folds_the_reports_together(submit, people, body):
    first = submit(language="en")
    second = submit(
        language="en", what="Director Wang Wu dined twenty guests with public money at the hotel."
    )
    target = first.report.case
    triage.case_merge(
        case=second.report.case, actor=people["intake"], target=target, body_key=body.private_key
    )
    assert {r.pk for r in case_reports(target)} == {first.report.pk, second.report.pk}
    thread, status = _reporter_sees(second.receipt)
    assert status.code == "received"  # the status of the case it joined
    assert any("together" in line for line in status.details)
    assert "together" in thread[-1]


def test_merge_refuses_itself_other_bodies_and_ended_cases(submit, make_case, people, body):
    case = submit().report.case
    for target in (case, make_case("closed")):
        with pytest.raises(TransitionRefused):
            triage.case_merge(
                case=case, actor=people["intake"], target=target, body_key=body.private_key
            )


def test_merge_carries_exclusions_over(submit, people, body):
    first, second = submit().report.case, submit().report.case
    CaseExclusion.objects.create(
        case=second,
        user=people["teammate"],
        reason=ExclusionReason.DECLARED,
        created_at=second.created_at,
    )
    triage.case_merge(case=second, actor=people["intake"], target=first, body_key=body.private_key)
    assert CaseExclusion.objects.filter(case=first, user=people["teammate"]).exists()


def test_duplicates_are_suggested_by_official_unit_category_and_text(submit, people, body):
    original = submit(
        what="王局长周五晚上在金鼎酒店用公款宴请二十多人，花了一万多元。", official_name="王五"
    )
    unrelated = submit(
        what="北山区教育局有老师上班时间长期不在岗，无人管理。",
        official_name="赵六",
        category_id=body.category("absenteeism").pk,
        unit_id=body.unit("市教育局").pk,
    )
    new = submit(
        what="王局长用公款在金鼎酒店请了二十多人吃饭，时间是周五晚上。", official_name="王五"
    )
    with translation.override("en"):
        suggestions = duplicates_suggest(
            case=new.report.case, actor=people["intake"], body_key=body.private_key
        )
    assert [s.case.pk for s in suggestions][:1] == [original.report.case_id]
    assert unrelated.report.case_id not in [s.case.pk for s in suggestions]
    reasons = " ".join(suggestions[0].reasons)
    assert (
        "same official" in reasons
        and "same unit and category" in reasons
        and "similar text" in reasons
    )
    event = AuditEvent.objects.get(action="case.duplicates_checked")
    assert original.report.case_id in event.details["suggested"]


def test_routing_follows_the_team_jurisdiction(submit, people, body):
    case = submit(unit_id=body.unit("南湖区人民政府").pk).report.case
    suggestions = routing_suggest(case=case)
    assert suggestions[0].team.name_zh == "第五监督检查室"
    assert suggestions[0].reasons


def test_routing_suggests_the_least_busy_inspector(make_case, people):
    case = make_case("triaged")
    top = routing_suggest(case=case)[0]
    assert top.team == people["owner"].team
    assert top.inspector in (people["owner"], people["teammate"])
    assert top.inspector != people["excluded"]


def test_assignment_checks_team_and_inspector(make_case, people):
    case = make_case("triaged")
    with pytest.raises(TransitionRefused):
        triage.case_assign(
            case=case,
            actor=people["intake"],
            team=people["owner"].team,
            inspector=people["outsider"],
        )
    with pytest.raises(TransitionRefused):
        triage.case_assign(
            case=case,
            actor=people["intake"],
            team=people["owner"].team,
            inspector=people["excluded"],
        )
    with pytest.raises(NotAllowed):
        triage.case_assign(
            case=case,
            actor=people["other_leader"],
            team=people["owner"].team,
            inspector=people["owner"],
        )
    triage.case_assign(
        case=case, actor=people["intake"], team=people["owner"].team, inspector=people["teammate"]
    )
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.assignee == people["teammate"]


def test_reassignment_keeps_the_state_and_records_it(make_case, people):
    case = make_case("investigating")
    triage.case_assign(
        case=case,
        actor=people["leader"],
        team=people["owner"].team,
        inspector=people["teammate"],
        reason="Holiday.",
    )
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and case.assignee == people["teammate"]
    event = case.events.get(action="reassign")
    assert event.reason == "Holiday." and event.details["previous_assignee"] == people["owner"].pk


def test_merge_by_reference_through_http(client, submit, people, sign_in):
    first, second = submit().report.case, submit().report.case
    sign_in(client, people["intake"])
    assert (
        client.post(f"/office/cases/{second.pk}/do/merge/", {"target": "2026-x"}).status_code == 400
    )
    response = client.post(f"/office/cases/{second.pk}/do/merge/", {"target": first.reference})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into == first


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(out, "PNG")
    return out.getvalue()


def test_forwarding_keeps_the_old_case_readable_and_the_new_one_open(
    client, submit, people, body, sign_in
):
    """Issue 9.1: notes and files written during triage were under the report's key,
    which went to the other body, so the forwarded-from case answered 500."""
    from tipoff.office import investigation
    from tipoff.people.models import Role
    from tipoff.people.services import body_key_grant, staff_create

    other = body_create(slug="district", name_zh="南湖区纪委", name_en="Nanhu District Commission")
    other_key = body_key_from_recovery(body=other.body, recovery_key=other.recovery_key)
    filed = submit(language="en")
    merged = submit(language="en", what="The same banquet again, seen from the street outside.")
    old_case = filed.report.case
    triage.case_merge(
        case=merged.report.case, actor=people["intake"], target=old_case, body_key=body.private_key
    )
    investigation.note_add(
        case=old_case, actor=people["intake"], text="Belongs to Nanhu.", body_key=body.private_key
    )
    investigation.case_file_add(
        case=old_case,
        actor=people["intake"],
        name="map.png",
        data=_png(),
        body_key=body.private_key,
    )
    triage.case_forward(
        case=old_case,
        actor=people["intake"],
        target_body=other.body,
        reason="A district official.",
        body_key=body.private_key,
    )
    old_case.refresh_from_db()
    # The old body still opens its case, with its note and its file.
    sign_in(client, people["admin"])
    page = client.get(f"/office/cases/{old_case.pk}/")
    assert page.status_code == 200 and "Belongs to Nanhu." in page.content.decode()
    file_id = old_case.files.get().pk
    assert client.get(f"/office/cases/{old_case.pk}/files/{file_id}/").status_code == 200
    # The new body opens the new case, with both reports (the merged one moved too).
    new_case = old_case.forwarded_to
    assert {r.pk for r in case_reports(new_case)} == {filed.report.pk, merged.report.pk}
    colleague = staff_create(
        username="nanhu-admin",
        password="correct horse battery staple 42",
        body=other.body,
        role=Role.ADMIN,
    )
    body_key_grant(body=other.body, body_private_key=other_key, user=colleague, granted_by=None)
    other_client = client.__class__()
    sign_in(other_client, colleague, password="correct horse battery staple 42")
    page = other_client.get(f"/office/cases/{new_case.pk}/").content.decode()
    assert "banquet" in page and "Belongs to Nanhu." not in page  # the old body's note stays
    # Each reporter follows up on the web with the same receipt.
    for receipt in (filed.receipt, merged.receipt):
        reporter = client.__class__()
        assert reporter.post("/followup/", {"code": receipt}).status_code == 302
        assert reporter.get("/followup/report/").status_code == 200


def test_notes_from_before_case_keys_are_moved_under_the_case_key(submit, people, body):
    """The upgrade: a note sealed with a report's key is re-sealed at the first read."""
    from tipoff.cases.models import CaseNote
    from tipoff.lib import vault
    from tipoff.office import reading

    filed = submit()
    case = filed.report.case
    data_key = report_data_key(report=filed.report, body_private_key=body.private_key)
    note = CaseNote.objects.create(
        case=case,
        legacy_report=filed.report,
        author=people["intake"],
        created_at=case.created_at,
        body=vault.seal(data_key, b"written last year", label=f"note:{case.pk}"),
    )
    contents = reading.case_read(case=case, actor=people["admin"], body_key=body.private_key)
    assert [n.text for n in contents.notes] == ["written last year"]
    note.refresh_from_db()
    assert note.legacy_report is None
    assert vault.unseal(contents.key, note.body, label=f"note:{case.pk}") == b"written last year"
