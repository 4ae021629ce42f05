"""Fixtures for the channel tests: accounts, the Null channel client, immediate tasks,
a JPEG to send as evidence, and helpers that read receipts out of replies."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tipoff.channels.clients import NullClient


@pytest.fixture(autouse=True)
def _channels_env(settings: Any) -> Iterator[None]:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.CHANNELS_TRANSPORT = "null"
    NullClient.reset()
    yield
    NullClient.reset()


@pytest.fixture
def null_client() -> type[NullClient]:
    return NullClient


@pytest.fixture
def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def inspector_says(body: Any) -> Any:
    """``inspector_says(report, text)`` posts a message as the inspectors would."""
    from tipoff.reports.models import Author
    from tipoff.reports.selectors import report_data_key
    from tipoff.reports.services import message_post

    def _say(report: Any, text: str) -> None:
        key = report_data_key(report=report, body_private_key=body.private_key)
        message_post(report=report, data_key=key, text=text, author=Author.STAFF)

    return _say


@pytest.fixture
def thread_of(body: Any) -> Any:
    from tipoff.reports.selectors import report_data_key, report_thread

    def _thread(report: Any) -> list[tuple[str, str]]:
        key = report_data_key(report=report, body_private_key=body.private_key)
        return [
            (item.message.author, item.text) for item in report_thread(report=report, data_key=key)
        ]

    return _thread


@pytest.fixture
def content_of(body: Any) -> Any:
    """``content_of(report)``: what the reporter wrote, decrypted as the body's staff would."""
    from tipoff.reports.selectors import report_content, report_data_key

    def _content(report: Any) -> Any:
        key = report_data_key(report=report, body_private_key=body.private_key)
        return report_content(report=report, data_key=key)

    return _content


@pytest.fixture
def apis(settings: Any) -> Iterator[Any]:
    """The services' APIs on a local server (fake_apis.py); the real HTTP clients call it."""
    from fake_apis import serve

    for apis in serve():
        settings.CHANNELS_TRANSPORT = "http"
        settings.CHANNELS_WECHAT_API_BASE = apis.base
        settings.CHANNELS_TELEGRAM_API_BASE = apis.base
        settings.CHANNELS_TWILIO_API_BASE = apis.base
        settings.CHANNELS_WEIBO_API_BASE = apis.base
        settings.CHANNELS_WEIBO_UPLOAD_BASE = apis.base
        yield apis


@pytest.fixture
def amr() -> bytes:
    """One second of AMR-NB as WeChat records voice messages (RFC 4867 storage format)."""
    import random

    rng = random.Random(7)
    frames = (b"\x3c" + bytes(rng.randrange(256) for _ in range(31)) for _ in range(50))
    return b"#!AMR\n" + b"".join(frames)
