"""The case page and the administrators' pages: rendering, bad input, locked sessions, languages."""

from __future__ import annotations

import io
import re

import pytest

from tipoff.audit.models import AuditEvent
from tipoff.cases.models import Case, Status
from tipoff.reports.models import Message

pytestmark = pytest.mark.django_db
STAGES = [
    "received",
    "triaged",
    "assigned",
    "investigating",
    "decision_proposed",
    "decided",
    "closed",
]


@pytest.mark.parametrize("stage", STAGES)
def test_case_page_at_every_stage_is_decrypted_and_audited(
    client, make_case, people, sign_in, stage
):
    case = make_case(stage)
    sign_in(client, people["admin"])
    response = client.get(f"/office/cases/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "twenty people at public cost" in page and "Wang Wu" in page
    assert AuditEvent.objects.filter(
        action="case.read", actor=people["admin"], object_id=str(case.pk)
    ).exists()


def test_the_case_page_offers_what_the_role_may_do(client, make_case, people, sign_in):
    case = make_case("received")
    sign_in(client, people["intake"])
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert 'data-testid="accept"' in page and "do/reject/" in page and "do/merge/" in page
    client.post("/staff/logout/")
    sign_in(client, people["auditor"])
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "do/accept/" not in page and "do/note/" not in page


def test_without_the_key_in_the_session_nothing_is_decrypted_or_written(
    client, make_case, people, sign_in
):
    case = make_case("received")
    sign_in(client, people["intake"])
    del client.cookies["tipoff_keys"]
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "twenty people" not in page
    assert "密钥" in page  # the page says why
    response = client.post(f"/office/cases/{case.pk}/do/accept/")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not Message.objects.exists()


@pytest.mark.parametrize(
    ("stage", "who", "action", "data"),
    [
        ("received", "intake", "reject", {"reason": ""}),
        ("received", "intake", "merge", {"target": "999999"}),
        ("received", "intake", "merge", {"target": "abc"}),
        ("received", "intake", "merge", {"target": "²"}),
        ("received", "intake", "merge", {"target": "2026-99999999999999999999"}),
        ("received", "intake", "forward", {"target": "999", "reason": "x"}),
        ("triaged", "intake", "assign", {"team": "", "inspector": ""}),
        ("investigating", "owner", "message", {"report": "999999", "text": "hi"}),
        ("investigating", "owner", "note", {"text": ""}),
        ("investigating", "owner", "file", {}),
        ("closed", "leader", "reopen", {"reason": ""}),
    ],
)
def test_bad_action_input_is_a_4xx_and_writes_nothing(
    client, make_case, people, sign_in, stage, who, action, data
):
    case = make_case(stage)
    before = (Case.objects.get(pk=case.pk).status, Message.objects.count(), case.events.count())
    sign_in(client, people[who])
    response = client.post(f"/office/cases/{case.pk}/do/{action}/", data)
    assert 400 <= response.status_code < 500, response.status_code
    assert (
        Case.objects.get(pk=case.pk).status,
        Message.objects.count(),
        case.events.count(),
    ) == before


def test_a_file_that_is_not_evidence_is_refused_with_a_message(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["owner"])
    response = client.post(
        f"/office/cases/{case.pk}/do/file/", {"file": io.BytesIO(b"MZ\x90\x00 not a document")}
    )
    assert response.status_code == 400
    assert not case.files.exists()


def test_message_to_the_reporter_and_note_through_http(client, make_case, people, sign_in):
    case = make_case("investigating")
    report = case.reports.get()
    sign_in(client, people["owner"])
    assert (
        client.post(
            f"/office/cases/{case.pk}/do/message/",
            {"report": report.pk, "text": "Do you have the receipt?"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/office/cases/{case.pk}/do/note/", {"text": "Ask the restaurant for CCTV."}
        ).status_code
        == 302
    )
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "Do you have the receipt?" in page and "Ask the restaurant for CCTV." in page
    assert Message.objects.filter(report=report, author="staff", staff=people["owner"]).exists()
    assert b"CCTV" not in bytes(case.notes.get().body)  # encrypted at rest


def test_unknown_action_is_404_and_get_is_405(client, make_case, people, sign_in):
    case = make_case("received")
    sign_in(client, people["intake"])
    assert client.post(f"/office/cases/{case.pk}/do/explode/").status_code == 404
    assert client.get(f"/office/cases/{case.pk}/do/accept/").status_code == 405


def test_office_needs_a_signed_in_staff_member(client, make_case):
    case = make_case("received")
    for url in [
        "/office/",
        "/office/queue/all/",
        f"/office/cases/{case.pk}/",
        "/office/audit/",
        "/office/settings/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/"), url


def test_case_page_in_english_and_chinese(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["owner"])
    assert "审查调查中" in client.get(f"/office/cases/{case.pk}/").content.decode()
    client.cookies["tipoff_lang"] = "en"
    assert "Under investigation" in client.get(f"/office/cases/{case.pk}/").content.decode()


# --- administrators and auditors ---------------------------------------------------


def test_settings_change_deadlines_and_measures_audited(client, people, sign_in, body):
    sign_in(client, people["admin"])
    assert client.get("/office/settings/").status_code == 200
    assert (
        client.post(
            "/office/settings/",
            {"form": "deadlines", "acknowledge_days": "0", "conclude_days": "90"},
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/office/settings/",
            {"form": "deadlines", "acknowledge_days": "10", "conclude_days": "120"},
        ).status_code
        == 302
    )
    body.body.refresh_from_db()
    assert (body.body.acknowledge_days, body.body.conclude_days) == (10, 120)
    assert (
        client.post(
            "/office/settings/",
            {"form": "sanction", "code": "fine", "name_zh": "罚款", "name_en": "Fine"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/office/settings/",
            {"form": "sanction", "code": "fine", "name_zh": "罚款", "name_en": "Fine"},
        ).status_code
        == 400
    )
    actions = set(AuditEvent.objects.filter(actor=people["admin"]).values_list("action", flat=True))
    assert {"config.deadlines", "config.sanction_added"} <= actions


@pytest.mark.parametrize("role", ["intake", "leader", "auditor", "owner"])
def test_only_administrators_change_settings(client, people, sign_in, role):
    sign_in(client, people[role])
    assert client.get("/office/settings/").status_code == 403


def test_audit_page_for_auditors_with_chain_check(client, make_case, people, sign_in):
    make_case("decided")
    sign_in(client, people["auditor"])
    response = client.get("/office/audit/", {"verify": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "case.approve" in page and ("intact" in page or "完整" in page)
    # A reference that names no case is refused (it once silently listed everything).
    assert (
        client.get("/office/audit/", {"action": "case.", "case": "abc", "page": "x"}).status_code
        == 400
    )


@pytest.mark.parametrize("role", ["intake", "leader", "owner"])
def test_audit_page_is_for_administrators_and_auditors_only(client, people, sign_in, role):
    sign_in(client, people[role])
    assert client.get("/office/audit/").status_code == 403


def test_no_staff_page_is_kept_in_a_cache(client, make_case, people, sign_in):
    """Pages showing decrypted contents (and every other staff page) are ``no-store``."""
    case = make_case("investigating")
    sign_in(client, people["admin"])
    for url in [
        f"/office/cases/{case.pk}/",
        "/office/queue/all/?q=banquet",
        "/office/queue/all/",
        "/office/audit/",
        "/office/settings/",
        "/staff/members/",
        "/attendance/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url


def test_the_case_page_says_when_the_reporter_did_not_know(
    client, make_case, people, sign_in, body
):
    case = make_case(
        "received", category_id=body.category("official_cars").pk, answers={"plate": "?"}
    )
    sign_in(client, people["admin"])
    page = client.get(f"/office/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"<dt>Licence plate</dt><dd[^>]*>I don&#x27;t know</dd>", page)


def test_a_merge_target_that_cannot_be_merged_into_gets_one_answer(
    client, make_case, people, sign_in
):
    """Missing, closed and already-merged cases answer alike, so an intake officer trying
    numbers does not learn which cases exist; an open case being investigated is a target
    (duplicates of running investigations are what merging is for)."""
    case = make_case("received")
    closed = make_case("closed")
    running = make_case("investigating")
    sign_in(client, people["intake"])
    answers = set()
    for target in (str(closed.pk), "999999", str(case.pk)):
        response = client.post(
            f"/office/cases/{case.pk}/do/merge/", {"target": target}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
        answers.add(
            "There is no open case with this number to merge into." in response.content.decode()
        )
    assert answers == {True}
    response = client.post(f"/office/cases/{case.pk}/do/merge/", {"target": f"2026-{running.pk}"})
    assert response.status_code in (200, 302)
    assert Case.objects.get(pk=case.pk).merged_into_id == running.pk
