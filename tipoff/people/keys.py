"""Staff members' unlocked body keys, kept in a sealed session between requests."""

from __future__ import annotations

import json

from django.http import HttpRequest

from tipoff.lib import sealed_session

KEYS_SESSION_NAME = "keys"


def encode_keys(keys: dict[int, bytes]) -> bytes:
    return json.dumps({str(k): v.hex() for k, v in keys.items()}).encode()


def session_body_key(request: HttpRequest, body_id: int) -> bytes | None:
    raw = sealed_session.get(request, KEYS_SESSION_NAME)
    if raw is None:
        return None
    value = json.loads(raw).get(str(body_id))
    return bytes.fromhex(value) if value else None
