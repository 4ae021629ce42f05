"""The channels' own key, kept outside the database (the ``CHANNELS_KEY`` setting).

Channel credentials, channel identifiers (OpenIDs, phone numbers, e-mail
addresses) and unfinished conversations are encrypted under sub-keys of it, so
a database dump alone reveals none of them. Identifiers are found again through
a keyed hash under another sub-key. Development derives a default from
SECRET_KEY; production refuses to run without its own value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tipoff.lib import crypto


def _master() -> bytes:
    raw = getattr(settings, "CHANNELS_KEY", "")
    if not raw or (getattr(settings, "PRODUCTION", False) and raw.startswith("dev-channels:")):
        raise ImproperlyConfigured(
            "CHANNELS_KEY is not set: set it to at least 32 random characters "
            "(it encrypts channel credentials and conversations)."
        )
    return hashlib.blake2b(raw.encode(), person=b"tipoff-chan-mstr", digest_size=32).digest()


def subkey(purpose: str) -> bytes:
    return crypto.keyed_hash(_master(), purpose.encode(), person=b"tipoff-chan-sub")


def seal_text(value: str, *, label: str) -> bytes:
    return crypto.encrypt(subkey("data"), value.encode(), label=label)


def open_text(blob: bytes | memoryview | None, *, label: str) -> str:
    if not blob:
        return ""
    return crypto.decrypt(subkey("data"), bytes(blob), label=label).decode()


def seal_json(value: Any, *, label: str) -> bytes:
    return seal_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), label=label)


def open_json(blob: bytes | memoryview | None, *, label: str) -> Any:
    text = open_text(blob, label=label)
    return json.loads(text) if text else None


def seal_bytes(value: bytes, *, label: str) -> bytes:
    return crypto.encrypt(subkey("data"), value, label=label)


def open_bytes(blob: bytes | memoryview, *, label: str) -> bytes:
    return crypto.decrypt(subkey("data"), bytes(blob), label=label)


def lookup(account_id: int, value: str) -> bytes:
    """A keyed hash to find a row by an identifier without storing it in clear."""
    return crypto.keyed_hash(
        subkey("lookup"), f"{account_id}\x00{value}".encode(), person=b"tipoff-chan-look"
    )


def problems() -> list[str]:
    """Configuration problems, for the system check."""
    try:
        _master()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    raw = settings.CHANNELS_KEY
    if getattr(settings, "PRODUCTION", False) and len(raw) < 32:
        return ["CHANNELS_KEY must be at least 32 characters in production."]
    return []
