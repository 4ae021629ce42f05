"""Issue 15 in a phone-sized browser: the error summary takes the focus and links each field
(with and without JavaScript), the follow-up page puts the conversation first, and chosen
photos show as thumbnails that can be removed before sending."""

from __future__ import annotations

import pytest

from tipoff.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT = "局长用公款宴请二十人，喝了茅台，花费约两万元。"


@pytest.fixture
def console_errors(phone):
    errors: list[str] = []
    phone.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    phone.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def no_script_phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _send_named_report_without_a_name(page, url):
    page.goto(url + "/report/banqueting/")
    page.get_by_label("问题描述", exact=True).fill(WHAT)
    page.get_by_label("实名举报——留下姓名和联系方式").check()
    page.get_by_role("button", name="提交举报").click()
    page.get_by_role("heading", name="有问题需要更正").wait_for()


def test_error_summary_is_focused_and_links_each_field(phone, live_server, body, console_errors):
    page = phone
    _send_named_report_without_a_name(page, live_server.url)
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary").get_attribute("role") is None
    links = page.locator("#error-summary a")
    assert links.all_inner_texts() == [
        "您的姓名: 实名举报需要填写您的姓名。",
        "您的电话号码或电子邮箱: 实名举报需要填写电话号码或电子邮箱。",
    ]
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "id_reporter_contact"
    assert page.get_by_label("问题描述", exact=True).input_value() == WHAT
    assert Report.objects.count() == 0
    assert [e for e in console_errors if "status of 400" not in e] == []  # the refusal itself


def test_error_summary_is_focused_without_javascript(no_script_phone, live_server, body):
    page = no_script_phone
    _send_named_report_without_a_name(page, live_server.url)
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.id") == "error-summary"
