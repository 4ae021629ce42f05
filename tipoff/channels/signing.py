"""What the webhooks share: sorted-SHA-1 (WeChat, Weibo), freshness, bounded JSON and XML.

Every body is read with limits on its size and nesting before it is parsed, so
a hostile payload gets a 4xx (never a RecursionError and a 500).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import xml.etree.ElementTree as ET
from typing import Any

MAX_BODY_BYTES = 256 * 1024
# Telegram updates nest about 5 levels (update → message → reply_to_message → entities → user),
# Weibo pushes 2, WeChat XML 4 (event → SendPicsInfo → PicList → item); far more is hostile.
MAX_JSON_DEPTH = 20
MAX_XML_DEPTH = 6
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


class PayloadTooLarge(MalformedPayload):
    """The body is larger than any genuine delivery (answered with 413)."""


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKET_STEP)


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings ignored)."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, delete=_NOT_BRACKETS)
    return max(itertools.accumulate(_BRACKET_STEP[b] for b in brackets), default=0)


def json_body(
    raw: bytes, *, max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """Parse a webhook's JSON body within size and nesting limits."""
    if len(raw) > max_bytes:
        raise PayloadTooLarge("body too large")
    if json_depth(raw) > max_depth:
        raise MalformedPayload("JSON nested too deeply")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload("not JSON") from exc


def _xml_depth(root: ET.Element) -> int:
    deepest, level = 0, [(root, 1)]
    while level:
        element, depth = level.pop()
        deepest = max(deepest, depth)
        level.extend((child, depth + 1) for child in element)
    return deepest


def xml_fields(raw: bytes) -> dict[str, str]:
    """The children of a flat ``<xml>`` document as a dict; refuses DTDs, entities, deep nesting."""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge("body too large")
    upper = raw.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise MalformedPayload("DTDs are not accepted")
    try:
        root = ET.fromstring(raw)  # noqa: S314
    except ET.ParseError as exc:
        raise MalformedPayload("not well-formed XML") from exc
    if root.tag != "xml":
        raise MalformedPayload("root element must be <xml>")
    if _xml_depth(root) > MAX_XML_DEPTH:
        raise MalformedPayload("XML nested too deeply")
    return {child.tag: (child.text or "").strip() for child in root}


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
