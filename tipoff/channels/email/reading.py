"""Reading an e-mail as its writer meant it: the charset Chinese clients mislabel, HTML-only
mail, and the quoted conversation and signature below the answer.

* GBK text labelled ``gb2312`` (Outlook, Foxmail, NetEase and QQ do this) is read
  as GB 18030, its superset: 陈喆 stays 陈喆 instead of turning into 陈矗.
* HTML-only mail is read from its HTML, without quoted blocks.
* Quoted earlier messages are cut with mail-parser-reply (a maintained library
  that knows many clients' reply headers), plus the separators and sign-offs of
  the clients most used in China: iPhone's 发自我的iPhone, Outlook's line of
  underscores and 发件人/发送时间 block, NetEase's 在…写道：, QQ's
  ------------------ 原始邮件 ------------------, and "-- " signatures.
"""

from __future__ import annotations

import codecs
import re
from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser

from mailparser_reply import EmailMessage as ReplyParser

# Labels mail clients put on text in a wider charset than the label names (WHATWG's choice).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "chinese": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
}


def charset_codec(label: str | None) -> str:
    """The codec to read text labelled ``label`` with (gb2312 and gbk → gb18030)."""
    name = (label or "").strip().strip('"').lower()
    codec = _CHARSET_ALIASES.get(name, name) or "utf-8"
    try:
        codecs.lookup(codec)
    except LookupError:
        return "utf-8"
    return codec


def decode_text(data: bytes, label: str | None) -> str:
    codec = charset_codec(label)
    for attempt in (codec, "utf-8", "gb18030"):
        try:
            return data.decode(attempt)
        except UnicodeDecodeError:
            continue
    return data.decode(codec, errors="replace")


def header_text(value: object) -> str:
    """A header with RFC 2047 encoded words (=?gb2312?B?…?=) decoded with the same care."""
    if value is None:
        return ""
    parts = []
    try:
        # A Header holds raw 8-bit text (UTF-8 or GBK sent unencoded) as bytes: decode_header
        # gives those bytes back to be read with care; str() would make them U+FFFD.
        decoded = decode_header(value if isinstance(value, Header) else str(value))
    except HeaderParseError:
        return str(value).strip()  # a broken encoded word (=?GB2312?B?1cXI/?=) stays as it is
    for chunk, label in decoded:
        parts.append(decode_text(chunk, label) if isinstance(chunk, bytes) else chunk)
    return "".join(parts).strip()


def sender_address(message: Message) -> str:
    """The From address, without decoding the display name (a broken one must not matter)."""
    addresses = getaddresses([str(message.get("From") or "")])
    return addresses[0][1].strip().lower() if addresses else ""


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1].endswith(" ") and out[-1] != "-- " and not line.startswith(">"):
            out[-1] = (out[-1][:-1] if delsp else out[-1]) + line
        else:
            out.append(line)
    return "\n".join(out)


def _param(part: Message, name: str) -> str:
    value = part.get_param(name, "")
    return value.lower() if isinstance(value, str) else ""


def bodies(message: Message) -> tuple[str, str]:
    """The first text/plain and text/html parts that are not attachments."""
    plain: str | None = None
    html: str | None = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True)
        text = decode_text(
            payload if isinstance(payload, bytes) else b"", part.get_content_charset()
        )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if kind == "text/plain" and plain is None:
            if _param(part, "format") == "flowed":
                text = _unflow(text, _param(part, "delsp") == "yes")
            plain = text
        elif kind == "text/html" and html is None:
            html = text
    return plain or "", html or ""


