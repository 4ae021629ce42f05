"""Talking back to the channels: sending a message later, fetching media.

Every channel's API sits behind one small Protocol. ``CHANNELS_TRANSPORT``
(``http`` in development and production, ``null`` under tests unless a test
asks for the real one) picks the implementation: the real clients live in each
channel's sub-package; the Null one records what it was asked to send and
serves media a test registered, so tests need no network.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings

from tipoff.lib.digits import is_number


class ChannelError(Exception):
    """The channel's API failed; worth trying again later."""


class MediaTooLarge(Exception):
    """The media is larger than the evidence limit; trying again will not help."""


class ChannelClient(Protocol):
    def send_text(
        self, *, recipient: str, text: str, thread: dict[str, Any] | None = None
    ) -> None: ...
    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes: ...


class NullClient:
    """Keeps sent messages in ``sent``; serves ``media[ref]`` (bytes, or an exception to raise)."""

    sent: list[tuple[str, str, str]] = []
    media: dict[str, bytes | Exception] = {}

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        outcome = self.media.get(f"send:{recipient}")
        if isinstance(outcome, Exception):
            raise outcome
        NullClient.sent.append((self.kind, recipient, text))

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        outcome = self.media.get(ref)
        if outcome is None:
            raise ChannelError("unknown media")
        if isinstance(outcome, Exception):
            raise outcome
        if len(outcome) > max_bytes:
            raise MediaTooLarge(ref)
        return outcome

    @classmethod
    def reset(cls) -> None:
        cls.sent = []
        cls.media = {}


def transport() -> str:
    return settings.CHANNELS_TRANSPORT


def client_for(account) -> ChannelClient:
    """The client for an account, as the transport setting chooses."""
    if transport() == "null":
        return NullClient(account.kind)
    from tipoff.channels.accounts import credentials_of
    from tipoff.channels.email.client import EmailClient
    from tipoff.channels.telegram.client import TelegramClient
    from tipoff.channels.twilio.client import TwilioClient
    from tipoff.channels.wechat.client import WeChatClient
    from tipoff.channels.weibo.client import WeiboClient

    classes = {
        "wechat": WeChatClient,
        "weibo": WeiboClient,
        "telegram": TelegramClient,
        "sms": TwilioClient,
        "whatsapp": TwilioClient,
        "email": EmailClient,
    }
    return classes[account.kind](credentials_of(account), account_id=account.pk)


# --- small HTTP helpers the real clients share --------------------------------------

TIMEOUT_SECONDS = 10


def http_request(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> urllib.request.Request:
    """A request to a channel's API; only http(s) URLs (never file: or others)."""
    if not url.startswith(("https://", "http://")):
        raise ChannelError("only http(s) URLs are fetched")
    return urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310


def http_read(request: urllib.request.Request, *, max_bytes: int) -> bytes:
    """Read a response, refusing bodies larger than ``max_bytes``."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared and is_number(declared) and int(declared) > max_bytes:
                raise MediaTooLarge(request.full_url)
            data = response.read(max_bytes + 1)
            if declared and is_number(declared) and len(data) < int(declared):
                # The connection closed early: a cut file is tried again, never kept.
                raise ChannelError(f"{len(data)} of {declared} bytes received")
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        raise ChannelError(str(exc)) from exc
    if len(data) > max_bytes:
        raise MediaTooLarge(request.full_url)
    return data
