"""Office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp): a clean copy of the package.

What goes: document properties (author, company, dates, template), custom properties,
thumbnails (a picture of page one), LibreOffice's settings (printer names), zip comments
and member timestamps, the names of comment and tracked-change authors (``office_xml``),
and the EXIF, GPS and XMP of photos placed in the document: every JPEG and PNG inside is
re-encoded (``images``), or, past the decoding budget or when Pillow cannot read it, has
its metadata cut out of the bytes (``segments``). Workbooks embedded for charts are
packages too, and are cleaned the same way.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .images import image_format, reencode_embedded
from .office_xml import scrub_people
from .results import RejectedFile, SanitisedFile
from .segments import strip_jpeg, strip_png

ZIP_EXPANSION_LIMIT = 10  # times max_bytes, summed over all members
ZIP_MEMBER_LIMIT = 5000
# Pictures decoded per upload, in multiples of the per-picture limit: enough for a report
# full of photos, not for a package of tiny files that each unpack to a huge canvas.
_PIXEL_BUDGET = 4
_NESTING_LIMIT = 2  # a chart's workbook inside a report, and one level more

_MACROS = _(
    "Documents with macros are not accepted. Please save the file as PDF "
    "or as .docx, .xlsx or .pptx and send it again."
)
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OOXML_CORE = _XML_DECLARATION + (
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties"/>'
)
_OOXML_APP = _XML_DECLARATION + (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_ODF_META = _XML_DECLARATION + (
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
    b"<office:meta/></office:document-meta>"
)
# Settings hold the printer's name and setup, and data source paths; none of them is
# needed to show the document, and an empty settings root is valid OpenDocument.
_ODF_SETTINGS = _XML_DECLARATION + (
    b'<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' office:version="1.2"/>'
)
_OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Self-closing elements that point at a part: a relationship, a content-type override, or
# an ODF manifest entry. Pointers to parts we drop must go too, or Office offers "repair".
_PART_REFERENCE = re.compile(
    rb"<(?:Relationship|Override|manifest:file-entry)\b[^>]*?"
    rb'\s(?:Target|PartName|manifest:full-path)="([^"]*)"[^>]*/>'
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # member timestamps tell when and in which time zone


@dataclass(frozen=True)
class _PackageRules:
    # Property parts, swapped for empty ones. OpenDocument matches the file name in any
    # folder, because embedded objects ("Object 1/meta.xml") have their own.
    replacements: dict[str, bytes]
    replace_in_subfolders: bool
    dropped_prefixes: tuple[str, ...]  # custom properties and thumbnails (a picture of page 1)
    reference_lists: tuple[str, ...]  # parts that list other parts

    def replacement(self, name: str) -> bytes | None:
        key = name.rpartition("/")[2] if self.replace_in_subfolders else name
        return self.replacements.get(key)


_OOXML_RULES = _PackageRules(
    {"docProps/core.xml": _OOXML_CORE, "docProps/app.xml": _OOXML_APP},
    False,
    ("docProps/custom.xml", "docProps/thumbnail"),
    ("[Content_Types].xml", "_rels/.rels"),
)
_ODF_RULES = _PackageRules(
    {"meta.xml": _ODF_META, "settings.xml": _ODF_SETTINGS},
    True,
    ("Thumbnails/",),
    ("META-INF/manifest.xml",),
)


@dataclass
class _Budget:
    """Work one upload may cause, shared with the packages nested inside it."""

    expanded_bytes: int
    members: int
    pixels: int
    max_pixels: int  # for any one picture

    def spend(self, *, expanded_bytes: int, members: int) -> None:
        self.expanded_bytes -= expanded_bytes
        self.members -= members
        if self.expanded_bytes < 0 or self.members < 0:
            raise RejectedFile("too_large")


def sanitise_office(data: bytes, max_bytes: int, max_pixels: int) -> SanitisedFile:
    budget = _Budget(
        ZIP_EXPANSION_LIMIT * max_bytes, ZIP_MEMBER_LIMIT, _PIXEL_BUDGET * max_pixels, max_pixels
    )
    extension, media_type, content = _clean_package(data, budget, depth=0)
    return SanitisedFile(content, media_type, extension, "document")


def _clean_package(data: bytes, budget: _Budget, depth: int) -> tuple[str, str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            # Declared sizes can be trusted as an upper bound: zipfile never inflates a
            # member past its declared size, and a lie fails the CRC check.
            budget.spend(
                expanded_bytes=sum(member.file_size for member in members), members=len(members)
            )
            names = list(dict.fromkeys(archive.namelist()))
            extension, media_type, rules = _office_package(archive, names)
            parts = {
                name: archive.read(name)
                for name in names
                if not name.startswith(rules.dropped_prefixes)
            }
    except RejectedFile:
        raise
    except Exception as exc:  # zipfile raises many types on hostile input
        raise RejectedFile("corrupt") from exc

    for name, content in parts.items():
        replacement = rules.replacement(name)
        parts[name] = (
            replacement if replacement is not None else _clean_part(name, content, budget, depth)
        )
    for name in rules.reference_lists:
        if name in parts:
            parts[name] = _drop_references(parts[name], rules.dropped_prefixes)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rebuilt:
        # ODF readers find the type in a stored `mimetype` member at the very start.
        for name in sorted(parts, key=lambda name: name != "mimetype"):
            # A fresh ZipInfo also leaves behind extra fields (owner ids, precise times).
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            rebuilt.writestr(info, parts[name])
    return extension, media_type, out.getvalue()


def _clean_part(name: str, content: bytes, budget: _Budget, depth: int) -> bytes:
    """One member, judged by its content; the name only says which parts are XML."""
    picture = image_format(content)
    if picture in ("JPEG", "PNG"):
        return _clean_picture(content, picture, budget)
    if content.startswith(b"PK\x03\x04") and depth < _NESTING_LIMIT:
        try:
            return _clean_package(content, budget, depth + 1)[2]
        except RejectedFile as exc:
            if exc.code == "too_large":
                raise
            # Not an office package, or one we cannot read: we cannot rebuild it, and
            # dropping it would break the document, so it stays as it is.
            return content
    if name.endswith(".xml"):
        return scrub_people(content)
    return content


def _clean_picture(content: bytes, picture: str, budget: _Budget) -> bytes:
    try:
        clean, pixels = reencode_embedded(
            content, picture, min(budget.max_pixels, max(budget.pixels, 0))
        )
    except RejectedFile:
        # Too large for what is left of the budget, or unreadable to Pillow: cutting the
        # metadata out of the bytes keeps the picture (and the document's pointer to it)
        # without the tags. Dropping the part instead would make Office "repair" the file.
        return strip_jpeg(content) if picture == "JPEG" else strip_png(content)
    budget.pixels -= pixels
    return clean


def _office_package(archive: zipfile.ZipFile, names: list[str]) -> tuple[str, str, _PackageRules]:
    """Extension, media type and cleaning rules, from the members rather than the name."""
    if "mimetype" in names:
        declared = archive.read("mimetype").decode("ascii", "replace").strip()
        if declared not in _ODF_TYPES:
            raise RejectedFile("unsupported_type")
        return _ODF_TYPES[declared], declared, _ODF_RULES
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise RejectedFile("unsupported_type", _MACROS)
        for folder, (extension, media_type) in _OOXML_TYPES.items():
            if any(name.startswith(folder) for name in names):
                return extension, media_type, _OOXML_RULES
    raise RejectedFile("unsupported_type")


def _drop_references(xml: bytes, dropped_prefixes: tuple[str, ...]) -> bytes:
    def keep_unless_dropped(match: re.Match[bytes]) -> bytes:
        target = match.group(1).decode("utf-8", "replace").lstrip("/")
        return b"" if target.startswith(dropped_prefixes) else match.group(0)

    return _PART_REFERENCE.sub(keep_unless_dropped, xml)
