"""The whole road in real browsers: a report filed on the public site (phone) is
triaged, assigned, investigated with a question the reporter answers on the
follow-up page, decided with a sanction, approved and closed (tablet) — and the
reporter sees the outcome."""

from __future__ import annotations

import re

import pyotp
import pytest

from tipoff.audit.services import audit_verify
from tipoff.cases.models import Case, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors(tablet, phone):
    errors: list[str] = []
    for page in (tablet, phone):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def staff_sign_in(page, base: str, username: str, password: str, secrets: dict[str, str]) -> None:
    """Sign in on the tablet; the first time, enrol the second factor from the page."""
    page.goto(base + "/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="继续").click()
    if "/enrol/" in page.url:
        assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
        secrets[username] = page.get_by_test_id("totp-secret").inner_text().strip()
        page.get_by_label("身份验证器应用显示的六位数字验证码").fill(
            pyotp.TOTP(secrets[username]).now()
        )
        page.get_by_role("button", name="确认并登录").click()
    else:
        from tipoff.people.models import User

        User.objects.filter(username=username).update(totp_last_step=0)  # same 30 s step as before
        page.get_by_label("身份验证器应用显示的六位数字验证码").fill(
            pyotp.TOTP(secrets[username]).now()
        )
        page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/office/**")


def staff_sign_out(page) -> None:
    page.locator(".office-account summary").click()
    page.get_by_role("button", name="退出", exact=True).click()
    page.wait_for_url("**/staff/login/")


def open_case(page, base: str, case: Case) -> None:
    page.goto(f"{base}/office/cases/{case.pk}/")
    page.get_by_test_id("case-status").wait_for()


def test_report_to_outcome(phone, tablet, live_server, body, demo_password, console_errors):
    base, secrets = live_server.url, {}

    # The reporter files a report on the public site, on a phone.
    phone.goto(base + "/report/")
    phone.get_by_role("link", name=re.compile("违规公款吃喝")).click()
    phone.wait_for_url("**/report/banqueting/")
    phone.get_by_label("所在单位或部门").select_option(label="市交通运输局")
    phone.get_by_label("被举报人姓名").fill("王五")
    phone.get_by_label("被举报人职务").fill("局长")
    phone.get_by_label("问题描述", exact=True).fill(
        "局长周五晚上在金龙大酒店用公款宴请二十人，花费约两万元。"
    )
    phone.get_by_role("button", name="提交举报").click()
    phone.get_by_role("heading", name="您的举报已收到").wait_for()
    receipt = phone.locator("[data-receipt]").inner_text()
    case = Case.objects.get()

    # Intake accepts it and assigns it as suggested (the unit's team, its inspector).
    staff_sign_in(tablet, base, "demo-intake", demo_password, secrets)
    tablet.goto(base + "/office/queue/triage/")
    tablet.get_by_role("link", name=case.reference).click()
    assert "金龙大酒店" in tablet.content()
    tablet.get_by_test_id("accept").click()
    tablet.get_by_text("已受理该举报").wait_for()
    tablet.get_by_test_id("assign-suggested-1").click()
    tablet.get_by_text("已分派案件").wait_for()
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.assignee.username == "demo-inspector"
    staff_sign_out(tablet)

    # The inspector starts, and asks the reporter a question.
    staff_sign_in(tablet, base, "demo-inspector", demo_password, secrets)
    tablet.goto(base + "/office/queue/mine/")
    tablet.get_by_role("link", name=case.reference).click()
    tablet.get_by_test_id("start").click()
    tablet.get_by_text("已开始审查调查").wait_for()
    tablet.get_by_label("给举报人的消息").fill("请问您是否有当晚的照片或发票？")
    tablet.get_by_test_id("send-message").click()
    tablet.get_by_text("已向举报人发送消息").wait_for()

    # The reporter sees it on the follow-up page and answers.
    phone.goto(base + "/followup/")
    phone.get_by_label("查询码").fill(receipt)
    phone.get_by_role("button", name="查看我的举报").click()
    phone.wait_for_url("**/followup/report/")
    assert "请问您是否有当晚的照片或发票" in phone.content()
    assert "您的举报（编号" in phone.content()  # the acknowledgement
    phone.locator("textarea[name=text]").fill("有发票照片，是饭店老板给我的，金额一万九千元。")
    phone.get_by_role("button", name="发送", exact=True).click()
    phone.get_by_text("有发票照片").wait_for()

    # The inspector reads the answer and proposes a decision with a sanction.
    open_case(tablet, base, case)
    assert "金额一万九千元" in tablet.content()
    tablet.get_by_label("核查结论").select_option("founded")
    tablet.get_by_label("告知举报人的处理结果").fill(
        "经查，反映的问题属实，已对相关责任人作出处理。"
    )
    tablet.locator("input[name='sanction-0-official_name']").fill("王五")
    tablet.locator("input[name='sanction-0-official_position']").fill("局长")
    tablet.locator("select[name='sanction-0-kind']").select_option(label="警告")
    tablet.get_by_test_id("propose").click()
    tablet.get_by_text("处理意见已提交审批").wait_for()
    staff_sign_out(tablet)

    # The team leader approves and closes.
    staff_sign_in(tablet, base, "demo-leader", demo_password, secrets)
    tablet.goto(base + "/office/queue/team/")
    tablet.get_by_role("link", name=case.reference).click()
    tablet.get_by_test_id("approve").click()
    tablet.get_by_text("处理意见已批准").wait_for()
    tablet.get_by_test_id("close").click()
    tablet.get_by_text("案件已办结").wait_for()
    assert tablet.get_by_test_id("case-status").inner_text() == "已办结"
    staff_sign_out(tablet)

    # The reporter sees the outcome.
    phone.reload()
    status = phone.locator("section.status").inner_text()
    assert "已办结" in status and "属实" in status and "警告（1 人）" in status
    assert "已对相关责任人作出处理" in status
    assert "王五" not in status  # measures are told without names

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert audit_verify() is None
    assert console_errors == []


def test_back_office_fits_a_tablet_and_a_laptop(browser, live_server, body, demo_password):
    """No horizontal scrolling of the page itself on a tablet (tables scroll in their box)."""
    secrets: dict[str, str] = {}
    for width, height in [(1024, 768), (768, 1024), (1366, 768)]:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        staff_sign_in(page, live_server.url, "demo-admin", demo_password, secrets)
        for path in [
            "/office/queue/all/",
            "/staff/members/",
            "/office/settings/",
            "/office/audit/",
        ]:
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (width, path, overflow)
        context.close()
