"""Twilio's REST API: send a message later; fetch media (with the account's credentials).

Called at ``CHANNELS_TWILIO_API_BASE`` (https://api.twilio.com, or a proxy or a
compatible gateway). Media URLs in webhooks name api.twilio.com; with another
base configured they are fetched through it.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from typing import Any

from django.conf import settings

from tipoff.channels.clients import ChannelError, http_read, http_request

PUBLIC_BASE = "https://api.twilio.com"
SMALL = 1024 * 1024


class TwilioClient:
    def __init__(
        self, credentials: dict[str, str], *, account_id: int, base: str | None = None
    ) -> None:
        self.sid = credentials.get("account_sid", "")
        self.token = credentials.get("auth_token", "")
        self.from_number = credentials.get("from_number", "")
        self.base = (base or settings.CHANNELS_TWILIO_API_BASE).rstrip("/")

    def _auth(self) -> str:
        return "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        if not self.from_number:
            raise ChannelError("no sender number configured")
        request = http_request(
            f"{self.base}/2010-04-01/Accounts/{urllib.parse.quote(self.sid)}/Messages.json",
            data=urllib.parse.urlencode(
                {"From": self.from_number, "To": recipient, "Body": text}
            ).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        request.add_unredirected_header("Authorization", self._auth())
        try:
            data = json.loads(http_read(request, max_bytes=SMALL))
        except json.JSONDecodeError as exc:
            raise ChannelError("the gateway answered with something that is not JSON") from exc
        if not isinstance(data, dict) or data.get("error_code"):
            raise ChannelError("message refused")

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        if ref.startswith(PUBLIC_BASE + "/"):
            ref = self.base + ref[len(PUBLIC_BASE) :]
        request = http_request(ref)
        # Not forwarded on redirect: media is served from a CDN that must not see the token.
        request.add_unredirected_header("Authorization", self._auth())
        return http_read(request, max_bytes=max_bytes)
