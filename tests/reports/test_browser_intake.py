"""A reporter on a phone, in Chinese: file a report with a photo, note the
receipt, come back, read the status, reply. Also: the on-device draft, and the
offline page from the service worker."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from tipoff.reports.models import Evidence, Message, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors(phone):
    """Console errors on the page, CSP violations included; the test checks there are none."""
    errors: list[str] = []
    phone.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    phone.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "现场照片.jpg"
    image = Image.new("RGB", (800, 600), (180, 40, 40))
    for x in range(0, 800, 9):
        image.putpixel((x, x * 3 % 600), (255, 255, 255))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


def test_report_with_photo_then_follow_up_and_reply(
    phone, live_server, body, photo, console_errors
):
    page = phone
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="举报", exact=True).first.click()
    page.wait_for_url("**/report/")
    page.get_by_role("link", name=re.compile("违规公款吃喝")).click()
    page.wait_for_url("**/report/banqueting/")

    page.get_by_label("所在单位或部门").select_option(label="市交通运输局")
    page.get_by_label("被举报人姓名").fill("王五")
    page.get_by_label("被举报人职务").fill("局长")
    page.get_by_label("发生日期").fill("2026-01-15")
    page.get_by_label("发生地点").fill("金龙大酒店三楼包间")
    page.get_by_label("问题描述", exact=True).fill("局长用公款宴请二十人，喝了茅台，花费约两万元。")
    page.get_by_label("饭店或场所名称").fill("金龙大酒店")
    page.get_by_label("参加人数").fill("20")
    page.get_by_label("照片、文件或录音录像").set_input_files(str(photo))
    assert page.get_by_label("匿名举报——不留姓名").is_checked()
    page.get_by_role("button", name="提交举报").click()

    page.wait_for_url("**/report/banqueting/")
    page.get_by_role("heading", name="您的举报已收到").wait_for()
    receipt = page.locator("[data-receipt]").inner_text()
    assert re.fullmatch(r"[0-9 ]{19,}", receipt)
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tipoff-draft:')).length")
        == 0
    )
    report = Report.objects.get()
    assert report.language == "zh-hans" and report.unit is not None
    assert Evidence.objects.get(report=report).kind == "image"

    page.get_by_role("link", name="查询举报").first.click()
    page.wait_for_url("**/followup/")
    page.get_by_label("查询码").fill(receipt)
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_url("**/followup/report/")
    status = page.locator(".status")
    assert "办理状态" in status.inner_text()
    assert "局长用公款宴请二十人" in page.content()
    assert page.get_by_text("暂无消息").is_visible()

    page.get_by_label("您的留言").fill("补充：当晚还有两辆公车停在酒店门口。")
    page.get_by_role("button", name="发送", exact=True).click()
    page.wait_for_url("**/followup/report/#thread")
    page.get_by_text("您的消息已发送。").wait_for()
    thread = page.locator(".thread")
    assert "补充：当晚还有两辆公车停在酒店门口。" in thread.inner_text()
    assert Message.objects.get().report == report

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/followup/")
    page.get_by_text("您已退出").wait_for()
    assert console_errors == []


def test_draft_is_restored_after_reload_and_can_be_discarded(
    phone, live_server, body, console_errors
):
    page = phone
    page.goto(live_server.url + "/report/official_cars/")
    page.get_by_label("被举报人姓名").fill("赵六")
    page.get_by_label("问题描述", exact=True).fill("周末开公车去钓鱼。")
    page.get_by_label("车牌号").fill("示A·12345")
    page.get_by_label("实名举报——留下姓名和联系方式").check()
    page.get_by_label("您的姓名").fill("不应保存的名字")
    page.get_by_text("草稿已保存在本设备上。").wait_for()

    page.reload()
    assert page.get_by_label("被举报人姓名").input_value() == "赵六"
    assert page.get_by_label("问题描述", exact=True).input_value() == "周末开公车去钓鱼。"
    assert page.get_by_label("车牌号").input_value() == "示A·12345"
    assert page.get_by_label("实名举报——留下姓名和联系方式").is_checked()
    assert page.get_by_label("您的姓名").input_value() == ""  # identity is never kept on the device
    assert page.get_by_text(re.compile("已恢复您在 .* 保存的草稿")).is_visible()

    page.get_by_role("button", name="删除草稿").click()
    page.get_by_text("草稿已删除。").wait_for()
    assert page.get_by_label("被举报人姓名").input_value() == ""
    page.reload()
    assert page.get_by_label("问题描述", exact=True).input_value() == ""
    assert console_errors == []


def test_offline_page_comes_from_the_service_worker(phone, live_server, body):
    page = phone
    page.goto(live_server.url + "/")
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null || "
        "navigator.serviceWorker.ready.then(() => true)"
    )
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    try:
        page.goto(live_server.url + "/teams/")
        page.get_by_role("heading", name="您目前处于离线状态").wait_for()
    finally:
        phone.context.set_offline(False)
