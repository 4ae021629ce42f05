"""Telegram's Bot API: sendMessage, and getFile then download for media.

Called at ``CHANNELS_TELEGRAM_API_BASE`` (https://api.telegram.org, or a proxy
or a local Bot API server).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from django.conf import settings

from tipoff.channels.clients import ChannelError, MediaTooLarge, http_read, http_request

SMALL = 1024 * 1024


class TelegramClient:
    def __init__(
        self, credentials: dict[str, str], *, account_id: int, base: str | None = None
    ) -> None:
        self.token = credentials.get("bot_token", "")
        self.base = (base or settings.CHANNELS_TELEGRAM_API_BASE).rstrip("/")

    def _call(self, method: str, payload: dict) -> dict:
        request = http_request(
            f"{self.base}/bot{self.token}/{method}",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            data = json.loads(http_read(request, max_bytes=SMALL))
        except json.JSONDecodeError as exc:
            raise ChannelError("Telegram answered with something that is not JSON") from exc
        if not isinstance(data, dict) or not data.get("ok"):
            raise ChannelError(f"{method} refused")
        return data

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        self._call("sendMessage", {"chat_id": int(recipient), "text": text})

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        result = self._call("getFile", {"file_id": ref}).get("result") or {}
        if int(result.get("file_size") or 0) > max_bytes:
            raise MediaTooLarge(ref)
        path = result.get("file_path")
        if not path:
            raise ChannelError("no file path")
        url = f"{self.base}/file/bot{self.token}/{urllib.parse.quote(str(path))}"
        return http_read(http_request(url), max_bytes=max_bytes)
