"""Plays WeChat's servers: signs pushes to our webhook and, in safe mode, encrypts them."""

from __future__ import annotations

import secrets
import time
from typing import Any

from wechatpy.crypto import WeChatCrypto

from tipoff.channels.signing import sorted_sha1, xml_fields

TOKEN = "tipoffTestToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx1234567890abcdef"
OFFICIAL_ID = "gh_0123456789ab"


class WeChatSim:
    def __init__(
        self, client: Any, url: str, *, safe: bool, openid: str = "oUserOpenID0001"
    ) -> None:
        self.client = client
        self.url = url
        self.safe = safe
        self.openid = openid
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        self.msg_id = 6000000000000000000 + secrets.randbelow(10**9)

    def _push_xml(self, fields: dict[str, str]) -> str:
        inner = "".join(
            f"<{k}><![CDATA[{v}]]></{k}>" if not v.isdigit() else f"<{k}>{v}</{k}>"
            for k, v in fields.items()
        )
        return f"<xml>{inner}</xml>"

    def post_raw(
        self,
        body: bytes | str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        encrypted: str | None = None,
        msg_signature: str | None = None,
        nonce: str | None = None,
    ) -> Any:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        params = {"timestamp": timestamp, "nonce": nonce, "openid": self.openid}
        params["signature"] = signature or sorted_sha1(TOKEN, timestamp, nonce)
        if self.safe:
            params["encrypt_type"] = "aes"
            params["msg_signature"] = msg_signature or sorted_sha1(
                TOKEN, timestamp, nonce, encrypted or ""
            )
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.post(f"{self.url}?{query}", data=body, content_type="text/xml")

    def send(
        self,
        msg_type: str,
        *,
        msg_id: int | None = None,
        create_time: int | None = None,
        **fields: str,
    ) -> Any:
        payload = {
            "ToUserName": OFFICIAL_ID,
            "FromUserName": self.openid,
            "CreateTime": str(create_time or int(time.time())),
            "MsgType": msg_type,
            **fields,
        }
        if msg_type != "event":
            if msg_id is None:
                self.msg_id += 1
                msg_id = self.msg_id
            payload["MsgId"] = str(msg_id)
        plain = self._push_xml(payload)
        if not self.safe:
            return self.post_raw(plain)
        # wechatpy encrypts the push exactly as WeChat's servers would.
        nonce = secrets.token_hex(5)
        timestamp = str(int(time.time()))
        wrapped = self.crypto.encrypt_message(plain, nonce, timestamp)
        encrypted = xml_fields(wrapped.encode())["Encrypt"]
        body = (
            f"<xml><ToUserName><![CDATA[{OFFICIAL_ID}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        return self.post_raw(body, encrypted=encrypted)

    def text(self, content: str, **kw: Any) -> Any:
        return self.send("text", Content=content, **kw)

    def reply_text(self, response: Any) -> str:
        """Our passive reply's text ('' for 'success'); wechatpy decrypts it in safe mode."""
        assert response.status_code == 200, response.content
        raw = response.content.decode()
        if raw == "success":
            return ""
        if self.safe:
            outer = xml_fields(raw.encode())
            raw = self.crypto.decrypt_message(
                raw, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
            )
        fields = xml_fields(raw.encode() if isinstance(raw, str) else raw)
        assert fields["ToUserName"] == self.openid
        assert fields["FromUserName"] == OFFICIAL_ID
        assert fields["MsgType"] == "text"
        return fields["Content"]

    def say(self, content: str) -> str:
        return self.reply_text(self.text(content))
