"""tipoff.lib.evidence on PDFs: properties, XMP, earlier revisions and photos' own tags."""

from __future__ import annotations

import io
from typing import Any

import pytest
from evidence_samples import LIMIT, rejected
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from tipoff.lib.evidence import RejectedFile, sanitise


def pdf_with_metadata(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jane Whistle", "/Title": "SecretTitle", "/Creator": "Word"})
    writer.xmp_metadata = b"<x:xmpmeta><dc:creator>XmpAuthor</dc:creator></x:xmpmeta>"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_loses_info_dictionary_and_xmp() -> None:
    original = pdf_with_metadata()
    assert b"Jane Whistle" in original and b"XmpAuthor" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.media_type, result.extension, result.kind) == (
        "application/pdf",
        "pdf",
        "document",
    )
    for trace in (b"Jane", b"SecretTitle", b"XmpAuthor", b"/Author", b"/Metadata"):
        assert trace not in result.content
    reader = PdfReader(io.BytesIO(result.content))
    assert len(reader.pages) == 2
    assert not reader.metadata
    assert reader.xmp_metadata is None


def test_pdf_loses_xmp_of_embedded_images() -> None:
    scan = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(scan, "PDF")  # one page holding one image
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(scan.getvalue())))
    page: Any = writer.pages[0]  # pypdf types nested lookups loosely
    image = next(iter(page["/Resources"]["/XObject"].values())).get_object()
    xmp = StreamObject()
    xmp.set_data(b"<x:xmpmeta><exif:GPSLatitude>31,12.0N</exif:GPSLatitude></x:xmpmeta>")
    image[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    assert b"GPSLatitude" in out.getvalue()

    result = sanitise(out.getvalue(), max_bytes=LIMIT)

    assert b"GPSLatitude" not in result.content
    cleaned: Any = PdfReader(io.BytesIO(result.content)).pages[0]
    assert len(cleaned["/Resources"]["/XObject"]) == 1  # the image itself stays


def test_pdf_loses_metadata_of_earlier_revisions() -> None:
    # An incremental save appends the new info dictionary; the old one stays in the file.
    revised = PdfWriter(io.BytesIO(pdf_with_metadata()), incremental=True)
    revised.add_metadata({"/Author": "Someone Else"})
    out = io.BytesIO()
    revised.write(out)
    assert b"Jane Whistle" in out.getvalue() and b"Someone Else" in out.getvalue()

    result = sanitise(out.getvalue(), max_bytes=LIMIT)

    assert b"Jane" not in result.content and b"Someone Else" not in result.content
    assert len(PdfReader(io.BytesIO(result.content)).pages) == 2


def test_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(RejectedFile) as caught:
        sanitise(out.getvalue(), max_bytes=LIMIT)
    assert caught.value.code == "corrupt"
    assert str(caught.value) == "corrupt"  # the code, never the reporter's content


@pytest.mark.parametrize("data", [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog"])
def test_unparseable_pdf_is_corrupt(data: bytes) -> None:
    assert rejected(data) == "corrupt"
