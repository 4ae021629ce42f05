"""The real channel API clients, over real HTTP, against local stand-ins that answer as each
service's published protocol says (fake_apis.py), at the configured API bases."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from fake_apis import (
    TELEGRAM_BOT,
    TWILIO_SID,
    TWILIO_TOKEN,
    WECHAT_APP_ID,
    WECHAT_SECRET,
    WEIBO_TOKEN,
)

from tipoff.channels.clients import ChannelError, MediaTooLarge
from tipoff.channels.telegram.client import TelegramClient
from tipoff.channels.twilio.client import TwilioClient
from tipoff.channels.wechat.client import WeChatClient
from tipoff.channels.weibo.client import WeiboClient

PHOTO = b"\xff\xd8\xff\xe0" + b"p" * 2000


def test_each_api_base_comes_from_settings(settings: Any) -> None:
    settings.CHANNELS_WECHAT_API_BASE = "https://wx-proxy.example.cn/"
    settings.CHANNELS_TELEGRAM_API_BASE = "https://tg-proxy.example.org"
    settings.CHANNELS_TWILIO_API_BASE = "https://twilio-proxy.example.org"
    settings.CHANNELS_WEIBO_API_BASE = "https://wb-proxy.example.cn"
    settings.CHANNELS_WEIBO_UPLOAD_BASE = "https://wb-upload-proxy.example.cn"
    assert WeChatClient({}, account_id=1).base == "https://wx-proxy.example.cn"
    assert TelegramClient({}, account_id=1).base == "https://tg-proxy.example.org"
    assert TwilioClient({}, account_id=1).base == "https://twilio-proxy.example.org"
    weibo = WeiboClient({}, account_id=1)
    assert weibo.send_url == "https://wb-proxy.example.cn/2/messages/reply.json"
    assert weibo.media_url == "https://wb-upload-proxy.example.cn/2/mss/msget"


def test_wechat_client(apis: Any) -> None:
    from django.core.cache import cache

    client = WeChatClient({"app_id": WECHAT_APP_ID, "app_secret": WECHAT_SECRET}, account_id=1)
    client.send_text(recipient="oOPENID", text="您好")
    assert apis.sent("wechat")[0].json() == {
        "touser": "oOPENID",
        "msgtype": "text",
        "text": {"content": "您好"},
    }
    apis.media["M1"] = PHOTO
    assert client.fetch_media(ref="M1", max_bytes=10_000) == PHOTO
    with pytest.raises(MediaTooLarge):
        client.fetch_media(ref="M1", max_bytes=100)
    with pytest.raises(ChannelError):
        client.fetch_media(ref="GONE", max_bytes=10_000)
    assert sum(1 for c in apis.calls if c.path == "/cgi-bin/token") == 1  # the token is cached
    cache.clear()
    with pytest.raises(ChannelError):
        WeChatClient({"app_id": WECHAT_APP_ID, "app_secret": "wrong"}, account_id=2).send_text(
            recipient="o", text="x"
        )
    with pytest.raises(ChannelError):
        WeChatClient({"app_id": WECHAT_APP_ID}, account_id=3).send_text(recipient="o", text="x")


def test_telegram_client(apis: Any) -> None:
    client = TelegramClient({"bot_token": TELEGRAM_BOT}, account_id=1)
    client.send_text(recipient="555", text="hi")
    assert apis.sent("telegram")[0].json() == {"chat_id": 555, "text": "hi"}
    apis.media["F1"] = PHOTO
    assert client.fetch_media(ref="F1", max_bytes=10_000) == PHOTO
    with pytest.raises(MediaTooLarge):
        client.fetch_media(ref="F1", max_bytes=100)
    with pytest.raises(ChannelError):
        TelegramClient({"bot_token": "999:WRONG"}, account_id=1).send_text(recipient="5", text="x")


def test_twilio_client_sends_credentials_only_to_the_api(apis: Any) -> None:
    client = TwilioClient(
        {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN, "from_number": "+14155550100"},
        account_id=1,
    )
    client.send_text(recipient="+8613800138000", text="hello")
    assert apis.sent("twilio")[0].form() == {
        "From": "+14155550100",
        "To": "+8613800138000",
        "Body": "hello",
    }
    apis.media["ME1"] = PHOTO
    # The webhook names api.twilio.com; the configured base is used instead.
    url = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages/MM1/Media/ME1"
    assert client.fetch_media(ref=url, max_bytes=10_000) == PHOTO
    assert apis.calls[-1].path == "/cdn/ME1" and "Authorization" not in apis.calls[-1].headers
    with pytest.raises(ChannelError):
        client.fetch_media(ref="file:///etc/passwd", max_bytes=10_000)


def test_weibo_client(apis: Any) -> None:
    client = WeiboClient({"access_token": WEIBO_TOKEN}, account_id=1)
    client.send_text(recipient="2489518277", text="你好")
    form = apis.sent("weibo")[0].form()
    assert form["receiver_id"] == "2489518277" and form["type"] == "text"
    assert apis.texts("weibo") == ["你好"]
    apis.media["tovfid"] = PHOTO
    assert client.fetch_media(ref="tovfid", max_bytes=10_000) == PHOTO
    query = urllib.parse.parse_qs(urllib.parse.urlparse(client.media_url).query)
    assert not query  # the token travels in the request, not in the configured URL


def test_unreachable_service_is_a_channel_error(settings: Any) -> None:
    settings.CHANNELS_TELEGRAM_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(ChannelError):
        TelegramClient({"bot_token": TELEGRAM_BOT}, account_id=1).send_text(recipient="1", text="x")


def _misbehaving_server(answer: bytes) -> tuple[str, Any]:
    """A local HTTP server that sends ``answer`` to every request, then closes the connection."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}/media/ME1", server


@pytest.mark.parametrize(
    "answer",
    [
        # Declares 40000 bytes, sends 10000, closes.
        b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 40000\r\n\r\n"
        + b"\xff" * 10000,
        # A chunked answer cut in the middle of a chunk.
        b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"9c40\r\n"
        + b"\xff" * 10000,
    ],
    ids=["short-content-length", "cut-chunked"],
)
def test_a_truncated_download_is_a_channel_error(answer: bytes) -> None:
    """A cut download is tried again later, not kept as a (corrupt) file nor left pending."""
    url, server = _misbehaving_server(answer)
    client = TwilioClient(
        {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN, "from_number": "+14155550100"},
        account_id=1,
    )
    try:
        with pytest.raises(ChannelError):
            client.fetch_media(ref=url, max_bytes=100_000)
    finally:
        server.close()
