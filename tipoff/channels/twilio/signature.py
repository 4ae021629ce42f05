"""Twilio's request signature: HMAC-SHA1 over the full URL and the sorted POST parameters."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def compute(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Base64 HMAC-SHA1 of the URL followed by each parameter's name and value, sorted by name."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str) -> bool:
    return hmac.compare_digest(
        compute(auth_token, url, params).encode(), (signature or "").encode()
    )
