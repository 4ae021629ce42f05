"""Forged, replayed, malformed and unusual deliveries to the Weibo, Telegram and Twilio webhooks.

None may give a 500, none may create a second report.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from drivers import TelegramDriver, TwilioDriver, WeiboDriver, receipt_in

from tipoff.channels.models import InboundMessage
from tipoff.reports.models import Report


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = TwilioDriver.SITE


def _to_review(driver: Any) -> None:
    for text in (
        "1",
        "1",
        "skip",
        "skip",
        "skip",
        "skip",
        "Officials refused to process permits for weeks.",
        "done",
        "1",
    ):
        driver.say(text)


# --- Weibo -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_weibo_url_check(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    response = client.get(f"{weibo.url}?{weibo.query()}&echostr=abc123")
    assert response.status_code == 200 and response.content == b"abc123"
    forged = client.get(f"{weibo.url}?{weibo.query(signature_='0' * 40)}&echostr=abc123")
    assert forged.status_code == 403


@pytest.mark.django_db
def test_weibo_forged_stale_and_malformed(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    assert weibo.push("text", "hi", signature_="0" * 40).status_code == 403
    assert weibo.push("text", "hi", timestamp=str(int(time.time()) - 86400)).status_code == 403
    for raw in (b"", b"{", b"[]", b'{"type": "text"}', json.dumps({"sender_id": 1}).encode()):
        response = client.post(
            f"{weibo.url}?{weibo.query()}", data=raw, content_type="application/json"
        )
        assert response.status_code == 400, raw
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_weibo_retries_by_sender_and_created_at(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    _to_review(weibo)
    stamp = "Mon Jul 16 18:09:20 +0800 2012"
    receipt_in(weibo.text_of(weibo.push("text", "confirm", created_at=stamp)))
    for _ in range(3):
        assert weibo.text_of(weibo.push("text", "confirm", created_at=stamp)) == ""
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_weibo_unknown_types_and_events(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    assert weibo.text_of(weibo.push("hologram", "?"))  # polite answer
    assert weibo.text_of(weibo.push("mention", "@us")) == ""
    assert "1." in weibo.text_of(weibo.push("event", "", {"subtype": "follow"}))
    assert weibo.text_of(weibo.push("event", "", {"subtype": "click", "key": "teams"}))
    assert weibo.text_of(weibo.push("event", "", {"subtype": "unfollow"})) == ""


# --- Telegram -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_telegram_secret_token_is_required(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    assert telegram.update({"text": "hi"}, secret="wrong").status_code == 403
    assert telegram.update({"text": "hi"}, secret="").status_code == 403
    assert client.get(telegram.url).status_code == 405
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"nope",
        b"[]",
        b'{"message": {}}',
        b'{"update_id": "1"}',
        b'{"update_id": 1, "message": {"chat": 5}}',
        b"\xff\xfe",
    ],
)
def test_telegram_malformed_updates(client: Any, body: Any, raw: bytes) -> None:
    telegram = TelegramDriver(client, body.body)
    assert telegram.post(raw).status_code == 400


@pytest.mark.django_db
def test_telegram_retries_by_update_id_and_odd_updates(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    _to_review(telegram)
    receipt_in(telegram.text_of(telegram.update({"text": "confirm"}, update_id=777)))
    for _ in range(3):
        assert telegram.text_of(telegram.update({"text": "confirm"}, update_id=777)) == ""
    assert Report.objects.count() == 1
    assert telegram.text_of(
        telegram.update({"sticker": {"file_id": "x"}})
    )  # unsupported: polite answer
    group = {"update_id": 9001, "message": {"chat": {"id": -100, "type": "group"}, "text": "hi"}}
    assert json.loads(telegram.post(json.dumps(group)).content) == {}
    edited = {"update_id": 9002, "edited_message": {"text": "x"}}  # no chat: not from Telegram
    assert telegram.post(json.dumps(edited)).status_code == 400
    edited_photo = {
        "update_id": 9003,
        "edited_message": {"message_id": 3, "chat": {"id": telegram.chat_id, "type": "private"}},
    }
    assert json.loads(telegram.post(json.dumps(edited_photo)).content) == {}


@pytest.mark.django_db
def test_telegram_oversized_document_is_refused_before_download(
    client: Any, body: Any, settings: Any
) -> None:
    settings.EVIDENCE_MAX_FILE_MB = 1
    telegram = TelegramDriver(client, body.body)
    telegram.say("English")
    telegram.say("1")
    telegram.say("1")
    reply = telegram.text_of(
        telegram.update({"document": {"file_id": "BIG", "file_size": 5 * 1024 * 1024}})
    )
    assert "too large" in reply


# --- Twilio -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["sms", "whatsapp"])
def test_twilio_forged_signature_and_wrong_account(client: Any, body: Any, kind: str) -> None:
    twilio = TwilioDriver(client, body.body, kind=kind)
    assert twilio.post({"Body": "hi"}, forge=True).status_code == 403
    assert client.post(twilio.url, data={"Body": "hi"}).status_code == 403
    twilio.account_sid = "AC" + "2" * 32  # signed correctly, but for another account
    assert twilio.post({"Body": "hi"}).status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_twilio_malformed_forms(client: Any, body: Any) -> None:
    twilio = TwilioDriver(client, body.body, kind="sms")
    assert twilio.post({"From": ""}).status_code == 400
    assert twilio.post({"NumMedia": "many"}).status_code == 400
    assert twilio.post({"MessageSid": ""}).status_code == 400
    assert client.get(twilio.url).status_code == 405


@pytest.mark.django_db
def test_twilio_retries_by_message_sid(client: Any, body: Any) -> None:
    twilio = TwilioDriver(client, body.body, kind="sms")
    _to_review(twilio)
    receipt_in(twilio.text_of(twilio.post({"Body": "confirm"}, sid="SMconfirm1")))
    for _ in range(3):
        assert twilio.text_of(twilio.post({"Body": "confirm"}, sid="SMconfirm1")) == ""
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_unknown_account_or_kind_is_404(client: Any, body: Any) -> None:
    twilio = TwilioDriver(client, body.body, kind="sms")
    assert client.post(twilio.url.replace("/sms/", "/whatsapp/")).status_code == 404
    assert client.post("/channels/sms/nope/").status_code == 404
    assert client.post(f"/channels/fax/{twilio.account.public_id}/").status_code == 404
    assert client.put(twilio.url).status_code == 405


@pytest.mark.django_db
def test_telegram_photo_caption_is_read_as_text(
    client: Any, body: Any, null_client: Any, jpeg: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    for text in (
        "English",
        "1",
        "1",
        "skip",
        "skip",
        "skip",
        "skip",
        "The office demanded bribes for permits.",
    ):
        telegram.say(text)
    null_client.media["CAPTIONED"] = jpeg
    sizes = [{"file_id": "CAPTIONED", "file_size": len(jpeg), "width": 64, "height": 48}]
    with django_capture_on_commit_callbacks(execute=True):
        reply = telegram.text_of(telegram.update({"photo": sizes, "caption": "done"}))
    assert "File received" in reply and "give your name" in reply


# --- Digits that are not ASCII ----------------------------------------------------------

ODD_DIGITS = ("፩", "᧚", "²", "١")  # Ethiopic one, New Tai Lue one, superscript two, Arabic one


@pytest.mark.django_db
def test_digits_of_other_scripts_are_answered_not_a_500(client: Any, body: Any) -> None:
    """str.isdigit() says yes to these but int() refuses some; at every choice step the
    reporter gets an answer and the platform no retry loop of 500s."""
    weibo = WeiboDriver(client, body.body)
    for text in ODD_DIGITS:
        assert weibo.say(text)  # idle: the menu
    assert weibo.say("1")  # report: now choosing a category
    for text in ODD_DIGITS:
        assert weibo.say(text)
    assert Report.objects.count() == 0
