"""The audit trail page: readable in both languages, filtered by case reference, person,
action and dates, exported as CSV (and the export is itself audited)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.utils import timezone

from tipoff.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _page(client, lang: str = "zh-hans", **params) -> tuple[int, str]:
    response = client.get("/office/audit/", params, HTTP_ACCEPT_LANGUAGE=lang)
    return response.status_code, response.content.decode()


def _visible(page: str) -> str:
    """The page's text as a person reads it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


def test_codes_and_details_are_shown_as_words_in_chinese_and_english(
    client, make_case, people, sign_in
):
    case = make_case("investigating")
    sign_in(client, people["auditor"])
    client.get(f"/office/cases/{case.pk}/")  # a case.read event with details

    status, page = _page(client, "zh-hans")
    assert status == 200
    text = _visible(page)
    assert "查阅案件内容" in text and "登录" in text and "分派案件" in text
    # Codes are only in the hover title, never the visible text; no dict repr.
    assert "case.read" not in text and "staff.sign_in" not in text
    assert "{" not in text and "'reports'" not in text
    assert "备注: 0" in text  # case.read details: notes: 0 (translated key)
    assert case.reference in text  # the object is the case reference, not "case 12"
    assert f"检查员: {people['owner']}" in text  # ids become names
    assert "新状态: 审查调查中" in text  # statuses in words
    assert "理由: —" not in text  # empty details are left out
    auditor = people["auditor"]
    assert f"{auditor} 登录 {auditor}" in text  # who, what, and the account by name

    status, page = _page(client, "en")
    text = _visible(page)
    assert "Read a case's contents" in text and "Signed in" in text
    assert "notes: 0" in text and "Assigned the case" in text
    assert f"inspector: {people['owner']}" in text
    assert f"team: {people['owner'].team}" in text
    assert "to: Under investigation" in text


def test_filter_by_real_case_reference(client, make_case, people, sign_in):
    first, second = make_case("triaged"), make_case("triaged")
    sign_in(client, people["auditor"])
    status, page = _page(client, "en", case=first.reference)
    assert status == 200
    assert first.reference in page and second.reference not in page
    events = AuditEvent.objects.filter(object_type="case", object_id=str(first.pk)).count()
    assert f'data-count="{events}"' in page


@pytest.mark.parametrize("reference", ["2026-999999", "1999-000001", "abc", "12-"])
def test_an_unknown_reference_finds_nothing_and_says_so(
    client, make_case, people, sign_in, reference
):
    make_case("triaged")
    sign_in(client, people["auditor"])
    status, page = _page(client, "en", case=reference)
    assert status == 400
    assert "No case of this body has the reference" in page
    assert 'data-count="0"' in page
    status, page = _page(client, "zh-hans", case=reference)
    assert "本机关没有编号为" in page


def test_the_right_number_with_the_wrong_year_is_unknown(client, make_case, people, sign_in):
    case = make_case("triaged")
    sign_in(client, people["auditor"])
    wrong_year = f"{case.created_at.year - 1}-{case.pk:06d}"
    status, page = _page(client, "en", case=wrong_year)
    assert status == 400 and 'data-count="0"' in page


def test_filter_by_person_action_and_dates(client, make_case, people, sign_in):
    make_case("assigned")
    intake = people["intake"]
    sign_in(client, people["admin"])
    status, page = _page(client, "en", person=str(intake.pk), action="case.assign")
    assert status == 200
    expected = AuditEvent.objects.filter(actor=intake, action="case.assign").count()
    assert expected == 1 and f'data-count="{expected}"' in page

    status, page = _page(client, "en", action="case.")  # a whole family
    family = AuditEvent.objects.filter(body_id=intake.body_id, action__startswith="case.")
    assert f'data-count="{family.count()}"' in page

    status, page = _page(client, "en", person="system")
    assert (
        f'data-count="{AuditEvent.objects.filter(body_id=intake.body_id, actor=None).count()}"'
        in page
    )

    today = timezone.localdate()
    status, page = _page(client, "en", date_from=str(today + dt.timedelta(days=1)))
    assert 'data-count="0"' in page
    status, page = _page(client, "en", date_from=str(today), date_to=str(today))
    assert 'data-count="0"' not in page
    status, page = _page(client, "en", date_from=str(today), date_to=str(today - dt.timedelta(1)))
    assert status == 400 and "The end date is before the start date." in page
    # The calendar's ends are dates too, not a 500.
    for far in (
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "9999-12-31"},
    ):
        assert _page(client, "en", **far)[0] == 200, far


def test_export_is_filtered_readable_and_audited(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["auditor"])
    response = client.get(
        "/office/audit/export.csv", {"case": case.reference}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["seq", "时间", "操作人", "操作"]
    codes = {row[4] for row in rows[1:]}
    assert codes == set(
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert all(row[5] == case.reference for row in rows[1:])
    assert "开始审查调查" in {row[3] for row in rows[1:]}
    exported = AuditEvent.objects.filter(action="audit.exported_csv").get()
    assert exported.actor == people["auditor"]
    assert exported.details["filters"] == {"case": case.reference}
    assert exported.details["rows"] == len(rows) - 1

    # An unknown reference exports nothing, not everything.
    response = client.get("/office/audit/export.csv", {"case": "2020-999999"})
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 1


@pytest.mark.parametrize("role", ["intake", "leader", "owner"])
def test_export_is_for_administrators_and_auditors_only(client, people, sign_in, role):
    sign_in(client, people[role])
    assert client.get("/office/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported_csv").exists()


def test_only_the_bodys_own_events_are_listed_and_exported(client, make_case, people, sign_in):
    from tipoff.audit.services import audit_record

    make_case("triaged")
    audit_record(actor=None, action="case.read", body_id=None, details={"notes": 987654})
    sign_in(client, people["auditor"])
    assert "987654" not in _page(client, "en")[1]
    response = client.get("/office/audit/export.csv")
    assert b"987654" not in b"".join(response.streaming_content)
