"""Amounts and counts as people type them: "5万元", "50,000元", "十余人", "两万多", "3.5k".

``number_in`` returns the number a reporter meant (the lower bound of an
estimate such as 十余人 or 两万多), or None when the text holds no single number.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from tipoff.lib.digits import is_number

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3}
_DIGITS |= {"四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7}
_DIGITS |= {"八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_LATIN_UNITS = {"k": 1000, "w": 10_000, "m": 1_000_000}

# Words around a number that do not change it: approximations and what is counted.
_HEDGES: tuple[str, ...] = (
    *("大约", "大概", "约", "估计", "左右", "上下", "以上", "至少", "将近", "近", "超过"),
    *("about", "around", "approximately", "approx.", "approx", "over", "at least"),
    *("more than", "roughly", "some", "~"),
)
_COUNTED = re.compile(
    r"(元人民币|人民币|块钱|元钱|多块|块|元|圆|rmb|yuan|cny|¥|￥"
    r"|个人|人次|多人|人|位|名|个|次|辆|台|桌|瓶|条|张|天|家|户|套|件|箱|斤"
    r"|people|persons|guests|times|cars|bottles|tables|days)$"
)
_PLUS = ("余", "多", "几", "来", "+")


def _clean(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = folded.replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
    for hedge in sorted(_HEDGES, key=len, reverse=True):
        folded = folded.replace(hedge.replace(" ", ""), "")
    return folded.strip("。.!！?？")


def _strip_counted(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _COUNTED.sub("", text)
    return text


def _chinese_below_10000(text: str) -> int | None:
    """一千二百三十 → 1230; 十二 → 12; 三千五 → 3500 (a trailing digit counts one unit lower)."""
    total, digit, last_unit = 0, None, 1
    for ch in text:
        if ch in ("零", "〇"):
            digit, last_unit = None, 10  # 一百零五: the next digit counts ones
        elif ch in _DIGITS:
            if digit is not None:
                return None  # two digits in a row ("三五") is not one number
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        total += digit * (last_unit // 10 if last_unit > 1 else 1)
    return total


def _mixed(text: str) -> Decimal | None:
    """Arabic or Chinese numerals with 万 / 亿 groups: 5万, 3.5万, 两万三千, 1亿2000万."""
    if not text:
        return None
    total = Decimal(0)
    rest = text
    for unit_char, unit in sorted(_BIG_UNITS.items(), key=lambda item: -item[1]):
        if unit_char in rest:
            head, _sep, rest = rest.partition(unit_char)
            value = _simple(head) if head else Decimal(1)
            if value is None:
                return None
            total += value * unit
            if (rest and rest in _DIGITS) or is_number(rest, digits=1):
                # 一万五 = 15,000: a lone trailing digit counts one unit lower.
                rest_value = _DIGITS.get(rest, None)
                total += Decimal(rest_value if rest_value is not None else int(rest)) * unit / 10
                rest = ""
    if rest:
        value = _simple(rest)
        if value is None:
            return None
        total += value
    return total


def _simple(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if text and text[-1] in _LATIN_UNITS:
        try:
            return Decimal(text[:-1]) * _LATIN_UNITS[text[-1]]
        except InvalidOperation:
            return None
    if text and all(ch in _DIGITS or ch in _SMALL_UNITS for ch in text):
        value = _chinese_below_10000(text)
        return Decimal(value) if value is not None else None
    if text and text[0].isdigit() and text[-1] in _SMALL_UNITS:
        # 3千, 5百
        try:
            return Decimal(text[:-1]) * _SMALL_UNITS[text[-1]]
        except InvalidOperation:
            return None
    return None


_RANGE = re.compile(r"^(.+?)(?:-|~|到|至|—|–)(.+)$")
_ADJACENT = re.compile(r"([一二两三四五六七八九])[二两三四五六七八九]")


# Nobody counts people or yuan in more than fifteen digits; past that it is not an answer.
_TOO_LARGE = Decimal(10) ** 15


def number_in(text: str) -> Decimal | None:
    """The number in an answer such as "5万元", "50000元", "十余人", or None.

    An estimate counts as its lower bound: 十余人 → 10, 5-6人 → 5, 八九十人 → 80.
    """
    folded = _strip_counted(_clean(text))
    ranged = _RANGE.match(folded)
    if ranged and not folded.startswith("-"):
        low, high = _strip_counted(ranged[1]), _strip_counted(ranged[2])
        units = "".join(_BIG_UNITS) + "".join(_SMALL_UNITS) + "".join(_LATIN_UNITS)
        suffix = high[len(high.rstrip(units)) :]
        folded = low if any(ch in units for ch in low[1:]) else low + suffix  # 10到20万
    folded = _ADJACENT.sub(r"\1", folded)  # 五六人 → 五人, 八九十 → 八十
    while folded and folded[-1] in _PLUS:
        folded = _strip_counted(folded[:-1])
    # "十余" / "二十多" / "两万多" also put the hedge between the number and its unit.
    for plus in _PLUS:
        folded = folded.replace(plus, "") if plus in folded[1:] else folded
    if folded.startswith("¥") or folded.startswith("￥"):
        folded = folded[1:]
    try:
        value = _mixed(folded)
    except (ArithmeticError, ValueError):  # 1e999999999, NaN and the like
        return None
    if value is None or not value.is_finite() or value < 0 or value >= _TOO_LARGE:
        return None
    return value


def number_text(value: Decimal) -> str:
    """How a number is stored: 50000, 3.5 (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
