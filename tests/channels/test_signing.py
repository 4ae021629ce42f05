"""Signature helpers: Twilio's published example, sorted SHA-1, freshness, refusing DTDs."""

from __future__ import annotations

import time

import pytest

from tipoff.channels.signing import MalformedPayload, fresh, same, sorted_sha1, xml_fields
from tipoff.channels.twilio import signature


def test_twilio_signature_matches_the_documented_example() -> None:
    # The example from Twilio's security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signature.compute("12345", url, params.items()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature.valid("12345", url, params.items(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signature.valid("12345", url, params.items(), "")


def test_sorted_sha1_is_order_independent() -> None:
    assert sorted_sha1("b", "a", "c") == sorted_sha1("c", "b", "a")
    assert same(sorted_sha1("x"), sorted_sha1("x")) and not same(sorted_sha1("x"), "")


def test_freshness() -> None:
    now = time.time()
    assert fresh(str(int(now)), now=now)
    assert not fresh(str(int(now) - 7200), now=now)
    assert not fresh("soon", now=now)


@pytest.mark.parametrize(
    "raw",
    [
        b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>',
        b"<xml>" + b"<a>x</a>" * 40000 + b"</xml>",
        b"<xml><a>unclosed</xml>",
    ],
)
def test_hostile_xml_is_refused(raw: bytes) -> None:
    with pytest.raises(MalformedPayload):
        xml_fields(raw)
