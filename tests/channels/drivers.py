"""Play each messaging service against our webhooks, as the service itself would.

Each driver signs its requests the way its service does and reads our answer
the way its service would (TwiML, JSON method payloads, passive JSON or XML).
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

from wechat_sim import AES_KEY, APP_ID, TOKEN, WeChatSim

from tipoff.channels.accounts import account_create, webhook_path
from tipoff.channels.signing import sorted_sha1
from tipoff.channels.twilio import signature

_ids = itertools.count(1000)
RECEIPT = re.compile(r"\b(\d{4}(?: \d{4}){3,})\b")


def receipt_in(text: str) -> str:
    """The receipt a reply gives (digits in groups of four), without spaces."""
    match = RECEIPT.search(text)
    assert match, f"no receipt in: {text!r}"
    return match.group(1).replace(" ", "")


class Driver:
    kind = ""
    client: Any
    url: str
    sender: str

    def say(self, text: str) -> str:
        raise NotImplementedError

    def photo(self, ref: str) -> str:
        raise NotImplementedError

    def location(self, lat: float, lon: float) -> str:
        raise NotImplementedError


class WeChatDriver(Driver):
    kind = "wechat"

    def __init__(self, client: Any, body: Any, *, safe: bool, **extra: str) -> None:
        account, _ = account_create(
            body=body,
            kind="wechat",
            credentials={"token": TOKEN, "aes_key": AES_KEY, "app_id": APP_ID, **extra},
        )
        self.account = account
        self.sim = WeChatSim(client, webhook_path(account), safe=safe)
        self.sender = self.sim.openid

    def say(self, text: str) -> str:
        return self.sim.say(text)

    def photo(self, ref: str) -> str:
        return self.sim.reply_text(self.sim.send("image", PicUrl="http://mmbiz/p.jpg", MediaId=ref))

    def location(self, lat: float, lon: float) -> str:
        return self.sim.reply_text(
            self.sim.send(
                "location", Location_X=str(lat), Location_Y=str(lon), Scale="15", Label=""
            )
        )


class WeiboDriver(Driver):
    kind = "weibo"
    SECRET = "weibo-app-secret-0001"

    def __init__(self, client: Any, body: Any, **extra: str) -> None:
        account, _ = account_create(
            body=body, kind="weibo", credentials={"app_secret": self.SECRET, **extra}
        )
        self.account, self.client, self.url = account, client, webhook_path(account)
        self.sender = "2489518277"
        self.receiver = "1902538057"
        self.clock = int(time.time())

    def query(self, timestamp: str | None = None, signature_: str | None = None) -> str:
        timestamp = timestamp or str(int(time.time()))
        nonce = secrets.token_hex(4)
        sig = signature_ or sorted_sha1(self.SECRET, timestamp, nonce)
        return f"signature={sig}&timestamp={timestamp}&nonce={nonce}"

    def push(
        self,
        kind: str,
        text: str = "",
        data: dict | None = None,
        created_at: str | None = None,
        **kw: Any,
    ) -> Any:
        if created_at is None:
            self.clock += 1
            created_at = time.strftime("%a %b %d %H:%M:%S +0800 %Y", time.localtime(self.clock))
        payload = {
            "type": kind,
            "receiver_id": int(self.receiver),
            "sender_id": int(self.sender),
            "created_at": created_at,
            "text": text,
            "data": data or {},
        }
        return self.client.post(
            f"{self.url}?{self.query(**kw)}",
            data=json.dumps(payload),
            content_type="application/json",
        )

    @staticmethod
    def text_of(response: Any) -> str:
        assert response.status_code == 200, response.content
        if not response.content:
            return ""
        reply = json.loads(response.content)
        assert reply["result"] is True and reply["type"] == "text"
        assert reply["sender_id"] == "1902538057" and reply["receiver_id"] == "2489518277"
        return str(json.loads(urllib.parse.unquote(reply["data"]))["text"])

    def say(self, text: str) -> str:
        return self.text_of(self.push("text", text))

    def photo(self, ref: str) -> str:
        return self.text_of(self.push("image", "发了一张图片", {"vfid": 1, "tovfid": ref}))

    def location(self, lat: float, lon: float) -> str:
        return self.text_of(
            self.push("position", "我在这里", {"longitude": str(lon), "latitude": str(lat)})
        )


class TelegramDriver(Driver):
    kind = "telegram"

    def __init__(self, client: Any, body: Any, *, bot_token: str = "123:ABC") -> None:  # noqa: S107
        account, creds = account_create(
            body=body, kind="telegram", credentials={"bot_token": bot_token}
        )
        self.account, self.client, self.url = account, client, webhook_path(account)
        self.secret = creds["secret_token"]
        self.chat_id = 55501234
        self.sender = str(self.chat_id)
        self.language_code: str | None = "en"  # the reporter's app language
        self.last_message_id = 0

    def _message(self, message_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        sender: dict[str, Any] = {"id": self.chat_id, "is_bot": False, "first_name": "A"}
        if self.language_code:
            sender["language_code"] = self.language_code
        return {
            "message_id": message_id,
            "from": sender,
            "chat": {"id": self.chat_id, "type": "private", "first_name": "A"},
            "date": int(time.time()),
            **fields,
        }

    def update(
        self, message: dict[str, Any], *, update_id: int | None = None, secret: str | None = None
    ) -> Any:
        self.last_message_id = next(_ids)
        update = {
            "update_id": update_id or next(_ids),
            "message": self._message(self.last_message_id, message),
        }
        return self.post(json.dumps(update), secret=secret)

    def edit(self, message_id: int, text: str) -> str:
        """The reporter edits an earlier message (Telegram sends ``edited_message``)."""
        edited = self._message(message_id, {"text": text, "edit_date": int(time.time())})
        update = {"update_id": next(_ids), "edited_message": edited}
        return self.text_of(self.post(json.dumps(update)))

    def post(self, raw: str | bytes, *, secret: str | None = None) -> Any:
        return self.client.post(
            self.url,
            data=raw,
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=self.secret if secret is None else secret,
        )

    def text_of(self, response: Any) -> str:
        assert response.status_code == 200, response.content
        reply = json.loads(response.content)
        if not reply:
            return ""
        assert reply["method"] == "sendMessage" and reply["chat_id"] == self.chat_id
        return str(reply["text"])

    def say(self, text: str) -> str:
        return self.text_of(self.update({"text": text}))

    def photo(self, ref: str) -> str:
        sizes = [
            {"file_id": f"{ref}-small", "file_size": 100, "width": 90, "height": 90},
            {"file_id": ref, "file_size": 2000, "width": 800, "height": 600},
        ]
        return self.text_of(self.update({"photo": sizes}))

    def location(self, lat: float, lon: float) -> str:
        return self.text_of(self.update({"location": {"latitude": lat, "longitude": lon}}))


class TwilioDriver(Driver):
    SITE = "http://127.0.0.1:8000"

    def __init__(self, client: Any, body: Any, *, kind: str, **extra: str) -> None:
        self.kind = kind
        self.token = "twilio-auth-token-0001"
        self.account_sid = "AC" + "1" * 32
        account, _ = account_create(
            body=body,
            kind=kind,
            credentials={"account_sid": self.account_sid, "auth_token": self.token, **extra},
        )
        self.account, self.client, self.url = account, client, webhook_path(account)
        prefix = "whatsapp:" if kind == "whatsapp" else ""
        self.sender = f"{prefix}+8613800138000"
        self.to = f"{prefix}+14155238886"

    def post(self, fields: dict[str, str], *, sid: str | None = None, forge: bool = False) -> Any:
        params = {
            "MessageSid": sid or f"SM{secrets.token_hex(16)}",
            "AccountSid": self.account_sid,
            "From": self.sender,
            "To": self.to,
            "NumMedia": "0",
            "Body": "",
            **fields,
        }
        sig = signature.compute(
            "forged" if forge else self.token, self.SITE + self.url, params.items()
        )
        return self.client.post(self.url, data=params, HTTP_X_TWILIO_SIGNATURE=sig)

    @staticmethod
    def text_of(response: Any) -> str:
        assert response.status_code == 200, response.content
        root = ET.fromstring(response.content)  # noqa: S314 - our own answer
        assert root.tag == "Response"
        return "\n\n".join(m.text or "" for m in root.findall("Message"))

    def say(self, text: str) -> str:
        return self.text_of(self.post({"Body": text}))

    def photo(self, ref: str) -> str:
        return self.text_of(
            self.post({"NumMedia": "1", "MediaUrl0": ref, "MediaContentType0": "image/jpeg"})
        )

    def location(self, lat: float, lon: float) -> str:
        return self.text_of(
            self.post({"Latitude": str(lat), "Longitude": str(lon), "Address": "Main St"})
        )
