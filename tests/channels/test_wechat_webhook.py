"""The WeChat webhook driven exactly as WeChat's servers drive it, in plain and safe mode."""

from __future__ import annotations

import time
from typing import Any

import pytest
from drivers import receipt_in
from wechat_sim import AES_KEY, APP_ID, TOKEN, WeChatSim

from tipoff.channels.accounts import account_create, webhook_path
from tipoff.channels.models import Conversation, InboundMessage, PendingMedia
from tipoff.channels.signing import sorted_sha1
from tipoff.reports.models import Author, Report


@pytest.fixture
def account(body: Any) -> Any:
    created, _ = account_create(
        body=body.body,
        kind="wechat",
        credentials={"token": TOKEN, "aes_key": AES_KEY, "app_id": APP_ID, "app_secret": "s3cret"},
    )
    return created


@pytest.fixture(params=[False, True], ids=["plain", "safe"])
def wechat(request: Any, client: Any, account: Any) -> WeChatSim:
    return WeChatSim(client, webhook_path(account), safe=request.param)


def test_url_verification_answers_echostr(client: Any, account: Any) -> None:
    timestamp, nonce = str(int(time.time())), "n0nce"
    signature = sorted_sha1(TOKEN, timestamp, nonce)
    query = f"signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr=8734923749"
    response = client.get(f"{webhook_path(account)}?{query}")
    assert response.status_code == 200
    assert response.content == b"8734923749"


def test_url_verification_refuses_a_forged_signature(client: Any, account: Any) -> None:
    query = f"signature={'0' * 40}&timestamp={int(time.time())}&nonce=x&echostr=1"
    assert client.get(f"{webhook_path(account)}?{query}").status_code == 403


def _complete_report(wechat: WeChatSim, null_client: Any, jpeg: bytes, captured: Any) -> str:
    assert "1." in wechat.reply_text(wechat.send("event", Event="subscribe"))
    assert "1." in wechat.say("你好")
    assert wechat.say("1")  # make a report → categories
    assert wechat.say("4")  # banqueting on public funds → units
    assert wechat.say("1")  # the first unit → official
    assert wechat.say("王五，局长")
    assert wechat.say("2024-05-01")
    reply = wechat.reply_text(
        wechat.send(
            "location",
            Location_X="23.134521",
            Location_Y="113.358803",
            Scale="20",
            Label="某某酒店",
        )
    )
    assert "23.134521" in reply
    assert wechat.say("局长用公款宴请二十多人，喝了很多茅台，花费数万元。")
    assert wechat.say("某某酒店")  # venue
    assert wechat.say("20")  # people
    assert wechat.say("跳过")  # amount: unknown
    null_client.media["MEDIA-1"] = jpeg
    with captured(execute=True):
        reply = wechat.reply_text(
            wechat.send("image", PicUrl="http://mmbiz/x.jpg", MediaId="MEDIA-1")
        )
    assert "1" in reply
    assert wechat.say("完成")  # evidence done → anonymity
    review = wechat.say("1")  # anonymous → review
    assert "王五" in review and "某某酒店" in review
    with captured(execute=True):
        response = wechat.text("确认")
    return wechat.reply_text(response)


@pytest.mark.django_db
def test_complete_report_status_and_reply_to_an_inspector(
    wechat: WeChatSim,
    null_client: Any,
    jpeg: bytes,
    django_capture_on_commit_callbacks: Any,
    inspector_says: Any,
    thread_of: Any,
) -> None:
    final = _complete_report(wechat, null_client, jpeg, django_capture_on_commit_callbacks)
    code = receipt_in(final)
    report = Report.objects.get()
    assert report.channel == "wechat" and not report.is_named
    assert report.evidence.count() == 1
    # The conversation (and with it the OpenID) is gone; no media is left behind.
    assert not Conversation.objects.exists() and not PendingMedia.objects.exists()

    status = wechat.say(f"查询 {code}")
    assert "王五" not in status  # the status does not repeat the report's contents
    inspector_says(report, "请问宴请的具体日期和参加人员？")
    status = wechat.say(f"查询 {code}")
    assert "请问宴请的具体日期和参加人员？" in status
    assert wechat.say("是五月一日晚上，参加的有办公室主任等人。")
    assert wechat.say("完成")
    assert thread_of(report)[-1] == (Author.REPORTER, "是五月一日晚上，参加的有办公室主任等人。")
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_retries_of_the_confirmation_never_make_a_second_report(
    client: Any,
    account: Any,
    null_client: Any,
    jpeg: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat = WeChatSim(client, webhook_path(account), safe=True)
    for text in (
        "1",
        "1",
        "skip",
        "skip",
        "skip",
        "skip",
        "The director used the official car for a family trip.",
    ):
        wechat.say(text)
    wechat.say("skip")  # no further questions for bureaucratism; evidence → identity
    wechat.say("1")
    msg_id = wechat.msg_id + 1
    first = wechat.reply_text(wechat.text("confirm", msg_id=msg_id))
    receipt_in(first)
    for _ in range(3):  # WeChat's retries of the same MsgId
        assert wechat.reply_text(wechat.text("confirm", msg_id=msg_id)) == ""
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_event_retries_are_recognised_by_sender_and_time(wechat: WeChatSim) -> None:
    created = int(time.time())
    first = wechat.reply_text(
        wechat.send("event", Event="CLICK", EventKey="teams", create_time=created)
    )
    assert "1" in first or first  # the directory
    again = wechat.reply_text(
        wechat.send("event", Event="CLICK", EventKey="teams", create_time=created)
    )
    assert again == ""
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not xml",
        b"<xml><MsgType>text</MsgType>",
        b"<foo/>",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><xml/>",
        b"<xml><ToUserName>a</ToUserName></xml>",
    ],
)
def test_malformed_payloads_get_a_4xx(wechat: WeChatSim, payload: bytes) -> None:
    if wechat.safe:
        # The signature covers the Encrypt element: garbage is refused before decryption.
        assert wechat.post_raw(payload).status_code in (400, 403)
    else:
        assert wechat.post_raw(payload).status_code == 400


