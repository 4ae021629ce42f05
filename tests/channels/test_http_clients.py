"""The real channel API clients, over real HTTP, against a local stand-in for each service."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tipoff.channels.clients import ChannelError, MediaTooLarge
from tipoff.channels.telegram.client import TelegramClient
from tipoff.channels.twilio.client import TwilioClient
from tipoff.channels.wechat.client import WeChatClient
from tipoff.channels.weibo.client import WeiboClient

PHOTO = b"\xff\xd8\xff\xe0" + b"p" * 2000


class FakeApis(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, dict, bytes]] = []

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: dict) -> None:
        self._reply(200, json.dumps(data).encode())

    def do_GET(self) -> None:
        self._route("GET", b"")

    def do_POST(self) -> None:
        self._route("POST", self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _route(self, method: str, body: bytes) -> None:
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        FakeApis.seen.append((method, url.path, dict(self.headers), body))
        if url.path == "/cgi-bin/token":
            ok = query.get("secret") == "app-secret"
            return self._json(
                {"access_token": "TOKEN1", "expires_in": 7200} if ok else {"errcode": 40125}
            )
        if url.path == "/cgi-bin/message/custom/send":
            return self._json({"errcode": 0 if query.get("access_token") == "TOKEN1" else 40001})
        if url.path == "/cgi-bin/media/get":
            if query.get("media_id") == "M1":
                return self._reply(200, PHOTO, "image/jpeg")
            return self._json({"errcode": 40007, "errmsg": "invalid media_id"})
        if url.path == "/bot123:ABC/sendMessage":
            return self._json({"ok": True, "result": {}})
        if url.path == "/bot123:ABC/getFile":
            file_id = json.loads(body)["file_id"]
            size = 10**9 if file_id == "HUGE" else len(PHOTO)
            return self._json(
                {
                    "ok": True,
                    "result": {"file_id": file_id, "file_size": size, "file_path": "photos/1.jpg"},
                }
            )
        if url.path == "/file/bot123:ABC/photos/1.jpg":
            return self._reply(200, PHOTO, "image/jpeg")
        if url.path.endswith("/Messages.json"):
            return self._json({"sid": "SM1", "status": "queued"})
        if url.path == "/media/ME1":
            expected = "Basic " + base64.b64encode(b"AC1:tok").decode()
            if self.headers.get("Authorization") != expected:
                return self._reply(401, b"{}")
            return self._reply(200, PHOTO, "image/jpeg")
        if url.path == "/weibo/reply":
            return self._json({"result": True})
        if url.path == "/weibo/media":
            return self._reply(200, PHOTO, "image/jpeg")
        return self._reply(404, b"{}")


@pytest.fixture
def api() -> Iterator[str]:
    FakeApis.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApis)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_wechat_client(api: str) -> None:
    from django.core.cache import cache

    client = WeChatClient({"app_id": "wx1", "app_secret": "app-secret"}, account_id=1, base=api)
    client.send_text(recipient="oOPENID", text="您好")
    sent = [
        body for method, path, _h, body in FakeApis.seen if path == "/cgi-bin/message/custom/send"
    ]
    assert json.loads(sent[0]) == {
        "touser": "oOPENID",
        "msgtype": "text",
        "text": {"content": "您好"},
    }
    assert client.fetch_media(ref="M1", max_bytes=10_000) == PHOTO
    with pytest.raises(MediaTooLarge):
        client.fetch_media(ref="M1", max_bytes=100)
    with pytest.raises(ChannelError):
        client.fetch_media(ref="GONE", max_bytes=10_000)
    assert sum(1 for _m, path, _h, _b in FakeApis.seen if path == "/cgi-bin/token") == 1  # cached
    cache.clear()
    with pytest.raises(ChannelError):
        WeChatClient({"app_id": "wx1", "app_secret": "wrong"}, account_id=2, base=api).send_text(
            recipient="o", text="x"
        )
    with pytest.raises(ChannelError):
        WeChatClient({"app_id": "wx1"}, account_id=3, base=api).send_text(recipient="o", text="x")


def test_telegram_client(api: str) -> None:
    client = TelegramClient({"bot_token": "123:ABC"}, account_id=1, base=api)
    client.send_text(recipient="555", text="hi")
    assert client.fetch_media(ref="F1", max_bytes=10_000) == PHOTO
    with pytest.raises(MediaTooLarge):
        client.fetch_media(ref="HUGE", max_bytes=10_000)


def test_twilio_client_sends_auth_only_to_the_gateway(api: str) -> None:
    client = TwilioClient(
        {"account_sid": "AC1", "auth_token": "tok", "from_number": "+1555"}, account_id=1, base=api
    )
    client.send_text(recipient="+8613800138000", text="hello")
    form = dict(urllib.parse.parse_qsl(FakeApis.seen[-1][3].decode()))
    assert form == {"From": "+1555", "To": "+8613800138000", "Body": "hello"}
    assert client.fetch_media(ref=f"{api}/media/ME1", max_bytes=10_000) == PHOTO
    with pytest.raises(ChannelError):
        client.fetch_media(ref="file:///etc/passwd", max_bytes=10_000)


def test_weibo_client(api: str) -> None:
    client = WeiboClient(
        {"access_token": "wb"},
        account_id=1,
        send_url=f"{api}/weibo/reply",
        media_url=f"{api}/weibo/media",
    )
    client.send_text(recipient="2489518277", text="你好")
    form = dict(urllib.parse.parse_qsl(FakeApis.seen[-1][3].decode()))
    assert form["receiver_id"] == "2489518277" and json.loads(form["data"]) == {"text": "你好"}
    assert client.fetch_media(ref="tovfid", max_bytes=10_000) == PHOTO


def test_unreachable_service_is_a_channel_error() -> None:
    client = TelegramClient({"bot_token": "123:ABC"}, account_id=1, base="http://127.0.0.1:9")
    with pytest.raises(ChannelError):
        client.send_text(recipient="1", text="x")
