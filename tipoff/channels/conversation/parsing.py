"""Reading what a reporter typed: commands in both languages, numbers, dates, receipts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tipoff.lib.digits import number

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
    "report": (
        "report",
        "/report",
        "new report",
        "make a report",
        "举报",
        "我要举报",
        "我想举报",
        "要举报",
        "新举报",
        "我要投诉",
        "我想投诉",
        "投诉",
        "反映问题",
        "我要反映问题",
    ),
    "keep": ("keep", "keep it", "unchanged", "保留", "不变", "不改", "维持"),
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
# Said before or around a request, and meaning nothing by themselves.
_GREETINGS = frozenset(
    {
        *(
            "你好",
            "您好",
            "你们好",
            "在吗",
            "在么",
            "请问",
            "谢谢",
            "麻烦",
            "麻烦了",
            "打扰了",
            "喂",
        ),
        *("早上好", "上午好", "下午好", "晚上好", "老师好", "领导好", "同志你好"),
        *("hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening", "please"),
    }
)
_SEGMENTS = re.compile(r"[,，。.!！?？、;；:：~～…\s]+")
_REPORT_WORDS = re.compile(r"举报|投诉|检举|控告|反映|report|complain")
_STATUS_WORDS = re.compile(r"进度|查询|结果|status|progress")
_STATUS_PREFIXES = ("status", "/status", "query", "查询", "进度", "查询进度")

# What remains of a request once its words are gone; more than this is a story.
_CJK_FILLER = re.compile(r"我要|我想|我需要|想要|需要|怎么|如何|一下|一个|问题|情况|事情|有人|我")
_LATIN_FILLER = frozenset(
    [
        "i",
        "i'd",
        "id",
        "want",
        "wish",
        "would",
        "like",
        "to",
        "how",
        "do",
        "can",
        "make",
        "file",
        "a",
        "an",
        "some",
        "something",
        "about",
        "my",
        "please",
        "me",
        "need",
        "corruption",
        "misconduct",
        "official",
        "officials",
    ]
)


def normalise(text: str) -> str:
    """Fold full-width characters, case and surrounding punctuation."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return folded.strip(" .。!！")


def command_of(text: str) -> str | None:
    return _LOOKUP.get(normalise(text))


def intent_of(text: str) -> str | None:
    """A request said in a short sentence: '你好，我要举报' → report; 'Hi, I want to report' → report.

    Greetings around it are ignored; a longer text that tells what happened is a
    story (see ``is_story``), not a request.
    """
    command = command_of(text)
    if command:
        return command
    segments = [seg for seg in _SEGMENTS.split(normalise(text)) if seg]
    meaningful = [seg for seg in segments if seg not in _GREETINGS]
    if not meaningful:
        return "help" if segments else None
    if len(meaningful) == 1 and meaningful[0] in _LOOKUP:
        return _LOOKUP[meaningful[0]]
    joined = " ".join(meaningful)
    rest = _CJK_FILLER.sub("", _REPORT_WORDS.sub(" ", _STATUS_WORDS.sub(" ", joined)))
    latin = [w for w in re.findall(r"[a-z']+", rest) if w not in _LATIN_FILLER]
    cjk = sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff")
    if cjk > 6 or len(latin) > 2:
        return None  # more is said than a request: a story
    if _REPORT_WORDS.search(joined):
        return "report"
    if _STATUS_WORDS.search(joined):
        return "status"
    return None


_QUESTION = re.compile(
    r"[?？]\s*$|吗|怎么|如何|怎样|什么|是否|能不能|可不可以|^(how|what|where|why|can|could|is|are|do|does)\b",
    re.IGNORECASE,
)


def is_story(text: str) -> bool:
    """Long enough to be an account of what happened (not a greeting, a command or a question)."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    words = re.findall(r"[A-Za-z]+", text)
    if command_of(text) is not None:
        return False
    if len(text) <= 60 and _QUESTION.search(text.strip()):
        return False  # 我想了解一下举报的流程是怎样的？ asks; it does not tell
    return cjk >= 10 or len(words) >= 6 or cjk + len(words) >= 10


def number_of(text: str) -> int | None:
    folded = normalise(text)
    return number(folded, digits=4)


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


_CN_TITLE = re.compile(
    r"(?:常务)?(?:副|代)?(?:局长|处长|科长|股长|主任|书记|部长|厅长|市长|区长|县长|镇长|乡长|"
    r"村长|所长|院长|校长|站长|队长|组长|经理|总经理|董事长|主席|秘书长|行长|庭长|检察长|"
    r"主任科员|科员|调研员|巡视员|委员|支书|会计|出纳|干部|局党组书记|党委书记|总监)$"
)
_CN_ORGANISATIONS = (
    "局",
    "处",
    "科",
    "委",
    "院",
    "所",
    "办",
    "部",
    "厅",
    "校",
    "站",
    "队",
    "司",
    "行",
)
_EN_TITLE = re.compile(
    r"\s+((?:deputy |vice |assistant |acting )?(?:director|director-general|chief|head|mayor|"
    r"manager|officer|secretary|clerk|chairman|chair|governor|inspector|commissioner|"
    r"section chief|party secretary|accountant|principal|president))$",
    re.IGNORECASE,
)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def split_official(text: str) -> tuple[str, str]:
    """'Wang Wu, director' / '王五，局长' / '张明 副局长' / '张明副局长' -> (name, position)."""
    parts = re.split(r"[,，、;；]", text, maxsplit=1)
    if len(parts) > 1:
        return parts[0].strip(), parts[1].strip()
    value = text.strip()
    if _has_cjk(value):
        tokens = value.split()
        if len(tokens) > 1:
            if _CN_TITLE.search(tokens[-1]) and not _CN_TITLE.search(tokens[0]):
                return " ".join(tokens[:-1]), tokens[-1]  # 市交通局 张明 副局长
            return tokens[0], " ".join(tokens[1:])  # 张明 副局长
        title = _CN_TITLE.search(value)
        if title and value[: title.start()].endswith(_CN_ORGANISATIONS):
            return "", value  # 交通局局长: a post, no name
        if title and 1 <= title.start() <= 4:
            return value[: title.start()], value[title.start() :]  # 张明副局长, 王局长
        return value, ""
    english = _EN_TITLE.search(value)
    if english and english.start() > 0:
        return value[: english.start()].strip(), english.group(1)  # Li Si deputy director
    return value, ""
