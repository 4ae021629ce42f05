"""Issue 15 in a phone-sized browser: the error summary takes the focus and links each field
(with and without JavaScript), the follow-up page puts the conversation first, and chosen
photos show as thumbnails that can be removed before sending."""

from __future__ import annotations

import pytest
from PIL import Image

from tipoff.reports.models import Evidence, Report

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
        "您的姓名：实名举报需要填写您的姓名。",
        "您的电话号码或电子邮箱：实名举报需要填写电话号码或电子邮箱。",
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


def test_follow_up_on_a_phone_puts_the_conversation_first(phone, live_server, body, submit):
    """Issue 15: on a phone the whole report came before the inspectors' question."""
    from tipoff.reports.models import Author
    from tipoff.reports.selectors import report_data_key
    from tipoff.reports.services import message_post

    submitted = submit(what=WHAT)
    key = report_data_key(report=submitted.report, body_private_key=body.private_key)
    message_post(
        report=submitted.report, data_key=key, text="请问宴请的具体日期？", author=Author.STAFF
    )
    page = phone
    page.goto(live_server.url + "/followup/")
    page.get_by_label("查询码").fill(submitted.receipt)
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_url("**/followup/report/")
    question = page.get_by_text("请问宴请的具体日期？")
    reply = page.get_by_label("您的留言")
    details = page.locator("details.report-details")
    assert question.is_visible() and reply.is_visible()
    top = [
        box["y"]
        for box in (
            question.bounding_box(),
            reply.bounding_box(),
            details.bounding_box(),
        )
        if box
    ]
    assert len(top) == 3 and top == sorted(top)  # question, then the reply form, then details
    assert not page.get_by_text(WHAT).is_visible()  # folded away until asked for
    page.get_by_role("heading", name="您举报的内容").click()
    assert page.get_by_text(WHAT).is_visible()


def _photo(path, colour):
    image = Image.new("RGB", (640, 480), colour)
    image.save(path, "JPEG", quality=85)
    return str(path)


def _fill_report(page, url):
    page.goto(url + "/report/banqueting/")
    page.get_by_label("问题描述", exact=True).fill(WHAT)


def test_chosen_photos_show_as_thumbnails_and_can_be_removed(
    phone, live_server, body, tmp_path, console_errors
):
    """Issue 15: no way to see or take back a chosen photo before sending."""
    page = phone
    _fill_report(page, live_server.url)
    first = _photo(tmp_path / "第一张.jpg", (200, 30, 30))
    second = _photo(tmp_path / "second.jpg", (30, 30, 200))
    files = page.get_by_label("照片、文件或录音录像")
    files.set_input_files(first)
    files.set_input_files(second)  # a second choice adds to the first
    previews = page.locator(".previews li")
    assert previews.count() == 2
    assert page.locator(".previews").get_attribute("aria-label") == "已选择的文件"
    sources = page.locator(".previews img").evaluate_all("els => els.map(e => e.src)")
    assert len(sources) == 2 and all(src.startswith("blob:") for src in sources)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.previews img')].every(i => i.naturalWidth > 0)"
    )
    assert page.evaluate("document.getElementById('id_evidence').files.length") == 2
    page.get_by_role("button", name="移除 第一张.jpg").click()
    assert previews.count() == 1 and "second.jpg" in previews.inner_text()
    assert page.evaluate("document.getElementById('id_evidence').files.length") == 1
    assert page.evaluate("document.activeElement.id") == "id_evidence"
    load = """src => new Promise(done => {
        const image = new Image();
        image.onload = () => done("kept");
        image.onerror = () => done("revoked");
        image.src = src;
    })"""
    assert console_errors == []
    assert page.evaluate(load, sources[0]) == "revoked"  # the removed photo's URL is released
    assert page.evaluate(load, page.locator(".previews img").get_attribute("src")) == "kept"
    page.get_by_role("button", name="提交举报").click()
    page.get_by_role("heading", name="您的举报已收到").wait_for()
    report = Report.objects.get()
    assert Evidence.objects.filter(report=report).count() == 1
    assert console_errors == ["Failed to load resource: net::ERR_FILE_NOT_FOUND"]  # the probe


def test_the_plain_file_input_works_without_javascript(
    no_script_phone, live_server, body, tmp_path
):
    page = no_script_phone
    _fill_report(page, live_server.url)
    page.get_by_label("照片、文件或录音录像").set_input_files(
        [_photo(tmp_path / "a.jpg", (10, 200, 10)), _photo(tmp_path / "b.jpg", (10, 10, 10))]
    )
    assert page.locator(".previews").count() == 0
    page.get_by_role("button", name="提交举报").click()
    page.get_by_role("heading", name="您的举报已收到").wait_for()
    assert Evidence.objects.filter(report=Report.objects.get()).count() == 2


def test_i_dont_know_switches_the_answer_off_and_is_kept_in_the_draft(
    phone, live_server, body, console_errors
):
    page = phone
    page.goto(live_server.url + "/report/official_cars/")
    plate = page.get_by_label("车牌号")
    box = page.locator("#id_answer_plate__unknown")
    assert plate.is_enabled()
    box.check()
    assert plate.is_disabled()
    page.get_by_label("问题描述", exact=True).fill(WHAT)
    page.wait_for_timeout(1500)  # the draft is saved shortly after typing
    page.reload()
    assert box.is_checked() and plate.is_disabled()  # restored from the draft
    box.uncheck()
    assert plate.is_enabled()
    box.check()
    page.get_by_role("button", name="提交举报").click()
    page.get_by_role("heading", name="您的举报已收到").wait_for()
    assert console_errors == []
