"""Fixed-window rate limits in the cache (kiosks and channel senders).

Limits on the public side and on staff sign-in are in ``tipoff.limits``
(atomic counters, budgets with proof of work); these simpler per-device and
per-sender limits remain here.

Clients are told apart by a keyed hash of their network address under a key
that changes every day and is derived from the server secret; the hash lives
only in the cache, for one window, and the address itself is never stored.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from tipoff.lib.clients import client_key


def client_fingerprint(request: HttpRequest) -> str:
    """The client's keyed, daily-rotating identity (see ``tipoff.lib.clients``)."""
    return client_key(request)


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
