"""Text similarity for spotting duplicate reports, and matching people's names.

Reports mix Chinese (no spaces between words) and Latin-script text, so text
is cut into tokens where every CJK character is a token of its own and every
Latin word or number is one token; similarity is the Jaccard index of token
bigrams (plus single tokens, so short texts still compare). It needs no
dictionary and no model, and it is symmetric and between 0 and 1.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def shingles(text: str) -> set[str]:
    toks = tokens(text)
    grams = set(toks)
    grams.update(f"{a}\u0001{b}" for a, b in pairwise(toks))
    return grams


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' shingles, 0.0 (nothing shared) to 1.0."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _compact(name: str) -> str:
    return "".join(tokens(name))


def names_match(reported: str, staff_name: str) -> bool:
    """Does the name of a reported official plausibly refer to this staff member?

    Errs on the side of a match: a false match only hides a case from someone,
    a missed one shows it to the person it is about. Chinese names match as
    substrings of two or more characters ("张伟" in "检查员 张伟"); names in
    Latin script match as whole consecutive words ("Wang Wu" in "Director Wang Wu").
    """
    a_tokens, b_tokens = tokens(reported), tokens(staff_name)
    if not a_tokens or not b_tokens:
        return False
    a, b = _compact(reported), _compact(staff_name)
    if a == b:
        return True
    if _CJK.search(a) and _CJK.search(b):
        shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
        if len(shorter) >= 2 and shorter in longer:
            return True
        # A display name may carry a title before the name ("组长 陈静"):
        # its last part is compared alone too.
        last = _compact(staff_name.split()[-1]) if staff_name.split() else ""
        return len(last) >= 2 and last != b and last in a

    return _contains_run(a_tokens, b_tokens) or _contains_run(b_tokens, a_tokens)


def _contains_run(needle: list[str], haystack: list[str]) -> bool:
    if len(needle) > len(haystack):
        return False
    if len(needle) == 1 and len(needle[0]) < 3:
        return False  # "Li" alone is too common to exclude anyone
    return any(
        haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1)
    )
