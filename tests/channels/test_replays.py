"""Replayed signed query strings: WeChat plain mode and Weibo sign the query, not the body.

Captured from a genuine delivery, the query string must not vouch for another
body; WeChat's own retry (same query, same body) still gets its quiet answer.
Production refuses WeChat's plain mode unless a setting allows it.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from typing import Any

import pytest
import time_machine
from drivers import WeChatDriver, WeiboDriver
from wechat_sim import OFFICIAL_ID, TOKEN

from tipoff.channels.models import Conversation, SignedQuery
from tipoff.channels.services import channels_purge
from tipoff.channels.signing import sorted_sha1


def _text_push(openid: str, content: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


@pytest.mark.django_db
def test_wechat_plain_mode_refuses_a_replayed_query_with_another_body(
    client: Any, body: Any
) -> None:
    wechat = WeChatDriver(client, body.body, safe=False)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
    genuine = _text_push(wechat.sender, "你好", 6100000000000000001)
    first = wechat.sim.post_raw(genuine, timestamp=timestamp, nonce=nonce)
    assert "1." in wechat.sim.reply_text(first)
    # WeChat retrying the very same delivery: answered quietly, as a duplicate.
    retry = wechat.sim.post_raw(genuine, timestamp=timestamp, nonce=nonce)
    assert retry.status_code == 200 and retry.content == b"success"
    # The same signed query string with a body someone else wrote: refused, twice.
    forged = _text_push("oAttackerOpenID", "举报", 6100000000000000002)
    for _ in range(2):
        replay = wechat.sim.post_raw(forged, timestamp=timestamp, nonce=nonce)
        assert replay.status_code == 403 and b"replayed" in replay.content
    assert Conversation.objects.count() == 1  # only the genuine sender's


@pytest.mark.django_db
def test_wechat_plain_mode_is_refused_unless_allowed(client: Any, body: Any, settings: Any) -> None:
    settings.CHANNELS_WECHAT_PLAIN_MODE = False  # production's default
    plain = WeChatDriver(client, body.body, safe=False)
    response = plain.sim.text("你好")
    assert response.status_code == 403 and "安全模式" in response.content.decode()
    # The URL check (no message) and safe mode still work.
    timestamp, nonce = str(int(time.time())), "n0nce"
    query = (
        f"signature={sorted_sha1(TOKEN, timestamp, nonce)}&timestamp={timestamp}"
        f"&nonce={nonce}&echostr=4242"
    )
    assert client.get(f"{plain.sim.url}?{query}").content == b"4242"
    safe = WeChatDriver(client, body.body, safe=True)
    assert "1." in safe.say("你好")


def test_production_defaults_refuse_plain_mode() -> None:
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.CHANNELS_WECHAT_PLAIN_MODE)"
    env = {
        "TIPOFF_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "CHANNELS_KEY": "y" * 40,
        "ATTENDANCE_KEY": "z" * 40,
        "ALLOWED_HOSTS": "example.org",
        "DJANGO_SETTINGS_MODULE": "tipoff.settings",
        "PATH": "/usr/bin:/bin",
    }
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.django_db
def test_weibo_refuses_a_replayed_query_with_another_body(client: Any, body: Any) -> None:
    weibo = WeiboDriver(client, body.body)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
    query = f"signature={sorted_sha1(WeiboDriver.SECRET, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"

    def push(sender: int, text: str) -> Any:
        payload = {
            "type": "text",
            "receiver_id": 1902538057,
            "sender_id": sender,
            "created_at": "Mon Jul 16 18:09:20 +0800 2012",
            "text": text,
            "data": {},
        }
        return client.post(
            f"{weibo.url}?{query}", data=json.dumps(payload), content_type="application/json"
        )

    assert "1." in weibo.text_of(push(2489518277, "你好"))
    assert push(2489518277, "你好").status_code == 200  # Weibo's retry
    assert push(1111111111, "举报").status_code == 403
    assert Conversation.objects.count() == 1


@pytest.mark.django_db
def test_signed_queries_are_forgotten_after_their_window(client: Any, body: Any) -> None:
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        WeChatDriver(client, body.body, safe=False).say("你好")
        assert SignedQuery.objects.count() == 2
    with time_machine.travel(start + dt.timedelta(hours=4), tick=False):
        channels_purge()
    assert not SignedQuery.objects.exists()
