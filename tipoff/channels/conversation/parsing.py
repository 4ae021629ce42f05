"""Reading what a reporter typed: commands in both languages, numbers, dates, receipts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Each command in English and Chinese; compared after normalising (see ``normalise``).
COMMANDS: dict[str, tuple[str, ...]] = {
    "cancel": ("cancel", "stop", "quit", "取消", "退出", "放弃"),
    "skip": ("skip", "unknown", "don't know", "dont know", "-", "跳过", "不知道", "不清楚", "略过"),
    "done": ("done", "next", "finished", "no more", "完成", "好了", "下一步", "没有了"),
    "confirm": ("confirm", "submit", "send", "确认", "提交", "确定"),
    "help": (
        "help",
        "menu",
        "start",
        "/start",
        "/help",
        "?",
        "帮助",
        "菜单",
        "你好",
        "hi",
        "hello",
    ),
    "report": ("report", "/report", "new report", "举报", "我要举报", "新举报"),
    "status": ("status", "/status", "query", "查询", "进度", "查询进度", "我的举报"),
    "teams": (
        "teams",
        "/teams",
        "directory",
        "contacts",
        "监督检查室",
        "名录",
        "联系方式",
        "巡察组",
    ),
    "english": ("english", "en", "/english"),
    "chinese": ("中文", "chinese", "zh", "简体中文", "/chinese"),
}
_LOOKUP = {word: name for name, words in COMMANDS.items() for word in words}
_STATUS_PREFIXES = ("status", "/status", "query", "查询", "进度", "查询进度")
_REPLY_PREFIXES = ("reply", "/reply", "回复", "答复")


def normalise(text: str) -> str:
    """Fold full-width characters, case and surrounding punctuation."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return folded.strip(" .。!！")


def command_of(text: str) -> str | None:
    return _LOOKUP.get(normalise(text))


def number_of(text: str) -> int | None:
    folded = normalise(text)
    return int(folded) if folded.isdigit() and len(folded) <= 4 else None


def detect_language(text: str) -> str | None:
    """zh-hans if the text has Chinese characters, en if it has Latin letters."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh-hans"
    if any("a" <= ch.lower() <= "z" for ch in text):
        return "en"
    return None


def receipt_digits(text: str) -> str:
    """The digits of a receipt typed with spaces or dashes (full-width folded)."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if ch.isascii() and ch.isdigit()
    )


def status_request(text: str) -> str | None:
    """For 'status 1234 5678 …' (either language) the receipt digits; else None."""
    folded = normalise(text)
    for prefix in _STATUS_PREFIXES:
        if folded.startswith(prefix) and len(receipt_digits(folded)) >= 8:
            return receipt_digits(folded)
    return None


def looks_like_receipt(text: str) -> bool:
    folded = normalise(text)
    digits = receipt_digits(folded)
    return len(digits) >= 16 and all(ch.isdigit() or ch in " -" for ch in folded)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
)


def date_of(text: str, *, today: dt.date) -> dt.date | None:
    folded = normalise(text).replace(" ", "")
    if folded in ("today", "今天"):
        return today
    if folded in ("yesterday", "昨天"):
        return today - dt.timedelta(days=1)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(folded)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def split_official(text: str) -> tuple[str, str]:
    """'Wang Wu, director' / '王五，局长' -> (name, position)."""
    parts = re.split(r"[,，、;；]", text, maxsplit=1)
    name = parts[0].strip()
    position = parts[1].strip() if len(parts) > 1 else ""
    return name, position
