"""WeChat's HTTP APIs: access token, customer-service messages, temporary media.

Called at ``CHANNELS_WECHAT_API_BASE`` (https://api.weixin.qq.com, or a proxy).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.cache import cache

from tipoff.channels.clients import ChannelError, http_read, http_request

SMALL = 1024 * 1024


class WeChatClient:
    def __init__(
        self, credentials: dict[str, str], *, account_id: int, base: str | None = None
    ) -> None:
        self.app_id = credentials.get("app_id", "")
        self.app_secret = credentials.get("app_secret", "")
        self.account_id = account_id
        self.base = (base or settings.CHANNELS_WECHAT_API_BASE).rstrip("/")

    def _token(self) -> str:
        if not self.app_secret:
            raise ChannelError("no AppSecret configured: cannot call WeChat's APIs")
        cache_key = f"channels:wechat-token:{self.account_id}"
        token = cache.get(cache_key)
        if token:
            return str(token)
        query = urllib.parse.urlencode(
            {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret}
        )
        data = self._json(http_request(f"{self.base}/cgi-bin/token?{query}"))
        token = data.get("access_token")
        if not token:
            raise ChannelError(f"token refused: {data.get('errcode')}")
        # Tokens last 7200 s; renew early.
        cache.set(cache_key, token, timeout=max(60, int(data.get("expires_in", 7200)) - 300))
        return str(token)

    def _json(self, request: urllib.request.Request) -> dict:
        try:
            data = json.loads(http_read(request, max_bytes=SMALL))
        except json.JSONDecodeError as exc:
            raise ChannelError("WeChat answered with something that is not JSON") from exc
        if not isinstance(data, dict):
            raise ChannelError("unexpected answer")
        if data.get("errcode") in (40001, 40014, 42001):
            cache.delete(f"channels:wechat-token:{self.account_id}")
        return data

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        payload = {"touser": recipient, "msgtype": "text", "text": {"content": text}}
        request = http_request(
            f"{self.base}/cgi-bin/message/custom/send?access_token={urllib.parse.quote(self._token())}",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        data = self._json(request)
        if data.get("errcode", 0) != 0:
            raise ChannelError(f"customer-service message refused: {data.get('errcode')}")

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        query = urllib.parse.urlencode({"access_token": self._token(), "media_id": ref})
        body = http_read(
            http_request(f"{self.base}/cgi-bin/media/get?{query}"), max_bytes=max_bytes
        )
        if body[:1] == b"{":  # an error comes back as JSON instead of the file
            raise ChannelError("media refused")
        return body
