"""The reporter's follow-up: receipt sign-in, status, thread, replies, evidence, sign-out."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tipoff.limits.proof import solve
from tipoff.reports.models import Author, Evidence, Message
from tipoff.reports.services import EvidenceFile, message_post

FOLLOWUP = "/followup/"
REPORT = "/followup/report/"


def jpeg(colour=(10, 200, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def filed(submit):
    """A report with one photo, and its receipt."""
    return submit(
        evidence=[EvidenceFile(data=jpeg())], place="金龙大酒店", answers={"venue": "金龙"}
    )


def sign_in(client, receipt: str, pow: str = "", **extra):
    return client.post(FOLLOWUP, {"code": receipt, "pow": pow}, **extra)


def test_login_page_in_both_languages(client, body):
    page = client.get(FOLLOWUP)
    assert page.status_code == 200 and "查看我的举报" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    english = client.get(FOLLOWUP, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open my report" in english


def test_sign_in_shows_status_report_and_evidence(client, filed):
    response = sign_in(client, filed.receipt_display)
    assert response.status_code == 302 and response["Location"] == REPORT
    assert response["Cache-Control"].startswith("no-store")
    for header, value in response.items():
        assert filed.receipt not in value.replace(" ", ""), header
    for morsel in response.cookies.values():
        assert filed.receipt not in morsel.OutputString()
    assert "tipoff_report" in response.cookies
    page = client.get(REPORT)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store")
    html = page.content.decode()
    assert "办理状态" in html and "违规公款吃喝" in html
    assert "The director held a banquet" in html and "金龙大酒店" in html
    assert "饭店或场所名称" in html and "金龙" in html
    assert "暂无消息" in html and "照片" in html
    english = client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What you reported" in english and "Restaurant or venue" in english


def test_receipt_typed_with_spaces_dashes_and_fullwidth_digits(client, filed):
    fullwidth = "".join(chr(ord("０") + int(d)) for d in filed.receipt)
    assert sign_in(client, fullwidth).status_code == 302
    dashed = "-".join(filed.receipt[i : i + 4] for i in range(0, len(filed.receipt), 4))
    assert sign_in(client, dashed).status_code == 302


def test_wrong_receipt_is_400_with_message(client, filed):
    wrong = ("1" if filed.receipt[0] != "1" else "2") + filed.receipt[1:]
    response = sign_in(client, wrong)
    assert response.status_code == 400
    assert "没有与该查询码对应的举报" in response.content.decode()
    english = sign_in(client, wrong, HTTP_ACCEPT_LANGUAGE="en")
    assert "No report has this receipt code" in english.content.decode()
    assert client.get(REPORT).status_code == 302


def test_malformed_receipt_says_how_many_digits(client, filed, settings):
    response = sign_in(client, "1234 5678")
    assert response.status_code == 400
    assert (
        f"查询码共有 {settings.RECEIPT_DIGITS} 位数字，您输入了 8 位" in response.content.decode()
    )
    assert sign_in(client, "").status_code == 400


def test_past_the_client_budget_a_proof_of_work_is_asked_not_a_lockout(client, filed, settings):
    settings.RECEIPT_ATTEMPTS_PER_CLIENT = 3
    settings.POW_BASE_DIFFICULTY = 8
    wrong = "9" * settings.RECEIPT_DIGITS
    for _ in range(3):
        assert sign_in(client, wrong).status_code == 400
    asked = sign_in(client, filed.receipt)
    assert asked.status_code == 429
    page = asked.content.decode()
    assert "data-pow-challenge" in page and "pow-worker.js" in page
    challenge = asked.context["pow_challenge"]
    # The browser solves it (pow-worker.js); the same request with the proof opens the report.
    proof = f"{challenge}~{solve(challenge)}"
    assert sign_in(client, filed.receipt, pow=proof).status_code == 302
    # A proof buys one attempt only.
    assert sign_in(client, filed.receipt, pow=proof).status_code == 429
    # Another network address is not asked at all.
    assert sign_in(client, filed.receipt, REMOTE_ADDR="192.0.2.44").status_code == 302


def test_attempts_are_limited_per_receipt(client, filed, settings):
    settings.RECEIPT_ATTEMPTS_PER_RECEIPT = 2
    for n in range(2):
        assert sign_in(client, filed.receipt, REMOTE_ADDR=f"192.0.2.{n}").status_code == 302
    limited = sign_in(client, filed.receipt, REMOTE_ADDR="192.0.2.99", HTTP_ACCEPT_LANGUAGE="en")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()


def test_without_session_the_report_page_sends_back_with_a_message(client, body):
    response = client.get(REPORT)
    assert response.status_code == 302 and response["Location"] == FOLLOWUP
    assert "您的查询已超时结束" in client.get(FOLLOWUP).content.decode()


def test_session_without_the_cookie_secret_is_not_enough(client, filed):
    sign_in(client, filed.receipt)
    del client.cookies["tipoff_report"]
    assert client.get(REPORT).status_code == 302


def test_reply_with_evidence_appears_in_thread(client, filed, body):
    sign_in(client, filed.receipt)
    response = client.post(
        REPORT,
        {"text": "我还有一张收据的照片。", "evidence": [upload(jpeg((200, 10, 10)))]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 302 and response["Location"] == REPORT + "#thread"
    message = Message.objects.get()
    assert message.author == Author.REPORTER
    assert Evidence.objects.filter(message=message).count() == 1
    page = client.get(REPORT).content.decode()
    assert "您的消息已发送。" in page
    assert "我还有一张收据的照片。" in page and "您" in page


def test_inspector_message_shows_in_thread(client, filed, body):
    from tipoff.reports.selectors import report_data_key

    data_key = report_data_key(report=filed.report, body_private_key=body.private_key)
    message_post(
        report=filed.report, data_key=data_key, text="请问宴请的具体日期？", author=Author.STAFF
    )
    sign_in(client, filed.receipt)
    page = client.get(REPORT).content.decode()
    assert "请问宴请的具体日期？" in page and "theirs" in page


def test_empty_reply_is_400(client, filed):
    sign_in(client, filed.receipt)
    response = client.post(REPORT, {"text": "   "})
    assert response.status_code == 400
    assert "请填写留言或附加文件。" in response.content.decode()
    assert Message.objects.count() == 0


def test_reply_with_disguised_file_is_400_and_keeps_text(client, filed):
    sign_in(client, filed.receipt)
    response = client.post(REPORT, {"text": "附件", "evidence": [upload(b"not an image" * 50)]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 1 个文件" in html and "附件</textarea>" in html
    assert Message.objects.count() == 0


def test_replies_are_rate_limited(client, filed, settings):
    settings.SUBMISSIONS_PER_CLIENT_PER_HOUR = 1
    sign_in(client, filed.receipt)
    assert client.post(REPORT, {"text": "第一条"}).status_code == 302
    assert client.post(REPORT, {"text": "第二条"}).status_code == 429


def test_evidence_download_is_decrypted_attachment(client, filed):
    sign_in(client, filed.receipt)
    item = Evidence.objects.get(report=filed.report)
    response = client.get(f"/followup/evidence/{item.pk}/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data[:3] == b"\xff\xd8\xff" and len(data) == item.size
    assert response["Content-Type"] == item.media_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("no-store")
    assert "sandbox" in response["Content-Security-Policy"]


def test_evidence_of_another_report_is_404(client, filed, submit):
    other = submit(evidence=[EvidenceFile(data=jpeg())])
    foreign = Evidence.objects.get(report=other.report)
    sign_in(client, filed.receipt)
    assert client.get(f"/followup/evidence/{foreign.pk}/").status_code == 404
    assert client.get("/followup/evidence/999999/").status_code == 404


def test_evidence_without_session_redirects(client, filed):
    item = Evidence.objects.get(report=filed.report)
    assert client.get(f"/followup/evidence/{item.pk}/").status_code == 302


def test_sign_out_forgets_the_key(client, filed):
    sign_in(client, filed.receipt)
    assert client.get(REPORT).status_code == 200
    response = client.post("/followup/signout/")
    assert response.status_code == 302 and response["Location"] == FOLLOWUP
    assert client.cookies["tipoff_report"].value == ""
    assert client.get(REPORT).status_code == 302
    assert "您已退出" in client.get(FOLLOWUP).content.decode()


def test_sign_out_needs_post(client, body):
    assert client.get("/followup/signout/").status_code == 405


def test_status_explains_a_rejection_with_its_reason(client, filed):
    case = filed.report.case
    case.status = "rejected"
    case.reporter_note = "Outside the commission's remit: please contact the court."
    case.save()
    sign_in(client, filed.receipt)
    page = client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not accepted" in page
    assert "Your report could not be accepted." in page
    assert "Outside the commission&#x27;s remit: please contact the court." in page


def test_i_dont_know_reads_as_such_on_the_follow_up_page(client, submit, body):
    cars = body.category("official_cars")
    filed = submit(category_id=cars.pk, answers={"plate": "不清楚", "seen_at": "学校门口"})
    sign_in(client, filed.receipt_display)
    html = client.get(REPORT).content.decode()
    assert re.search(r"<dt>车牌号</dt><dd>不清楚</dd>", html)
    english = client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"<dt>Licence plate</dt><dd>I don&#x27;t know</dd>", english)
