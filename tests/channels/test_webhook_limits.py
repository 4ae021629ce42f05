"""Bodies that no messaging service sends: too large or nested too deeply get a 4xx, never a 500."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from drivers import TelegramDriver, TwilioDriver, WeiboDriver
from wechat_sim import OFFICIAL_ID

from tipoff.channels.models import InboundMessage
from tipoff.channels.signing import json_depth

DEEP = 100_000


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = TwilioDriver.SITE


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 50 + b"]" * 50) == 50


@pytest.mark.django_db
def test_telegram_deeply_nested_update_is_400(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    # A genuine-looking update whose text entity list hides a 100,000-deep array.
    raw = (
        '{"update_id": 1001, "message": {"message_id": 5, "chat": {"id": 55501234, '
        '"type": "private"}, "date": 1700000000, "text": "hi", "entities": '
        + "[" * DEEP
        + "]" * DEEP
        + "}}"
    )
    response = telegram.post(raw)
    assert response.status_code == 400
    assert b"deeply" in response.content
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_telegram_update_nested_as_deep_as_real_ones_is_read(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    reply = {
        "message_id": 4,
        "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
        "chat": {"id": telegram.chat_id, "type": "private"},
        "date": int(time.time()),
        "text": "earlier",
        "entities": [{"type": "bold", "offset": 0, "length": 3}],
    }
    response = telegram.update({"text": "hello", "reply_to_message": reply})
    assert "1." in telegram.text_of(response)


@pytest.mark.django_db
def test_weibo_deeply_nested_push_is_400(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    raw = (
        '{"type": "text", "receiver_id": 1902538057, "sender_id": 2489518277, '
        '"created_at": "Mon Jul 16 18:09:20 +0800 2012", "text": "hi", "data": '
        + "{}".join(["[" * 5000, "]" * 5000])
        + "}"
    )
    response = client.post(
        f"{weibo.url}?{weibo.query()}", data=raw, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["telegram", "weibo", "sms"])
def test_oversized_bodies_are_413(client: Any, body: Any, kind: str) -> None:
    big = "举" * 100_000  # 300 kB of UTF-8
    if kind == "telegram":
        telegram = TelegramDriver(client, body.body)
        response = telegram.update({"text": big})
    elif kind == "weibo":
        weibo = WeiboDriver(client, body.body)
        response = weibo.push("text", big)
    else:
        response = TwilioDriver(client, body.body, kind="sms").post({"Body": big})
    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_twilio_thousands_of_fields_is_400(client: Any, body: Any) -> None:
    twilio = TwilioDriver(client, body.body, kind="sms")
    extra = {f"X{i}": "1" for i in range(3000)}
    assert twilio.post({"Body": "hi", **extra}).status_code == 400


@pytest.mark.django_db
def test_wechat_deeply_nested_xml_is_400(client: Any, body: Any) -> None:
    from drivers import WeChatDriver

    wechat = WeChatDriver(client, body.body, safe=False)
    nested = "<a>" * 2000 + "</a>" * 2000
    raw = (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{wechat.sender}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[hi]]></Content><MsgId>1</MsgId><Extra>{nested}</Extra></xml>"
    )
    assert wechat.sim.post_raw(raw).status_code == 400
    assert wechat.sim.post_raw("<xml>" + "x" * 300_000 + "</xml>").status_code == 413
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_json_that_python_cannot_read_is_400(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    huge_number = json.dumps({"update_id": 1}).replace("1", "1" * 5000)
    assert telegram.post(huge_number).status_code == 400
