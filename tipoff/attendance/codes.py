"""Short codes (kiosk pairing, enrollment) and device tokens.

Short codes are hashed under ``ATTENDANCE_KEY`` (a lookup sub-key of it), so a
database dump cannot brute-force them; device tokens are long and random, so
a plain hash is enough to look them up.
"""

from __future__ import annotations

import hashlib
import secrets

from tipoff.attendance.sealed import ATTENDANCE_KEY


def code_hash(code: str, purpose: bytes) -> str:
    return ATTENDANCE_KEY.lookup(purpose.decode(), code).hex()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def random_digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def normalise_code(text: str) -> str:
    """What a person typed, without spaces or dashes."""
    return "".join(ch for ch in text if ch.isdigit())[:12]
