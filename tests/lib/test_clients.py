"""Who the client is behind trusted proxies: the rightmost address that is not ours."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tipoff.lib.clients import client_address, client_key

pytestmark = pytest.mark.one_leg

rf = RequestFactory()


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **meta)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS, settings.TRUSTED_PROXY_NETWORKS = 0, []
    assert client_address(_request("198.51.100.9", "6.6.6.6")) == "198.51.100.9"


@pytest.mark.parametrize(
    ("hops", "forwarded", "remote", "expected"),
    [
        (1, "203.0.113.7", "10.0.0.2", "203.0.113.7"),
        # The client wrote the leftmost entries itself; our one proxy appended the last.
        (1, "1.2.3.4, 5.6.7.8, 203.0.113.7", "10.0.0.2", "203.0.113.7"),
        (2, "9.9.9.9, 203.0.113.7, 10.0.0.1", "10.0.0.2", "203.0.113.7"),
        (1, "", "10.0.0.2", "10.0.0.2"),  # a request that skipped the proxy
        (1, "203.0.113.7:51234", "10.0.0.2", "203.0.113.7"),
        (1, "[2001:db8::7]:443", "10.0.0.2", "2001:db8::7"),
    ],
)
def test_hop_count_takes_the_address_our_proxies_appended(
    settings, hops, forwarded, remote, expected
):
    settings.TRUSTED_PROXY_HOPS, settings.TRUSTED_PROXY_NETWORKS = hops, []
    assert client_address(_request(remote, forwarded)) == expected


@pytest.mark.parametrize(
    ("forwarded", "remote", "expected"),
    [
        ("203.0.113.7", "10.0.0.2", "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7, 10.1.0.5", "10.0.0.2", "203.0.113.7"),
        ("10.0.0.9", "10.0.0.2", "10.0.0.9"),  # only proxies: the leftmost is the best we have
        ("203.0.113.7", "198.51.100.1", "198.51.100.1"),  # not from our proxy: header ignored
        ("garbage, 203.0.113.7", "10.0.0.2", "203.0.113.7"),
    ],
)
def test_proxy_networks_are_skipped_from_the_right(settings, forwarded, remote, expected):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    assert client_address(_request(remote, forwarded)) == expected


def test_rotating_the_leftmost_entry_does_not_change_who_the_client_is(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    keys = {client_key(_request("10.0.0.2", f"{n}.1.1.1, 203.0.113.7")) for n in range(1, 50)}
    assert len(keys) == 1


def test_an_ipv6_client_is_its_64_network(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    a = client_key(_request("2001:db8:1:2::1"))
    b = client_key(_request("2001:db8:1:2:ffff::9"))
    c = client_key(_request("2001:db8:1:3::1"))
    assert a == b != c


def test_the_key_reveals_no_address(settings):
    key = client_key(_request("203.0.113.7"))
    assert "203" not in key and len(key) == 24
