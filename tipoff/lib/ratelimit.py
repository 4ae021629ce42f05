"""Fixed-window rate limits in the cache.

Clients are told apart by a keyed hash of their network address under a key
that changes every day and is derived from the server secret; the hash lives
only in the cache, for one window, and the address itself is never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_fingerprint(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_HEADER:
        forwarded = request.META.get(settings.TRUSTED_PROXY_HEADER, "")
        address = forwarded.split(",")[0].strip() or address
    day = dt.date.today().isoformat()
    return hashlib.blake2b(
        address.encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=day.encode()[:16],
        digest_size=12,
    ).hexdigest()


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while within ``limit`` attempts per ``window`` seconds."""
    if not settings.RATE_LIMITS_ENABLED:
        return True
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        return True
    return count <= limit


def peek(scope: str, key: str, *, limit: int, window: int) -> bool:
    """True if another attempt would still be allowed (does not count one)."""
    if not settings.RATE_LIMITS_ENABLED:
        return True
    bucket = int(time.time() // window)
    return (cache.get(f"rl:{scope}:{key}:{bucket}") or 0) < limit


# Scopes shared by every edge that signs reporters in or takes reports, so the
# web pages, the API and the channels count against the same limits.
SUBMIT_SCOPE = "submit"
RECEIPT_CLIENT_SCOPE = "receipt-client"
RECEIPT_SCOPE = "receipt"


def receipt_rate_key(normalised_code: str) -> str:
    """A short keyed hash of a receipt for its rate-limit counter.

    Short on purpose: the counter lives in the cache, and four bytes tell
    someone holding it and the server secret almost nothing about the code.
    """
    return hashlib.blake2b(
        normalised_code.encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=b"tipoff-rl-rcpt",
        digest_size=4,
    ).hexdigest()
