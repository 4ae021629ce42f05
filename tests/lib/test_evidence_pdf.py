"""tipoff.lib.evidence on PDFs: properties, XMP, earlier revisions and photos' own tags.

A PDF holds a JPEG photo as the very file the camera wrote, EXIF and all; the pictures
here are built by hand (so the filters are known) and by reportlab (as a real tool does).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from evidence_samples import (
    LIMIT,
    PHOTO_TRACES,
    XMP_PACKET,
    encode,
    jpeg_markers,
    rejected,
    tagged_photo,
    two_colour_image,
)
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas

from tipoff.lib.evidence import RejectedFile, sanitise

pytestmark = pytest.mark.one_leg


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


def test_comment_authors_are_blanked_but_form_field_names_kept() -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/T"): TextStringObject("Jane Whistle"),
            NameObject("/Contents"): TextStringObject("Look at line 4"),
        }
    )
    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        NameObject("/T"): TextStringObject("amount_paid"),
    })  # fmt: skip
    writer.pages[0][NameObject("/Annots")] = ArrayObject(
        [writer._add_object(note), writer._add_object(field)]
    )
    out = io.BytesIO()
    writer.write(out)

    result = sanitise(out.getvalue(), max_bytes=LIMIT)

    assert b"Jane" not in result.content
    page: Any = PdfReader(io.BytesIO(result.content)).pages[0]
    cleaned_note, cleaned_field = (annotation.get_object() for annotation in page["/Annots"])
    assert (cleaned_note["/T"], cleaned_note["/Contents"]) == ("", "Look at line 4")
    assert cleaned_field["/T"] == "amount_paid"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog"])
def test_unparseable_pdf_is_corrupt(data: bytes) -> None:
    assert rejected(data) == "corrupt"


# Pictures inside PDFs -------------------------------------------------------------------


def pdf_with_picture(stored: bytes, filters: list[str]) -> bytes:
    """One page drawing one 40x20 picture, its stream bytes and filters exactly as given."""
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    picture = DecodedStreamObject()
    picture.set_data(stored)
    picture.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(40),
        NameObject("/Height"): NumberObject(20),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
        NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): ArrayObject(NameObject(name) for name in filters),
    })  # fmt: skip
    drawing = DecodedStreamObject()
    drawing.set_data(b"q 40 0 0 20 10 10 cm /Im0 Do Q")
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(picture)})
    })  # fmt: skip
    page[NameObject("/Contents")] = writer._add_object(drawing)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def only_picture(pdf: bytes) -> Any:
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]  # pypdf types nested lookups loosely
    (picture,) = page["/Resources"]["/XObject"].values()
    return picture.get_object()


def same_pixels(first: bytes, second: bytes) -> bool:
    with Image.open(io.BytesIO(first)) as one, Image.open(io.BytesIO(second)) as other:
        return one.size == other.size and one.tobytes() == other.tobytes()


@pytest.mark.parametrize(
    ("filters", "wrap"),
    [
        (["/DCTDecode"], lambda jpeg: jpeg),
        (["/FlateDecode", "/DCTDecode"], zlib.compress),
    ],
    ids=["jpeg", "flate-around-jpeg"],
)
def test_jpeg_in_a_pdf_loses_exif_gps_and_xmp_and_keeps_its_pixels(filters, wrap) -> None:
    photo = tagged_photo(progressive=True)
    original = pdf_with_picture(wrap(photo), filters)
    assert b"Exif" in photo

    result = sanitise(original, max_bytes=LIMIT)

    for trace in (*PHOTO_TRACES, b"GPS"):
        assert trace not in result.content
    picture = only_picture(result.content)
    assert picture["/Filter"] == "/DCTDecode"
    jpeg = picture.get_data()
    assert not set(jpeg_markers(jpeg)) & {*range(0xE1, 0xEE), 0xEF, 0xFE}
    assert same_pixels(jpeg, photo)  # not re-encoded: the very same picture


def test_photo_placed_by_reportlab_loses_its_exif(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(tagged_photo())
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(str(path), 10, 10, 40, 20)
    page.save()
    assert b"/ASCII85Decode /DCTDecode" in out.getvalue()  # as reportlab writes photos

    result = sanitise(out.getvalue(), max_bytes=LIMIT)

    jpeg = only_picture(result.content).get_data()
    for trace in (*PHOTO_TRACES, b"GPS"):
        assert trace not in jpeg and trace not in result.content
    assert same_pixels(jpeg, path.read_bytes())


def jp2_box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + kind + payload


def test_jpeg_2000_in_a_pdf_loses_xml_and_uuid_boxes() -> None:
    plain = encode(two_colour_image(), "JPEG2000", irreversible=False)
    geo = b"\xb1\x4b\xf8\xbd\x08\x3d\x4b\x43\xa5\xae\x8c\xd7\xd5\xa6\xce\x03GeoSecret"
    assert plain.startswith(b"\x00\x00\x00\x0cjP  ")  # boxes, not a bare codestream
    tagged = plain + jp2_box(b"xml ", XMP_PACKET) + jp2_box(b"uuid", geo)
    with Image.open(io.BytesIO(tagged)) as readable:
        assert readable.size == (40, 20)

    result = sanitise(pdf_with_picture(tagged, ["/JPXDecode"]), max_bytes=LIMIT)

    for trace in (b"GPSLatitude", b"Jane", b"GeoSecret"):
        assert trace not in result.content
    assert same_pixels(only_picture(result.content).get_data(), plain)


def test_pictures_in_other_filters_are_left_as_they_are() -> None:
    pixels = two_colour_image().tobytes()
    original = pdf_with_picture(zlib.compress(pixels), ["/FlateDecode"])

    result = sanitise(original, max_bytes=LIMIT)

    assert only_picture(result.content).get_data() == pixels
