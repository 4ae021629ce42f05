"""Weibo's fans-service APIs: reply to a user later; fetch a file they sent.

Called at ``CHANNELS_WEIBO_API_BASE`` (https://m.api.weibo.com) and
``CHANNELS_WEIBO_UPLOAD_BASE`` (https://upload.api.weibo.com), or proxies.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from django.conf import settings

from tipoff.channels.clients import ChannelError, http_read, http_request

SEND_PATH = "/2/messages/reply.json"
MEDIA_PATH = "/2/mss/msget"
SMALL = 1024 * 1024


class WeiboClient:
    def __init__(
        self,
        credentials: dict[str, str],
        *,
        account_id: int,
        send_url: str | None = None,
        media_url: str | None = None,
    ) -> None:
        self.access_token = credentials.get("access_token", "")
        self.send_url = send_url or settings.CHANNELS_WEIBO_API_BASE.rstrip("/") + SEND_PATH
        self.media_url = media_url or settings.CHANNELS_WEIBO_UPLOAD_BASE.rstrip("/") + MEDIA_PATH

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        if not self.access_token:
            raise ChannelError("no access token configured")
        form = {
            "access_token": self.access_token,
            "type": "text",
            "data": json.dumps({"text": text}, ensure_ascii=False),
            "receiver_id": recipient,
        }
        request = http_request(
            self.send_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            data = json.loads(http_read(request, max_bytes=SMALL))
        except json.JSONDecodeError as exc:
            raise ChannelError("Weibo answered with something that is not JSON") from exc
        if not isinstance(data, dict) or data.get("error_code"):
            raise ChannelError("message refused")

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        if not self.access_token:
            raise ChannelError("no access token configured")
        query = urllib.parse.urlencode({"access_token": self.access_token, "fid": ref})
        body = http_read(http_request(f"{self.media_url}?{query}"), max_bytes=max_bytes)
        if body[:1] == b"{":
            raise ChannelError("media refused")
        return body