# --- HTML to text --------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
_SKIP = {"script", "style", "head", "title"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
# Containers of the quoted conversation in the clients' HTML.
_QUOTE_CLASSES = {"gmail_quote", "yahoo_quoted", "protonmail_quote", "moz-forward-container"}
_QUOTE_IDS = {"isreplycontent", "mail-editor-reference-message-container", "divrplyfwdmsg"}
# Markers after which everything is the quoted conversation (Outlook puts this before it).
_CUT_IDS = {"appendonsend", "x_appendonsend"}
OUTLOOK_RULE = "_" * 32


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0  # depth inside a skipped element
        self.cut = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.cut:
            return
        values = {name: (value or "") for name, value in attrs}
        if values.get("id", "").lower() in _CUT_IDS:
            self.cut = True
            return
        if self.skipping:
            if tag not in _VOID:
                self.skipping += 1
            return
        classes = set(values.get("class", "").lower().split())
        quoted = (
            tag == "blockquote"
            or classes & _QUOTE_CLASSES
            or values.get("id", "").lower() in _QUOTE_IDS
        )
        if (quoted or tag in _SKIP) and tag not in _VOID:
            self.skipping = 1
            return
        if tag == "hr":
            self.out.append(f"\n{OUTLOOK_RULE}\n")
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.cut or tag in _VOID:
            return
        if self.skipping:
            self.skipping -= 1
            return
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping and not self.cut:
            self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the answer without what is quoted below it -------------------------------------------

_QUOTE_HEADERS = [
    # QQ Mail / Foxmail: ------------------ 原始邮件 ------------------ (or "Original")
    re.compile(r"^-{3,}\s*(原始邮件|原始郵件|Original|回复的原邮件|转发的原邮件)\s*-{3,}$", re.I),
    # Outlook: -----Original Message----- / -----原始邮件-----, and its line of underscores
    re.compile(r"^-{3,}\s*(Original Message|原始邮件|邮件原件)\s*-{3,}$", re.I),
    re.compile(r"^_{10,}$"),
    # NetEase, iPhone and Gmail in Chinese: 在 2024-05-06 09:12:33，"…" <…> 写道：
    # (a time or an address in it: a story's own 他在总结中写道： is not a quote header)
    re.compile(r"^(?=.*(\d{1,2}:\d{2}|@|<)).{0,240}(写道|寫道)\s*[:：]$"),
    # English clients: On Mon, 6 May 2024 at 09:12, Name <a@b> wrote:
    re.compile(r"^On\s(?=.*(\d{1,2}:\d{2}|@|<)).{0,240}\swrote:$", re.I),
]
# Looser forms, taken as a quote header only when quoted (">") lines follow.
_ATTRIBUTION = re.compile(r"^(On\s.{0,240}\swrote:|.{0,240}(写道|寫道)\s*[:：])$", re.I)
# Outlook / Foxmail header blocks without a separator: 发件人: … then 发送时间: or 日期:
_FROM_LINE = re.compile(r"^\**\s*(发件人|寄件者|From)\s*\**\s*[:：]", re.I)
_HEADER_LINE = re.compile(
    r"^\**\s*(发送时间|日期|时间|收件人|主题|抄送|Sent|Date|To|Subject|Cc)\s*\**\s*[:：]", re.I
)
# Sign-offs phone and webmail clients add under the answer.
_SENT_FROM = re.compile(
    r"^(发自我的\s?\S+|来自我的\s?\S+|从我的\s?\S+\s?发送|发自\s?(网易邮箱大师|网易邮箱|QQ邮箱|手机QQ邮箱|"
    r"Outlook.*|Windows\s?版邮件|荣耀手机|华为手机|小米手机)|来自\s?(QQ邮箱|网易邮箱大师)|"
    r"获取\s?Outlook.*|Sent from my \S.*|Sent from (Mail|Outlook|Yahoo Mail).*|"
    r"Get Outlook for \S+|Sent with Proton Mail.*)$",
    re.I,
)


def _cut_at_quote(lines: list[str]) -> list[str]:
    for index, raw in enumerate(lines):
        line = raw.strip()
        joined = f"{line} {lines[index + 1].strip()}" if index + 1 < len(lines) else line
        if any(p.match(line) for p in _QUOTE_HEADERS):
            return lines[:index]
        # Gmail wraps a long "On … wrote:" over two lines.
        if (
            line.startswith("On ")
            and not line.endswith("wrote:")
            and _QUOTE_HEADERS[-1].match(joined)
        ):
            return lines[:index]
        following = [x.strip() for x in lines[index + 1 : index + 4]]
        if _FROM_LINE.match(line) and any(_HEADER_LINE.match(x) for x in following):
            return lines[:index]
        after = next((x for x in following if x), "")
        if _ATTRIBUTION.match(line) and after.startswith(">"):
            return lines[:index]
    return lines


def _is_signature(line: str) -> bool:
    return line.rstrip() in ("-- ", "--") or bool(_SENT_FROM.match(line.strip()))


def _cut_signature(lines: list[str]) -> list[str]:
    for index, raw in enumerate(lines):
        if _is_signature(raw):
            return lines[:index]
    return lines


# A sign-off ends a mail: in a first mail (which may carry a forwarded one, with its own
# sign-offs inside) only one with at most this many lines below it is cut.
_SIGN_OFF_TAIL = 3


def _cut_final_signature(lines: list[str]) -> list[str]:
    for index in range(len(lines) - 1, -1, -1):
        if _is_signature(lines[index]):
            below = [x for x in lines[index + 1 :] if x.strip()]
            return lines[:index] if len(below) <= _SIGN_OFF_TAIL else lines
    return lines


def _plain_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("&nbsp;", " ")  # QQ Mail writes the entity into its plain text
    return text.split("\n")


def story_text(text: str) -> str:
    """A first mail's text: all of it but the sign-off at its end. Nothing is cut as a quote:
    a story may quote what an official wrote, and a forwarded mail is the evidence."""
    return "\n".join(_cut_final_signature(_plain_lines(text))).strip()


def reply_text(text: str) -> str:
    """What the writer wrote, without the quoted conversation and signature below it."""
    lines = _cut_signature(_cut_at_quote(_plain_lines(text)))
    kept = "\n".join(line for line in lines if not line.lstrip().startswith(">")).strip()
    if not kept:
        return ""
    # The library knows the reply headers of many more clients and languages.
    parsed = ReplyParser(text=kept, languages=["zh", "en"], keep_hyphen_lists=True).read()
    first = parsed.replies[0].content if parsed.replies else kept
    return first.strip() or kept


def message_text(message: Message, *, reply: bool = True) -> str:
    """What a message says: from its plain text, or from its HTML when it has none. A reply
    loses the conversation quoted below it; a first mail (``reply=False``) keeps everything."""
    plain, html = bodies(message)
    read = reply_text if reply else story_text
    if plain.strip():
        answer = read(plain)
        if answer or not html:
            return answer
    return read(html_text(html)) if html else ""


_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|回复|答复|回覆|转发|轉寄)\s*[:：]\s*)+", re.I)


_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|回复|答复|回覆)\s*[:：]", re.I)


def is_reply(message: Message, subject: str) -> bool:
    """A reply in a thread: its subject is the thread's, not an answer to the question asked."""
    threaded = message.get("In-Reply-To") or message.get("References")
    return bool(threaded) or bool(_REPLY_PREFIX.match(subject))


def subject_text(subject: str, *, ours: str) -> str:
    """A subject without Re:/回复: prefixes; '' when it only answers our own messages."""
    cleaned = _SUBJECT_PREFIX.sub("", subject).strip()
    return "" if cleaned in ("", ours) else cleaned
