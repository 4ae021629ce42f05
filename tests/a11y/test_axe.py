"""Accessibility audit: axe-core in a phone-sized Chromium on every public page and the staff
sign-in, in Chinese and English, including the states a reporter meets (a refused form, a
receipt, a follow-up with messages). Any WCAG 2.1 A or AA violation fails the test.

axe-core is vendored under ``vendor/`` (test-only, never served) and evaluated through the
DevTools protocol, so the pages keep their strict Content-Security-Policy while audited.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WHAT = "局长用公款宴请二十人，喝了茅台，花费约两万元。"


def audit(page: Any) -> list[dict[str, Any]]:
    """The page's WCAG 2.1 A/AA violations, each with the rule, its impact and the nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    assert result["passes"], "axe ran its rules"
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:200] + " — " + n["failureSummary"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def assert_accessible(page: Any, where: str) -> None:
    violations = audit(page)
    assert violations == [], f"{where}:\n" + json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture(params=["zh-CN", "en-GB"])
def reader(request, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale=request.param,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


PAGES = [
    "/",
    "/teams/",
    "/report/",
    "/report/banqueting/",
    "/report/official_cars/",
    "/followup/",
    "/offline/",
    "/staff/login/",
    "/no-such-page/",  # the 404 page
]


def test_every_public_page_and_the_staff_sign_in(reader, live_server, body):
    for url in PAGES:
        reader.goto(live_server.url + url)
        reader.wait_for_load_state("load")
        assert_accessible(reader, url)


def test_the_staff_sign_in_steps(phone, live_server, body, demo_password):
    page = phone
    page.goto(live_server.url + "/staff/login/")
    page.get_by_label("用户名").fill("demo-admin")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="继续").click()
    page.wait_for_load_state("load")
    assert_accessible(page, "a refused sign-in")
    page.get_by_label("密码").fill(demo_password)
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(re.compile(r"/staff/login/(code|enrol)/$"))  # enrol: no TOTP yet
    assert_accessible(page, "the second step: " + page.url)


def test_a_refused_form_a_receipt_and_a_follow_up(phone, live_server, body, submit, tmp_path):
    from PIL import Image

    from tipoff.reports.models import Author
    from tipoff.reports.selectors import report_data_key
    from tipoff.reports.services import message_post

    page = phone
    page.goto(live_server.url + "/report/official_cars/")
    page.get_by_label("问题描述", exact=True).fill(WHAT)
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (320, 240), (120, 20, 20)).save(photo, "JPEG")
    page.get_by_label("照片、文件或录音录像").set_input_files(str(photo))
    assert_accessible(page, "the form with a chosen photo")
    page.get_by_label("实名举报——留下姓名和联系方式").check()
    page.get_by_role("button", name="提交举报").click()
    page.locator("#error-summary").wait_for()
    assert_accessible(page, "the refused form")
    page.get_by_label("您的姓名").fill("张三")
    page.get_by_label("您的电话号码或电子邮箱").fill("13800138000")
    page.get_by_role("button", name="提交举报").click()
    page.locator("[data-receipt]").wait_for()
    assert_accessible(page, "the receipt")

    submitted = submit(what=WHAT)
    key = report_data_key(report=submitted.report, body_private_key=body.private_key)
    message_post(report=submitted.report, data_key=key, text="请补充日期。", author=Author.STAFF)
    message_post(
        report=submitted.report, data_key=key, text="是一月十五日。", author=Author.REPORTER
    )
    page.goto(live_server.url + "/followup/")
    page.get_by_label("查询码").fill("1234")
    page.get_by_role("button", name="查看我的举报").click()
    page.locator("#error-summary").wait_for()
    assert_accessible(page, "the refused receipt code")
    page.get_by_label("查询码").fill(submitted.receipt)
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_url("**/followup/report/")
    assert_accessible(page, "the follow-up page")
    page.locator("details.report-details summary").click()
    assert_accessible(page, "the follow-up page with its details open")


def test_the_audit_finds_a_violation(phone, live_server, body):
    """The check can fail: an image without a text alternative is reported."""
    page = phone
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/tipoff/icons/"
        "icon-192.png'; document.querySelector('main').appendChild(i); }"
    )
    assert "image-alt" in [v["rule"] for v in audit(page)]
