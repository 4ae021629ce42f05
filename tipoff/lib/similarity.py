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

import pypinyin
import zhconv

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


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


def simplified(text: str) -> str:
    """Traditional characters folded to simplified ones (張偉 → 张伟); other text unchanged."""
    return zhconv.convert(text, "zh-hans")


def _latin_words(name: str) -> list[str]:
    """Words of a romanised name, without tone marks or hyphens: "Zhāng Xiao-ming" → zhang, xiaoming."""
    folded = unicodedata.normalize("NFKC", name).casefold().replace("ü", "v")
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch)
    )
    bare = re.sub(r"(?<=[a-z])[-'’](?=[a-z])", "", bare)
    return re.findall(r"[a-z]+", bare)


def _latin_runs(words: list[str]) -> set[str]:
    """Every run of consecutive words, joined, in both orders of its first and last word
    ("wei zhang" also gives "zhangwei": Western order puts the surname last)."""
    runs = set()
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            run = words[i:j]
            runs.add("".join(run))
            if len(run) > 1:
                runs.add("".join([run[-1], *run[:-1]]))
    return runs


_MAX_NAME_CHARS = 4  # Chinese names are two to four characters


def _pinyin_runs(text: str) -> set[str]:
    """Toneless pinyin of every run of 2-4 consecutive Chinese characters, every reading."""
    result: set[str] = set()
    for segment in _CJK_RUN.findall(text):
        readings = [
            {r.replace("ü", "v") for r in options}
            for options in pypinyin.pinyin(segment, style=pypinyin.Style.NORMAL, heteronym=True)
        ]
        for i in range(len(readings)):
            for j in range(i + 2, min(len(readings), i + _MAX_NAME_CHARS) + 1):
                spellings = {""}
                for options in readings[i:j]:
                    spellings = {s + o for s in spellings for o in options}
                    if len(spellings) > 64:
                        break
                result |= spellings
    return result


def names_match(reported: str, staff_name: str) -> bool:
    """Does the name of a reported official plausibly refer to this staff member?

    Errs on the side of a match: a false match only hides a case from someone,
    a missed one shows it to the person it is about. Traditional characters
    are folded to simplified ones first. Chinese names match as substrings of
    two or more characters ("张伟" in "检查员 张伟"); names in Latin script
    match as whole consecutive words ("Wang Wu" in "Director Wang Wu"); a
    Chinese name matches its pinyin in either order, with or without tone
    marks, spaces or hyphens (张伟 = "Zhang Wei" = "Wei Zhang" = "zhangwei"),
    trying every reading of characters with several (曾 = ceng or zeng).
    """
    reported, staff_name = simplified(reported), simplified(staff_name)
    a_tokens, b_tokens = tokens(reported), tokens(staff_name)
    if not a_tokens or not b_tokens:
        return False
    a, b = _compact(reported), _compact(staff_name)
    if a == b:
        return True
    if _cjk_match(reported, staff_name, a, b):
        return True
    return _latin_match(reported, staff_name) or _latin_match(staff_name, reported)


def _cjk_match(reported: str, staff_name: str, a: str, b: str) -> bool:
    if not (_CJK.search(a) and _CJK.search(b)):
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) >= 2 and shorter in longer:
        return True
    # A name may carry a title before it ("组长 陈静"): the last part of
    # either side is compared alone too.
    for text, whole, other in ((staff_name, b, a), (reported, a, b)):
        last = _compact(text.split()[-1]) if text.split() else ""
        if len(last) >= 2 and last != whole and last in other:
            return True
    return False


def _latin_match(one: str, other: str) -> bool:
    """``one`` written in Latin letters names the person in ``other`` (either script)."""
    words = _latin_words(one)
    if not words or _CJK.search(one):
        return False
    needle = {"".join(words), "".join([words[-1], *words[:-1]])}
    if _CJK.search(other):
        return bool(needle & _pinyin_runs(other))
    runs = _latin_runs(_latin_words(other))
    # "Li" alone is too common to exclude anyone; "Wang" must not match "Wangari".
    return any(len(n) >= 3 and n in runs for n in needle) and (len(words) > 1 or len(words[0]) >= 3)
