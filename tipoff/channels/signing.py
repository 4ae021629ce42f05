"""Signature checks the channels share: sorted-SHA-1 (WeChat, Weibo), freshness, safe XML."""

from __future__ import annotations

import hashlib
import hmac
import time
import xml.etree.ElementTree as ET

MAX_BODY_BYTES = 256 * 1024
MAX_CLOCK_SKEW_SECONDS = 3600  # older deliveries are replays: retries come within minutes


class MalformedPayload(ValueError):
    """The request body or parameters cannot be read."""


def sorted_sha1(*parts: str) -> str:
    """SHA-1 hex of the parts sorted lexicographically and joined (WeChat and Weibo)."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - the protocol's choice


def same(expected: str, given: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(expected.encode(), (given or "").encode())


def fresh(timestamp: str, *, now: float | None = None) -> bool:
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs((now or time.time()) - value) <= MAX_CLOCK_SKEW_SECONDS


def xml_fields(raw: bytes) -> dict[str, str]:
    """The children of a flat ``<xml>`` document as a dict; refuses DTDs and entities."""
    if len(raw) > MAX_BODY_BYTES:
        raise MalformedPayload("body too large")
    upper = raw.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise MalformedPayload("DTDs are not accepted")
    try:
        root = ET.fromstring(raw)  # noqa: S314
    except ET.ParseError as exc:
        raise MalformedPayload("not well-formed XML") from exc
    if root.tag != "xml":
        raise MalformedPayload("root element must be <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
