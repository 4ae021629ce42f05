"""Local stand-ins for the services' APIs, answering as each published protocol says.

One threaded HTTP server plays WeChat (access token, customer-service message,
temporary media), Telegram's Bot API (sendMessage, getFile, file download),
Twilio's REST API (Messages.json, media behind a redirect to a CDN) and Weibo's
fans-service API (reply, media). Each checks what the real service checks —
credentials, required fields, length limits — and answers with the service's
own error shapes, so a client that would fail against the real API fails here.
Point the ``CHANNELS_*_API_BASE`` settings at ``FakeApis.base``.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WECHAT_APP_ID, WECHAT_SECRET, WECHAT_TOKEN = "wx1234567890abcdef", "wechat-app-secret", "ACCESS1"
TELEGRAM_BOT = "123456:ABC-DEF"
TWILIO_SID, TWILIO_TOKEN = "AC" + "1" * 32, "twilio-auth-token-0001"
WEIBO_TOKEN = "2.00weibo-access-token"


@dataclass
class Call:
    service: str
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))


@dataclass
class FakeApis:
    base: str = ""
    calls: list[Call] = field(default_factory=list)
    # media id / file id / path → bytes served; anything else is "not found"
    media: dict[str, bytes] = field(default_factory=dict)
    # Set to a status code to make every call fail (an outage or a blocked proxy).
    down: int | None = None

    def sent(self, service: str) -> list[Call]:
        names = {
            "wechat": "/cgi-bin/message/custom/send",
            "telegram": "/sendMessage",
            "twilio": "/Messages.json",
            "weibo": "/2/messages/reply.json",
        }
        return [c for c in self.calls if c.service == service and c.path.endswith(names[service])]

    def texts(self, service: str) -> list[str]:
        out = []
        for call in self.sent(service):
            if service == "wechat":
                out.append(call.json()["text"]["content"])
            elif service == "telegram":
                out.append(call.json()["text"])
            elif service == "twilio":
                out.append(call.form()["Body"])
            else:
                out.append(json.loads(call.form()["data"])["text"])
        return out


class _Handler(BaseHTTPRequestHandler):
    apis: FakeApis

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: dict, status: int = 200) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode())

    def do_GET(self) -> None:
        self._route("GET", b"")

    def do_POST(self) -> None:
        self._route("POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _route(self, method: str, body: bytes) -> None:
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        service = (
            "wechat"
            if path.startswith("/cgi-bin/")
            else "telegram"
            if path.startswith(("/bot", "/file/bot"))
            else "twilio"
            if path.startswith(("/2010-04-01/", "/cdn/"))
            else "weibo"
        )
        self.apis.calls.append(Call(service, method, path, dict(self.headers), query, body))
        if self.apis.down:
            return self._send(self.apis.down, b"<html>502 Bad Gateway</html>", "text/html")
        getattr(self, f"_{service}")(method, path, query, body)

    # --- WeChat (developers.weixin.qq.com, official account) ------------------------------

    def _wechat(self, method: str, path: str, query: dict, body: bytes) -> None:
        if path == "/cgi-bin/token":
            if query.get("grant_type") != "client_credential":
                return self._json({"errcode": 40002, "errmsg": "invalid grant_type"})
            if (query.get("appid"), query.get("secret")) != (WECHAT_APP_ID, WECHAT_SECRET):
                return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
            return self._json({"access_token": WECHAT_TOKEN, "expires_in": 7200})
        if query.get("access_token") != WECHAT_TOKEN:
            return self._json({"errcode": 40001, "errmsg": "invalid credential"})
        if path == "/cgi-bin/message/custom/send" and method == "POST":
            try:
                data = json.loads(body)
            except ValueError:
                return self._json({"errcode": 47001, "errmsg": "data format error"})
            content = (data.get("text") or {}).get("content", "")
            if not data.get("touser"):
                return self._json({"errcode": 40003, "errmsg": "invalid openid"})
            if data.get("msgtype") != "text" or not content:
                return self._json({"errcode": 40008, "errmsg": "invalid message type"})
            if len(content.encode()) > 2048:
                return self._json({"errcode": 45002, "errmsg": "content size out of limit"})
            return self._json({"errcode": 0, "errmsg": "ok"})
        if path == "/cgi-bin/media/get":
            data = self.apis.media.get(query.get("media_id", ""))
            if data is None:
                return self._json({"errcode": 40007, "errmsg": "invalid media_id"})
            return self._send(200, data, "image/jpeg")
        return self._json({"errcode": 44001, "errmsg": "empty media data"}, 404)

    # --- Telegram (core.telegram.org/bots/api) ----------------------------------------------

    def _telegram(self, method: str, path: str, query: dict, body: bytes) -> None:
        if path.startswith(f"/file/bot{TELEGRAM_BOT}/"):
            data = self.apis.media.get(path.rsplit("/", 1)[1])
            if data is None:
                return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
            return self._send(200, data, "application/octet-stream")
        prefix = f"/bot{TELEGRAM_BOT}/"
        if not path.startswith(prefix):
            return self._json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        name = path[len(prefix) :]
        params = json.loads(body) if body else query
        if name == "sendMessage":
            text = str(params.get("text") or "")
            if not params.get("chat_id"):
                return self._bad("Bad Request: chat not found")
            if not text.strip():
                return self._bad("Bad Request: message text is empty")
            if len(text) > 4096:
                return self._bad("Bad Request: message is too long")
            return self._json({"ok": True, "result": {"message_id": 1, "text": text}})
        if name == "getFile":
            file_id = str(params.get("file_id") or "")
            if file_id not in self.apis.media:
                return self._bad("Bad Request: invalid file_id")
            size = len(self.apis.media[file_id])
            result = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": size}
            return self._json({"ok": True, "result": {**result, "file_path": f"photos/{file_id}"}})
        return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    def _bad(self, description: str) -> None:
        self._json({"ok": False, "error_code": 400, "description": description}, 400)

    # --- Twilio (twilio.com/docs/messaging/api/message-resource) ----------------------------

    def _twilio(self, method: str, path: str, query: dict, body: bytes) -> None:
        if path.startswith("/cdn/"):
            # The media CDN: signed URL, and it must never see the account's credentials.
            if "Authorization" in self.headers:
                return self._send(400, b"<Error>credentials sent to the CDN</Error>", "text/xml")
            data = self.apis.media.get(path.rsplit("/", 1)[1])
            return self._send(200, data, "image/jpeg") if data else self._send(404, b"")
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self._twilio_error(20003, "Authenticate", 401)
        if not path.startswith(f"/2010-04-01/Accounts/{TWILIO_SID}/"):
            return self._twilio_error(20404, "The requested resource was not found", 404)
        if path.endswith("/Messages.json") and method == "POST":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            if not form.get("To"):
                return self._twilio_error(21604, "A 'To' phone number is required.", 400)
            if not form.get("From"):
                return self._twilio_error(21603, "A 'From' phone number is required.", 400)
            if not form.get("Body"):
                return self._twilio_error(21602, "Message body is required.", 400)
            if len(form["Body"]) > 1600:
                return self._twilio_error(
                    21617, "The concatenated message body exceeds the 1600 character limit.", 400
                )
            reply = {
                "sid": "SM" + "0" * 32,
                "status": "queued",
                "to": form["To"],
                "body": form["Body"],
            }
            return self._json(reply, 201)
        if "/Media/" in path and method == "GET":
            media_id = path.rsplit("/", 1)[1]
            if media_id not in self.apis.media:
                return self._twilio_error(20404, "The requested resource was not found", 404)
            self.send_response(307)
            self.send_header("Location", f"{self.apis.base}/cdn/{media_id}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._twilio_error(20404, "The requested resource was not found", 404)

    def _twilio_error(self, code: int, message: str, status: int) -> None:
        self._json({"code": code, "message": message, "status": status}, status)

    # --- Weibo fans service (open.weibo.com/wiki/粉丝服务平台) -------------------------------

    def _weibo(self, method: str, path: str, query: dict, body: bytes) -> None:
        params = dict(urllib.parse.parse_qsl(body.decode())) if body else query
        if params.get("access_token") != WEIBO_TOKEN:
            return self._json({"error_code": 21332, "error": "invalid_access_token"}, 403)
        if path == "/2/messages/reply.json" and method == "POST":
            try:
                data = json.loads(params.get("data") or "")
            except ValueError:
                return self._json({"error_code": 10008, "error": "param error"}, 400)
            if (
                params.get("type") != "text"
                or not params.get("receiver_id")
                or not data.get("text")
            ):
                return self._json({"error_code": 10016, "error": "miss required parameter"}, 400)
            return self._json({"result": True, "receiver_id": params["receiver_id"]})
        if path == "/2/mss/msget":
            data = self.apis.media.get(params.get("fid", ""))
            if data is None:
                return self._json({"error_code": 20003, "error": "file not found"}, 404)
            return self._send(200, data, "image/jpeg")
        return self._json({"error_code": 10014, "error": "no such api"}, 404)


def serve() -> Iterator[FakeApis]:
    apis = FakeApis()
    handler = type("Handler", (_Handler,), {"apis": apis})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    apis.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield apis
    finally:
        server.shutdown()
        server.server_close()
