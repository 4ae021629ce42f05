"""Whole numbers typed by people or sent by clients: ASCII digits only.

``str.isdigit()`` is also true for superscripts and the digits of other scripts
("²", "፩"), some of which ``int()`` refuses, and a database refuses integers past
64 bits. Anything read from a request goes through these instead.
"""

from __future__ import annotations

ASCII_DIGITS = frozenset("0123456789")
MAX_DIGITS = 18  # fits a 64-bit integer column


def is_number(text: str, *, digits: int = MAX_DIGITS) -> bool:
    """``text`` is 1 to ``digits`` ASCII digits."""
    return 0 < len(text) <= digits and all(ch in ASCII_DIGITS for ch in text)


def number(text: str, *, digits: int = MAX_DIGITS) -> int | None:
    """The number ``text`` spells in ASCII digits, or None."""
    return int(text) if is_number(text, digits=digits) else None
