"""Notices over HTTP: the public list, page and feeds; the staff pages from draft to withdrawal."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.transparency.conftest import SECRETS
from tipoff.transparency import notices
from tipoff.transparency.models import Notice, NoticeState

pytestmark = pytest.mark.django_db


def _parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own answer


WORDS = {
    "title_zh": "某局干部违规公款吃喝问题",
    "text_zh": "经核查，反映的问题属实，相关人员受到警告处分。",
    "title_en": "An official banqueted on public funds",
    "text_en": "The report was found true; the official was warned.",
}


def test_the_public_sees_published_notices_only(client, decided_case, make_case, people, publish):
    published = publish(decided_case, **WORDS)
    draft = notices.notice_draft(case=make_case("decided"), actor=people["leader"])
    pending = notices.notice_draft(case=make_case("closed"), actor=people["leader"])
    notices.notice_submit(notice=pending, actor=people["leader"])

    page = client.get("/notices/").content.decode()
    assert WORDS["title_zh"] in page
    assert draft.title_zh not in page and pending.title_zh not in page
    assert client.get(f"/notices/{draft.pk}/").status_code == 404
    assert client.get(f"/notices/{pending.pk}/").status_code == 404

    detail = client.get(f"/notices/{published.pk}/").content.decode()
    assert WORDS["text_zh"] in detail and "违规公款吃喝" in detail and "警告" in detail
    for secret in SECRETS.values():
        assert secret not in detail
    client.cookies["tipoff_lang"] = "en"
    detail = client.get(f"/notices/{published.pk}/").content.decode()
    assert WORDS["title_en"] in detail and "Finding" in detail and "Founded" in detail


def test_a_withdrawn_notice_is_gone_from_list_feeds_and_page(client, decided_case, people, publish):
    notice = publish(decided_case, **WORDS)
    for url in ("/notices/", "/notices/feed/rss/", "/notices/feed/atom/"):
        assert WORDS["title_zh"] in client.get(url).content.decode()
    notices.notice_withdraw(notice=notice, actor=people["admin"], reason="Could identify someone")
    for url in ("/notices/", "/notices/feed/rss/", "/notices/feed/atom/"):
        assert WORDS["title_zh"] not in client.get(url).content.decode()
    response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "通报已撤回" in page
    assert WORDS["text_zh"] not in page and "Could identify someone" not in page


def test_rss_and_atom_feeds_are_well_formed(client, decided_case, publish):
    notice = publish(decided_case, **WORDS)
    rss = client.get("/notices/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = _parse(rss.content).find("channel")
    item = channel.find("item")
    assert item.findtext("title") == WORDS["title_zh"]
    assert item.findtext("link").endswith(f"/notices/{notice.pk}/")
    assert item.findtext("category") == "违规公款吃喝"
    atom = client.get("/notices/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = _parse(atom.content).find("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == WORDS["title_zh"]


@pytest.fixture
def leader_client(sign_in, people):
    return sign_in(Client(), people["leader"])


@pytest.fixture
def admin_client(sign_in, people):
    return sign_in(Client(), people["admin"])


def test_from_draft_to_withdrawal_through_the_staff_pages(
    leader_client, admin_client, decided_case, client
):
    index = leader_client.get("/office/notices/").content.decode()
    assert f"/office/notices/new/{decided_case.pk}/" in index
    facts = leader_client.get(f"/office/notices/new/{decided_case.pk}/").content.decode()
    assert "违规公款吃喝" in facts and SECRETS["what"] not in facts
    response = leader_client.post(f"/office/notices/new/{decided_case.pk}/")
    notice = Notice.objects.get()
    assert response["Location"] == f"/office/notices/{notice.pk}/edit/"

    # Preview: the page shows exactly the new words, in both languages, and saves nothing.
    data = {**WORDS, "show_unit": "on", "preview": "1"}
    page = leader_client.post(f"/office/notices/{notice.pk}/edit/", data).content.decode()
    assert WORDS["text_zh"] in page and WORDS["text_en"] in page and "市交通运输局" in page
    notice.refresh_from_db()
    assert notice.title_zh != WORDS["title_zh"]
    # Without the unit, the preview no longer names it.
    hidden = {**WORDS, "preview": "1"}
    page = leader_client.post(f"/office/notices/{notice.pk}/edit/", hidden).content.decode()
    preview = page[page.index("notice-previews") :]
    assert "市交通运输局" not in preview and "Municipal Transport Bureau" not in preview

    data = {**WORDS, "show_unit": "on", "save": "1"}
    assert leader_client.post(f"/office/notices/{notice.pk}/edit/", data).status_code == 302
    notice.refresh_from_db()
    assert notice.title_zh == WORDS["title_zh"]

    leader_client.post(f"/office/notices/{notice.pk}/do/submit/")
    notice.refresh_from_db()
    assert notice.state == NoticeState.PENDING
    # The drafter's own approval is refused, by the page and by the service.
    page = leader_client.get(f"/office/notices/{notice.pk}/").content.decode()
    assert "/do/approve/" not in page
    leader_client.post(f"/office/notices/{notice.pk}/do/approve/")
    notice.refresh_from_db()
    assert notice.state == NoticeState.PENDING
    assert client.get(f"/notices/{notice.pk}/").status_code == 404

    # The administrator sees the same preview and approves.
    page = admin_client.get(f"/office/notices/{notice.pk}/").content.decode()
    assert WORDS["text_zh"] in page and "/do/approve/" in page
    admin_client.post(f"/office/notices/{notice.pk}/do/approve/")
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    assert WORDS["text_zh"] in client.get(f"/notices/{notice.pk}/").content.decode()

    admin_client.post(f"/office/notices/{notice.pk}/do/withdraw/", {"reason": ""})
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED  # a reason is needed
    admin_client.post(f"/office/notices/{notice.pk}/do/withdraw/", {"reason": "Superseded"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN
    history = admin_client.get(f"/office/notices/{notice.pk}/").content.decode()
    for action in ("notice.drafted", "notice.edited", "notice.submitted", "notice.approved"):
        assert action in history
    assert "Superseded" in history


def test_roles_without_a_part_in_notices(sign_in, people, decided_case, publish):
    notice = publish(decided_case, **WORDS)
    inspector = sign_in(Client(), people["owner"])
    assert inspector.get("/office/notices/").status_code == 403
    assert inspector.get(f"/office/notices/{notice.pk}/").status_code == 403
    assert inspector.post(f"/office/notices/new/{decided_case.pk}/").status_code in (403, 404)
    auditor = sign_in(Client(), people["auditor"])
    assert auditor.get("/office/notices/").status_code == 200
    page = auditor.get(f"/office/notices/{notice.pk}/").content.decode()
    assert "/do/withdraw/" not in page
    auditor.post(f"/office/notices/{notice.pk}/do/withdraw/", {"reason": "Auditor tries"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    assert Client().get("/office/notices/").status_code == 302  # to sign in


def test_the_staff_page_says_when_a_published_notice_s_case_was_reopened(
    admin_client, make_case, publish, staff
):
    case = make_case("closed")
    notice = publish(case, **WORDS)
    admin_client.cookies["tipoff_lang"] = "en"
    page = admin_client.get(f"/office/notices/{notice.pk}/").content.decode()
    assert "reopened" not in page
    from tipoff.office import decisions

    decisions.case_reopen(case=case, actor=staff["leader"], reason="New evidence.")
    page = admin_client.get(f"/office/notices/{notice.pk}/").content.decode()
    assert "The case of this notice was reopened" in page
    assert "/do/withdraw/" in page  # and it can be taken down from here
