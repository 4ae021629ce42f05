"""Names of people inside office documents' XML: comment and tracked-change authors.

A document's properties are replaced whole (see ``office``), but Word also writes the
author's name, initials and account on every comment and tracked change, PowerPoint and
Excel keep lists of comment authors, and Excel records the folder the workbook was saved
in (C:\\Users\\<name>\\...). ``scrub_people`` blanks those values and nothing else.

Re-serialising with an XML library is not safe here: Office refuses documents whose
namespace prefixes change (``mc:Ignorable`` names prefixes as plain text). So the part is
first checked with expat, which refuses any DTD (no entities, internal or external) and
anything not well-formed; then, knowing it is well-formed, a small lexer walks its tags and
empties the values in place, leaving every other byte as it was.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from .results import RejectedFile

# Attributes that name a person wherever they appear: w:author on w:ins, w:del, w:comment
# and friends; w:initials; w15:presenceInfo's account (an e-mail address, often).
_PERSON_ATTRIBUTES = frozenset({"author", "initials", "userId", "providerId"})
# Attributes that name a person, or their home folder, on particular elements.
_PERSON_ATTRIBUTES_OF = {
    "cmAuthor": frozenset({"name"}),  # ppt/commentAuthors.xml
    "author": frozenset({"name"}),  # ppt/authors.xml
    "person": frozenset({"displayName"}),  # xl/persons/person.xml
    "absPath": frozenset({"url"}),  # xl/workbook.xml: where it was saved
}
# Elements whose text is a name: Excel's comment author list, OpenDocument's dc:creator
# (on annotations and tracked changes) and an annotation's initials.
_PERSON_ELEMENTS = frozenset({"author", "creator", "creator-initials"})
# Cheap test, so only parts that may name someone are parsed at all.
_TRIGGERS = (b"author", b"initials", b"userId", b"providerId", b"displayName", b"creator",
             b"absPath")  # fmt: skip

_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.DOTALL
)
_TAG_NAME = re.compile(r"</?([^\s/>]+)")
_ATTRIBUTE = re.compile(r"(\s+)([^\s=]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")
_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def scrub_people(xml: bytes) -> bytes:
    """The XML part with people's names emptied; unchanged when it holds none."""
    utf16 = xml.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and not any(trigger in xml for trigger in _TRIGGERS):
        return xml
    _check_well_formed(xml)
    try:
        text, encoding = _decode(xml)
        scrubbed = _scrub(text)
        return xml if scrubbed == text else scrubbed.encode(encoding)
    except (LookupError, UnicodeError) as exc:
        raise RejectedFile("corrupt") from exc


def _check_well_formed(xml: bytes) -> None:
    def refuse(*_: object) -> None:
        raise RejectedFile("corrupt")  # Office never writes a DTD; a DTD here is an attack

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise RejectedFile("corrupt") from exc


def _decode(xml: bytes) -> tuple[str, str]:
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        return xml.decode("utf-16"), "utf-16"
    if xml.startswith(b"\xef\xbb\xbf"):
        return xml.decode("utf-8-sig"), "utf-8-sig"
    declared = _DECLARED_ENCODING.match(xml)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    return xml.decode(encoding), encoding


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _scrub(text: str) -> str:
    pieces: list[str] = []
    inside_name: list[bool] = []  # per open element: is its text someone's name?
    position = 0
    for match in _MARKUP.finditer(text):
        blanking = bool(inside_name) and inside_name[-1]
        if not blanking:
            pieces.append(text[position : match.start()])
        position = match.end()
        markup = match.group(0)
        if markup.startswith(("<!", "<?")):  # comment, CDATA or processing instruction
            if not blanking:
                pieces.append(markup)
            continue
        name_match = _TAG_NAME.match(markup)
        if name_match is None:  # cannot happen in a well-formed part
            raise RejectedFile("corrupt")
        name = _local(name_match.group(1))
        if markup.startswith("</"):
            if inside_name:
                inside_name.pop()
            pieces.append(markup)
            continue
        pieces.append(_scrub_attributes(markup, name))
        if not markup.endswith("/>"):
            inside_name.append(blanking or name in _PERSON_ELEMENTS)
    pieces.append(text[position:])
    return "".join(pieces)


def _scrub_attributes(tag: str, element: str) -> str:
    names = _PERSON_ATTRIBUTES | _PERSON_ATTRIBUTES_OF.get(element, frozenset())

    def blank(match: re.Match[str]) -> str:
        if _local(match.group(2)) not in names:
            return match.group(0)
        quote = match.group(4)[0]
        return f"{match.group(1)}{match.group(2)}{match.group(3)}{quote}{quote}"

    # Well-formed tags are the name then name="value" pairs, so the matches run back to
    # back and can never start inside a value.
    return _ATTRIBUTE.sub(blank, tag)
