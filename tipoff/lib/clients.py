"""Who a client is, for abuse limits — without ever storing an address.

Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy, and the client
address is in ``X-Forwarded-For``, to which every proxy *appends* the address
it received the request from. The client writes whatever it likes at the
left end, so only the entries our own proxies appended can be believed: we
walk from the right, skipping our proxies, and take the first address that
is not one of them. Our proxies are named either by count
(``TRUSTED_PROXY_HOPS``: how many proxies append to the header) or by network
(``TRUSTED_PROXY_NETWORKS``: CIDR ranges they connect from).

An IPv6 client is its /64 network (one subscriber usually has a whole /64).
The result is turned into a keyed hash under a key that changes daily; the
address itself goes nowhere. Behind an onion service every client is the
local Tor daemon: they all share one identity, and the global budgets with
proof of work (``budgets.py``) are what keep the service open to everyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:5555
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the client that made the request, as far as it can be known."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_HOPS
    networks = _networks(tuple(settings.TRUSTED_PROXY_NETWORKS))
    if not hops and not networks:
        return remote
    header = request.META.get(settings.TRUSTED_PROXY_HEADER, "") or ""
    chain = [item for item in header.split(",") if item.strip()] + [remote]
    if hops:
        # The proxies appended ``hops`` entries (the last one is REMOTE_ADDR):
        # the client is the one just before them.
        index = len(chain) - 1 - hops
        chosen = chain[max(index, 0)]
        parsed = _parse(chosen)
        return str(parsed) if parsed else remote
    for item in reversed(chain):
        parsed = _parse(item)
        if parsed is None:
            return remote  # a proxy of ours never writes garbage: stop believing here
        if not any(parsed in net for net in networks):
            return str(parsed)
    return str(_parse(chain[0]) or remote)


def _identity(address: str) -> str:
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return address


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (its /64 for IPv6), rotating daily."""
    day = dt.date.today().isoformat()
    return hashlib.blake2b(
        _identity(client_address(request)).encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=day.encode()[:16],
        digest_size=12,
    ).hexdigest()
