"""On a phone: the notices list and a notice; the QR poster, on screen and as printed."""

from __future__ import annotations

import pytest

from tipoff.transparency import notices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "title_zh": "某局干部违规公款吃喝问题",
    "text_zh": "经核查，反映的问题属实，相关人员受到警告处分。" * 8,
}


@pytest.fixture
def console_errors(phone):
    errors: list[str] = []
    phone.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    phone.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_notice_read_on_a_phone(phone, live_server, decided_case, publish, console_errors):
    notice = publish(decided_case, **WORDS)
    phone.goto(live_server.url + "/notices/")
    phone.get_by_role("link", name=WORDS["title_zh"]).click()
    phone.wait_for_url(f"**/notices/{notice.pk}/")
    assert phone.get_by_role("heading", level=1).inner_text() == WORDS["title_zh"]
    assert "违规公款吃喝" in phone.locator(".notice-facts").inner_text()
    assert _fits(phone)
    assert console_errors == []
    notices.notice_withdraw(notice=notice, actor=notice.approved_by, reason="Superseded")
    phone.goto(live_server.url + "/notices/")
    assert phone.get_by_role("link", name=WORDS["title_zh"]).count() == 0


def test_the_poster_on_screen_and_printed(phone, live_server, body, console_errors):
    phone.goto(live_server.url + "/teams/poster/")
    qr = phone.locator("svg.qr")
    box = qr.bounding_box()
    assert box and 150 < box["width"] <= 390 and abs(box["width"] - box["height"]) < 2
    assert phone.locator(".site-header").is_visible()
    assert _fits(phone)
    phone.emulate_media(media="print")
    assert not phone.locator(".site-header").is_visible()
    assert not phone.locator(".no-print").is_visible()
    assert qr.is_visible()
    pdf_page = phone.context.browser.new_page()
    try:
        pdf_page.goto(live_server.url + "/teams/print/")
        assert pdf_page.pdf(prefer_css_page_size=True)[:4] == b"%PDF"
    finally:
        pdf_page.close()
    assert console_errors == []
