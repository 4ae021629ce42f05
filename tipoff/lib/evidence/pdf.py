"""PDFs: a copy without the document's properties, XMP packets or the photos' own tags.

Cloning the document keeps only what its pages reach, so the properties of earlier
revisions are left behind; the names on comments and highlights are blanked. JPEG and
JPEG 2000 pictures are stored in a PDF as the very files a camera or scanner wrote, tags
and all; their metadata segments are cut out of the bytes (see ``segments``) without
decoding, so the pictures look exactly as before.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .results import RejectedFile, SanitisedFile
from .segments import strip_jp2, strip_jpeg

_ENCRYPTED_PDF = _(
    "Password-protected PDFs cannot be accepted. Please remove the password and send it again."
)
# Annotations a person makes (notes, highlights, drawings, stamps), whose /T entry is
# their name. Not widgets: on a form field /T is the field's name, which the form needs.
_MARKUP_ANNOTATIONS = frozenset({
    "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
    "/Underline", "/Squiggly", "/StrikeOut", "/Caret", "/Stamp", "/Ink", "/FileAttachment",
    "/Sound", "/Redact",
})  # fmt: skip
# The filter that must come last for each picture format, and how to clean its bytes.
_PICTURE_FILTERS: dict[str, Callable[[bytes], bytes]] = {
    "/DCTDecode": strip_jpeg,
    "/DCT": strip_jpeg,
    "/JPXDecode": strip_jp2,
}


def sanitise_pdf(data: bytes) -> SanitisedFile:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise RejectedFile("corrupt", _ENCRYPTED_PDF)
        # Cloning copies only what the document root reaches, so earlier revisions kept
        # by incremental saves (and their metadata) are left behind.
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        for item in writer._objects:  # pypdf has no public walk over every object
            if isinstance(item, DictionaryObject):
                # XMP streams hang off the catalogue, pages and embedded images (a photo's
                # XMP can hold its GPS position); PieceInfo is editors' private data,
                # paths included.
                item.pop("/Metadata", None)
                item.pop("/PieceInfo", None)
                if "/T" in item and _entry(item, "/Subtype") in _MARKUP_ANNOTATIONS:
                    item[NameObject("/T")] = TextStringObject("")
            if isinstance(item, StreamObject):
                _strip_picture(item)
        # Removed streams would otherwise still be written out as unreferenced objects.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except RejectedFile:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input
        raise RejectedFile("corrupt") from exc
    return SanitisedFile(out.getvalue(), "application/pdf", "pdf", "document")


def _strip_picture(stream: StreamObject) -> None:
    """Cut the metadata out of a JPEG or JPEG 2000 stream, in place.

    Other filters hold pixels that the PDF describes itself (Flate, LZW, CCITT, JBIG2),
    with no room for tags. A picture wrapped in further filters (Flate around a JPEG, say)
    is unwrapped, so what is written is the bare cleaned picture under its own filter.
    """
    filters = _entry(stream, "/Filter")
    if isinstance(filters, ArrayObject):
        names = [str(name.get_object()) for name in filters]
    elif filters is not None:
        names = [str(filters)]
    else:
        return
    clean = _PICTURE_FILTERS.get(names[-1]) if names else None
    if clean is None:
        return
    # pypdf undoes every filter but the picture's own, which it hands back unchanged.
    picture = stream.get_data()
    parameters = _entry(stream, "/DecodeParms")
    if isinstance(parameters, ArrayObject):  # one entry per filter; the picture's is last
        parameters = parameters[-1].get_object() if len(parameters) == len(names) else None
    StreamObject.set_data(stream, clean(picture))  # the raw bytes; pypdf's own would encode
    if isinstance(stream, EncodedStreamObject):
        stream.decoded_self = None  # a cache of the bytes as they were
    stream[NameObject("/Filter")] = NameObject(names[-1])
    if isinstance(parameters, DictionaryObject):  # a JPEG's ColorTransform, say
        stream[NameObject("/DecodeParms")] = parameters
    else:
        stream.pop("/DecodeParms", None)


def _entry(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    # get() would hand back an indirect reference; indexing follows it.
    return dictionary[key] if key in dictionary else None  # noqa: SIM401
