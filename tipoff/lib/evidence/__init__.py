"""Evidence uploads: recognise a file by its content and return a copy without metadata.

A reporter's photo, document or recording can name them: GPS coordinates and
camera serials in EXIF, the author and company in a document's properties, the
place and time in a video's tags. ``sanitise`` decides what a file is from its
first bytes (never from its name or declared type), rebuilds it from what it
shows or plays, and refuses everything it cannot rebuild. Nothing here touches
Django beyond marking messages for translation; limits come in as arguments.

One module per kind of file: ``images``, ``pdf``, ``office`` (with ``office_xml`` for
people's names in the XML), ``media`` (ffmpeg), and ``segments`` for cutting metadata out
of picture bytes that are kept undecoded.

What is known to remain, because removing it would change what the evidence says or
shows, or cannot be done without rewriting the document:
- Office: the dates on comments and tracked changes (w:date, dc:date); Word's revision
  session ids (w:rsid), which can link documents edited in the same session; the paths of
  linked files and templates held as external relationship targets; SharePoint fields in
  customXml parts; the author's name Excel types into the text of a legacy comment.
- Office: GIF, WebP, TIFF and HEIC pictures inside documents, embedded objects that are
  not office packages (old OLE objects, other files), and office packages nested more
  than two deep are kept as they are.
- PDF: files attached to the document, JPEG pictures written inline in a page's content
  stream (small by rule, and rare), and the dates on comments are kept as they are.
"""

from __future__ import annotations

from .images import image_format, sanitise_image
from .media import MEDIA_TIMEOUT_SECONDS, media_container, media_tools_available, sanitise_media
from .office import ZIP_EXPANSION_LIMIT, ZIP_MEMBER_LIMIT, sanitise_office
from .pdf import sanitise_pdf
from .results import RejectedFile, SanitisedFile

__all__ = [
    "ACCEPT_ATTRIBUTE",
    "MEDIA_TIMEOUT_SECONDS",
    "ZIP_EXPANSION_LIMIT",
    "ZIP_MEMBER_LIMIT",
    "RejectedFile",
    "SanitisedFile",
    "media_tools_available",
    "sanitise",
]

# Exact image types rather than image/*: iPhones then convert HEIC photos to JPEG.
ACCEPT_ATTRIBUTE = (
    "image/jpeg,image/png,image/gif,image/webp,application/pdf,"
    ".docx,.xlsx,.pptx,.odt,.ods,.odp,audio/*,video/*"
)


def sanitise(data: bytes, *, max_bytes: int, max_pixels: int = 40_000_000) -> SanitisedFile:
    if not data:
        raise RejectedFile("empty")
    if len(data) > max_bytes:
        raise RejectedFile("too_large")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise RejectedFile("legacy_office")
    picture = image_format(data)
    if picture:
        return sanitise_image(data, picture, max_pixels)
    if data.startswith(b"%PDF-"):
        return sanitise_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return sanitise_office(data, max_bytes, max_pixels)
    media = media_container(data)
    if media:
        return sanitise_media(data, *media)
    raise RejectedFile("unsupported_type")