@pytest.mark.django_db
def test_forged_and_stale_signatures_are_refused(wechat: WeChatSim) -> None:
    body = (
        "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>"
        "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>"
    )
    assert wechat.post_raw(body, signature="f" * 40, msg_signature="f" * 40).status_code == 403
    stale = str(int(time.time()) - 86400)
    assert wechat.post_raw(body, timestamp=stale).status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_safe_mode_refuses_another_apps_ciphertext(client: Any, account: Any) -> None:
    from wechatpy.crypto import WeChatCrypto

    from tipoff.channels.signing import xml_fields

    other = WeChatCrypto(TOKEN, AES_KEY, "wxSOMEONEELSE00000")
    wrapped = other.encrypt_message(
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>", "n", "1"
    )
    encrypted = xml_fields(wrapped.encode())["Encrypt"]
    sim = WeChatSim(client, webhook_path(account), safe=True)
    response = sim.post_raw(
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>", encrypted=encrypted
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_unknown_message_types_get_a_polite_answer(wechat: WeChatSim) -> None:
    reply = wechat.reply_text(wechat.send("link", Title="t", Description="d", Url="http://x"))
    assert reply
    assert wechat.reply_text(wechat.send("event", Event="VIEW", EventKey="http://x")) == ""


@pytest.mark.django_db
def test_oversized_and_unfetchable_media_are_refused_and_told(
    wechat: WeChatSim, null_client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from tipoff.channels.clients import ChannelError

    settings.EVIDENCE_MAX_FILE_MB = 1
    wechat.say("1")
    wechat.say("1")
    null_client.media["BIG"] = b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)
    null_client.media["GONE"] = ChannelError("timeout")
    with django_capture_on_commit_callbacks(execute=True):
        wechat.reply_text(wechat.send("image", MediaId="BIG"))
        wechat.reply_text(wechat.send("image", MediaId="GONE"))
    rows = {row.status: row for row in PendingMedia.objects.all()}
    assert rows["rejected"].reason == "too_large"
    # The unreachable one waits for its next attempt (the ImmediateBackend cannot defer,
    # so it was tried again at once until the attempts ran out).
    assert "failed" in rows
    told = [text for _kind, to, text in null_client.sent if to == wechat.openid]
    assert len(told) == 2  # the reporter hears about both files

    # Confirming goes ahead without them: the report is never held hostage by media.
    for text in (
        "skip",
        "skip",
        "skip",
        "skip",
        "Someone took bribes at the permit office.",
        "done",
        "1",
    ):
        wechat.say(text)
    receipt_in(wechat.say("confirm"))
    report = Report.objects.get()
    assert report.evidence.count() == 0


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_make_one_report(account: Any) -> None:
    """WeChat retries while the first delivery is still being handled: one report, one receipt."""
    import threading

    from django.db import connection
    from django.test import Client

    wechat = WeChatSim(Client(), webhook_path(account), safe=True)
    for text in (
        "1",
        "1",
        "skip",
        "skip",
        "skip",
        "skip",
        "The director skipped work for a month.",
        "done",
        "1",
    ):
        wechat.say(text)
    msg_id = wechat.msg_id + 1
    answers: list[str] = []

    def deliver() -> None:
        sim = WeChatSim(Client(), webhook_path(account), safe=True, openid=wechat.openid)
        try:
            answers.append(sim.reply_text(sim.text("confirm", msg_id=msg_id)))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Report.objects.count() == 1
    assert sorted(bool(a) for a in answers) == [False, False, False, True]
