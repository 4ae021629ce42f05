"""tipoff.lib.evidence: recognising uploads by content and stripping their metadata.

Every sample is made here, with Pillow, pypdf, zipfile and (where installed) ffmpeg,
so each test shows exactly which identifying detail goes in and checks it comes out.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import warnings
import wave
import zipfile
import zlib
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from tipoff.lib.evidence import (
    ACCEPT_ATTRIBUTE,
    RejectedFile,
    SanitisedFile,
    media_tools_available,
    sanitise,
)

MB = 1024 * 1024
LIMIT = 20 * MB
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe not installed (Debian package 'ffmpeg'); media remuxing untested",
)


def rejected(data: bytes, **limits: int) -> str:
    with pytest.raises(RejectedFile) as caught:
        sanitise(data, **{"max_bytes": LIMIT, **limits})
    return caught.value.code


# Images ---------------------------------------------------------------------------------

XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="31,12.0N" dc:creator="Jane Whistle"/></rdf:RDF></x:xmpmeta>'
)


def with_xmp(jpeg: bytes) -> bytes:
    """Insert an XMP APP1 segment right after the JPEG's start-of-image marker."""
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def two_colour_image(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Red on the left half, blue on the right, so a rotation shows where each went."""
    image = Image.new(mode, size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def png_chunk_types(data: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        types.append(data[position + 4 : position + 8])
        position += 12 + length
    return types


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size but holds (almost) no pixels: the shape of a pixel bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_jpeg_loses_exif_gps_xmp_icc_and_comment() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 12.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (121.0, 24.0, 0.0),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = with_xmp(
        encode(two_colour_image(), "JPEG", exif=exif, icc_profile=icc, comment=b"SecretComment")
    )
    with Image.open(io.BytesIO(original)) as before:  # the sample really carries it all
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" in before.info and "xmp" in before.info

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.media_type, result.extension, result.kind) == ("image/jpeg", "jpg", "image")
    with Image.open(io.BytesIO(result.content)) as after:
        assert after.format == "JPEG"
        assert after.size == (40, 20)
        assert not after.getexif()
        assert not after.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "icc_profile", "xmp", "comment"} & after.info.keys()
    for trace in (b"Exif", b"GPS", b"xmp", b"XMP", b"SecretCam", b"SN-123456", b"Secret", b"Jane"):
        assert trace not in result.content


def test_jpeg_orientation_is_applied_before_exif_goes() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # camera held upright: turn 90° clockwise to view
    original = encode(two_colour_image((40, 20)), "JPEG", exif=exif)

    result = sanitise(original, max_bytes=LIMIT)

    with Image.open(io.BytesIO(result.content)) as after:
        assert after.size == (20, 40)
        top, bottom = pixel(after, (10, 5)), pixel(after, (10, 35))
    assert top[0] > 200 and top[2] < 60  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_text_exif_and_icc_chunks_are_dropped_and_alpha_kept() -> None:
    info = PngInfo()
    info.add_text("Author", "Jane Whistle")
    info.add_text("Comment", "SecretCompressed", zip=True)
    info.add_itxt("Description", "SecretInternational")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = two_colour_image(mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    original = encode(image, "PNG", pnginfo=info, exif=exif, icc_profile=icc)
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunk_types(original))

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.media_type, result.extension) == ("image/png", "png")
    assert set(png_chunk_types(result.content)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert b"Jane" not in result.content and b"Secret" not in result.content
    with Image.open(io.BytesIO(result.content)) as after:
        assert after.mode == "RGBA"
        assert pixel(after, (0, 0))[3] == 0
        assert pixel(after, (39, 0)) == (0, 0, 255, 255)


def test_animated_gif_becomes_png_of_its_first_frame() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "lime")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"SecretGif")

    result = sanitise(out.getvalue(), max_bytes=LIMIT)

    assert (result.media_type, result.extension, result.kind) == ("image/png", "png", "image")
    assert b"Secret" not in result.content
    with Image.open(io.BytesIO(result.content)) as after:
        assert pixel(after.convert("RGB"), (4, 4)) == (255, 0, 0)
        assert not getattr(after, "is_animated", False)


def test_webp_with_exif_becomes_plain_png() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    original = encode(two_colour_image(), "WEBP", exif=exif, lossless=True)
    assert b"SecretCam" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert result.media_type == "image/png"
    assert b"SecretCam" not in result.content
    with Image.open(io.BytesIO(result.content)) as after:
        assert after.size == (40, 20)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), id="windows-exe"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(200), id="elf"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', id="svg"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="shell-script"),
        pytest.param(b"II*\x00\x08\x00\x00\x00" + bytes(50), id="tiff"),
        pytest.param(b"RIFF\x10\x00\x00\x00AVI LIST", id="avi"),
    ],
)
def test_other_content_is_refused_whatever_it_is_called(data: bytes) -> None:
    assert rejected(data) == "unsupported_type"


def test_a_plain_zip_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff not really")
    assert rejected(out.getvalue()) == "unsupported_type"


def test_truncated_and_garbage_images_are_corrupt() -> None:
    noise = Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    jpeg = encode(noise, "JPEG", quality=95)
    assert rejected(jpeg[: len(jpeg) // 2]) == "corrupt"
    assert rejected(b"\xff\xd8\xff\xe0" + b"garbage" * 20) == "corrupt"
    assert rejected(b"\x89PNG\r\n\x1a\n" + b"garbage") == "corrupt"
    assert rejected(b"GIF89a") == "corrupt"


def test_images_over_the_pixel_limit_are_too_large() -> None:
    flat = encode(Image.new("L", (2000, 2000)), "PNG")  # a few kilobytes on the wire
    assert len(flat) < 100_000
    assert rejected(flat, max_pixels=1_000_000) == "too_large"
    assert sanitise(flat, max_bytes=LIMIT, max_pixels=4_000_000).kind == "image"


@pytest.mark.parametrize("warning_action", ["error", "ignore"])
@pytest.mark.parametrize("size", [10_000, 100_000], ids=["bomb-warning", "bomb-error"])
def test_decompression_bombs_are_too_large(
    size: int, warning_action: Literal["error", "ignore"]
) -> None:
    # Pillow warns past ~89 megapixels and raises past twice that; either way, and whether
    # warnings are errors (as under pytest) or not, the reporter is told the file is too large.
    with warnings.catch_warnings():
        warnings.simplefilter(warning_action, Image.DecompressionBombWarning)
        assert rejected(png_header_only(size, size)) == "too_large"


# PDF ------------------------------------------------------------------------------------


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


# Office documents -----------------------------------------------------------------------

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Default Extension="jpeg" ContentType="image/jpeg"/>\
<Override PartName="/MAIN" ContentType="application/xml"/>\
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
<Override PartName="/docProps/custom.xml" \
ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>\
</Types>"""
PACKAGE_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/officeDocument" Target="MAIN"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/\
metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/extended-properties" Target="docProps/app.xml"/>\
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/custom-properties" Target="docProps/custom.xml"/>\
<Relationship Target="docProps/thumbnail.jpeg" Id="rId5" Type="http://schemas.\
openxmlformats.org/package/2006/relationships/metadata/thumbnail"/>\
</Relationships>"""
CORE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/\
core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">\
<dc:creator>Jane Whistle</dc:creator><cp:lastModifiedBy>jwhistle</cp:lastModifiedBy>\
</cp:coreProperties>"""
APP = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Company>SecretMinistry</Company><Template>Normal.dotm</Template></Properties>"""
CUSTOM = (
    b"<Properties><property name='Case'><vt:lpwstr>SecretCase</vt:lpwstr></property></Properties>"
)
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


def zipped(members: dict[str, bytes], stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 17, 23, 41, 7))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
        archive.comment = b"SecretZipComment"
    return out.getvalue()


def ooxml(extension: str = "docx", **extra: bytes) -> bytes:
    main = MAIN_PART[extension]
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES.replace(b"MAIN", main.encode()),
            "_rels/.rels": PACKAGE_RELS.replace(b"MAIN", main.encode()),
            main: b"<document>The minister took the money.</document>",
            "docProps/core.xml": CORE,
            "docProps/app.xml": APP,
            "docProps/custom.xml": CUSTOM,
            "docProps/thumbnail.jpeg": b"\xff\xd8\xff SecretThumbnail",
            **extra,
        }
    )


def parse(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)  # noqa: S314 - our own output, parsed in a test


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_ooxml_loses_properties_thumbnail_and_custom_parts(extension: str) -> None:
    result = sanitise(ooxml(extension), max_bytes=LIMIT)

    assert result.extension == extension
    assert result.kind == "document"
    assert result.media_type.startswith("application/vnd.openxmlformats-officedocument.")
    for trace in (b"Jane", b"jwhistle", b"SecretMinistry", b"SecretCase", b"SecretThumbnail"):
        assert trace not in result.content
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        assert archive.testzip() is None
        assert archive.comment == b""
        names = set(archive.namelist())
        assert names == {"[Content_Types].xml", "_rels/.rels", MAIN_PART[extension],
                         "docProps/core.xml", "docProps/app.xml"}  # fmt: skip
        assert (
            archive.read(MAIN_PART[extension])
            == b"<document>The minister took the money.</document>"
        )
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        assert list(parse(archive.read("docProps/core.xml"))) == []
        assert list(parse(archive.read("docProps/app.xml"))) == []
        types = parse(archive.read("[Content_Types].xml"))
        relationships = parse(archive.read("_rels/.rels"))
    overrides = {element.get("PartName") for element in types if element.tag.endswith("Override")}
    assert overrides == {f"/{MAIN_PART[extension]}", "/docProps/core.xml", "/docProps/app.xml"}
    targets = {element.get("Target") for element in relationships}
    assert targets == {MAIN_PART[extension], "docProps/core.xml", "docProps/app.xml"}
    assert targets <= names  # no relationship left pointing at a dropped part


def test_macro_enabled_office_files_are_refused() -> None:
    data = ooxml("docx", **{"word/vbaProject.bin": b"Sub AutoOpen()"})
    assert rejected(data) == "unsupported_type"


def odf(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="MIME"/>
 <manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" \
manifest:media-type="image/png"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>""".replace(b"MIME", mimetype)
    meta = b"""<?xml version="1.0" encoding="UTF-8"?><office:document-meta \
xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>\
<meta:initial-creator>Jane Whistle</meta:initial-creator></office:meta></office:document-meta>"""
    # Deliberately not first in the input: the output must put it first.
    return zipped(
        {
            "content.xml": b"<office:document-content>Evidence</office:document-content>",
            "mimetype": mimetype,
            "meta.xml": meta,
            "Thumbnails/thumbnail.png": b"\x89PNG SecretThumbnail",
            "META-INF/manifest.xml": manifest,
        },
        stored=("mimetype",),
    )


@pytest.mark.parametrize(
    ("kind", "extension"), [("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp")]
)
def test_opendocument_keeps_stored_mimetype_first_and_loses_meta(kind: str, extension: str) -> None:
    mimetype = f"application/vnd.oasis.opendocument.{kind}".encode()

    result = sanitise(odf(mimetype), max_bytes=LIMIT)

    assert (result.extension, result.media_type) == (extension, mimetype.decode())
    assert b"Jane" not in result.content and b"SecretThumbnail" not in result.content
    assert result.content[30:38] == b"mimetype"  # first local header, as ODF readers expect
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == mimetype
        assert "Thumbnails/thumbnail.png" not in archive.namelist()
        assert (
            archive.read("content.xml")
            == b"<office:document-content>Evidence</office:document-content>"
        )
        assert list(parse(archive.read("meta.xml"))[0]) == []
        manifest = parse(archive.read("META-INF/manifest.xml"))
    paths = {entry.get(f"{{{manifest.tag[1:].split('}')[0]}}}full-path") for entry in manifest}
    assert paths == {"/", "content.xml", "meta.xml"}


def test_unknown_opendocument_type_is_refused() -> None:
    assert rejected(odf(b"application/x-something-else")) == "unsupported_type"


def test_legacy_office_is_refused_with_advice() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    assert rejected(ole) == "legacy_office"


def test_zip_bomb_is_too_large() -> None:
    bomb = ooxml("docx", **{"word/media/zeros.bin": bytes(2 * MB)})
    assert len(bomb) < 50_000
    assert rejected(bomb, max_bytes=100_000) == "too_large"
    assert sanitise(bomb, max_bytes=MB).extension == "docx"  # under ten times the limit


def test_zip_with_too_many_members_is_too_large() -> None:
    crowd = ooxml("docx", **{f"word/part{number}.xml": b"" for number in range(5001)})
    assert rejected(crowd) == "too_large"


def test_truncated_zip_is_corrupt() -> None:
    assert rejected(ooxml("docx")[:200]) == "corrupt"


# Audio and video ------------------------------------------------------------------------


@pytest.fixture
def make_media(tmp_path: Path):
    def make(name: str, *arguments: str) -> bytes:
        path = tmp_path / name
        command = ["ffmpeg", "-v", "error", "-nostdin", "-y", *arguments, str(path)]
        subprocess.run(command, check=True, timeout=60)
        return path.read_bytes()

    return make


def probe(data: bytes, directory: Path) -> dict:
    path = directory / "probe-me"
    path.write_bytes(data)
    command = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, check=True, capture_output=True).stdout)


def all_tags(report: dict) -> dict[str, str]:
    tags = dict(report["format"].get("tags", {}))
    for stream in report["streams"]:
        tags.update(stream.get("tags", {}))
    return tags


TAGS = ["-metadata", "title=SecretTitle", "-metadata", "artist=Jane Whistle"]
LOCATION = ["-metadata", "location=+31.2+121.4/", "-metadata", "creation_time=2024-05-17T23:41:07Z"]
SINE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.5"]
PICTURE = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=0.5"]


@needs_ffmpeg
@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("clip.mp4", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION],
         ("video", "mp4", "video/mp4")),
        ("clip.mov", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION, "-f", "mov"],
         ("video", "mov", "video/quicktime")),
        ("clip.3gp", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION, "-f", "3gp"],
         ("video", "3gp", "video/3gpp")),
        ("clip.webm", [*PICTURE, *SINE, "-c:v", "libvpx", "-c:a", "libopus"],
         ("video", "webm", "video/webm")),
        ("memo.m4a", [*SINE, "-c:a", "aac", *LOCATION, "-f", "ipod"],
         ("audio", "m4a", "audio/mp4")),
        ("memo.mp3", [*SINE, "-c:a", "libmp3lame"], ("audio", "mp3", "audio/mpeg")),
        ("memo.ogg", [*SINE, "-c:a", "libvorbis"], ("audio", "ogg", "audio/ogg")),
        ("memo.opus", [*SINE, "-c:a", "libopus", "-f", "ogg"], ("audio", "ogg", "audio/ogg")),
        ("memo.aac", [*SINE, "-c:a", "aac", "-f", "adts", "-write_apetag", "1"],
         ("audio", "aac", "audio/aac")),
        ("memo.webm", [*SINE, "-c:a", "libopus", "-f", "webm"], ("audio", "webm", "audio/webm")),
        ("memo.wav", [*SINE], ("audio", "wav", "audio/wav")),
    ],
)  # fmt: skip
def test_media_is_remuxed_without_metadata(
    make_media, tmp_path: Path, name: str, arguments: list[str], expected: tuple[str, str, str]
) -> None:
    original = make_media(name, *arguments, *TAGS)
    assert b"SecretTitle" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.kind, result.extension, result.media_type) == expected
    after = probe(result.content, tmp_path)
    leaked = {key: value for key, value in all_tags(after).items() if "Secret" in value}
    assert not leaked
    assert not {"title", "artist", "location", "creation_time"} & all_tags(after).keys()
    for trace in (b"Secret", b"Jane", b"+31.2", b"2024-05-17"):
        assert trace not in result.content
    assert float(after["format"]["duration"]) > 0.3  # still plays


@needs_ffmpeg
def test_mp4_is_written_for_fast_start(make_media) -> None:
    original = make_media("clip.mp4", *PICTURE, "-c:v", "mpeg4")
    result = sanitise(original, max_bytes=LIMIT)
    assert result.content.index(b"moov") < result.content.index(b"mdat")


@needs_ffmpeg
def test_mp3_cover_art_is_dropped(make_media, tmp_path: Path) -> None:
    cover = ["-f", "lavfi", "-i", "color=red:size=16x16:duration=1"]
    original = make_media(
        "song.mp3", *SINE, *cover, "-map", "0", "-map", "1", "-c:a", "libmp3lame",
        "-c:v", "png", "-frames:v", "1", "-disposition:v", "attached_pic", *TAGS,
    )  # fmt: skip
    assert any(s["codec_type"] == "video" for s in probe(original, tmp_path)["streams"])

    result = sanitise(original, max_bytes=LIMIT)

    assert result.kind == "audio"
    assert [s["codec_type"] for s in probe(result.content, tmp_path)["streams"]] == ["audio"]
    assert not result.content.startswith(b"ID3")


@needs_ffmpeg
def test_wav_info_chunk_is_dropped(tmp_path: Path) -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(8000))
    info = b"INFO" + b"IART" + struct.pack("<I", 12) + b"Jane Whistle"
    body = out.getvalue()[12:] + b"LIST" + struct.pack("<I", len(info)) + info
    original = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body
    assert b"Jane" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.kind, result.extension) == ("audio", "wav")
    assert b"Jane" not in result.content and b"LIST" not in result.content


@needs_ffmpeg
def test_kind_comes_from_the_brand_without_ffprobe(make_media, tmp_path, monkeypatch) -> None:
    video = make_media("clip.mp4", *PICTURE, "-c:v", "mpeg4")
    audio = make_media("memo.m4a", *SINE, "-c:a", "aac", "-f", "ipod")
    only_ffmpeg = tmp_path / "bin"
    only_ffmpeg.mkdir()
    (only_ffmpeg / "ffmpeg").symlink_to(shutil.which("ffmpeg"))
    monkeypatch.setenv("PATH", str(only_ffmpeg))

    assert sanitise(video, max_bytes=LIMIT).kind == "video"
    assert sanitise(audio, max_bytes=LIMIT).kind == "audio"


@needs_ffmpeg
@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x18ftypisom" + bytes(64),
        b"OggS" + b"garbage" * 10,
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm" + bytes(40),
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 30,
    ],
)
def test_broken_media_is_corrupt_and_leaves_no_temp_files(data, tmp_path, monkeypatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    assert rejected(data) == "corrupt"
    assert list(scratch.iterdir()) == []


@needs_ffmpeg
def test_good_media_leaves_no_temp_files(make_media, tmp_path, monkeypatch) -> None:
    original = make_media("memo.ogg", *SINE, "-c:a", "libvorbis", *TAGS)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    sanitise(original, max_bytes=LIMIT)

    assert list(scratch.iterdir()) == []


def test_media_is_refused_when_ffmpeg_is_missing(tmp_path: Path, monkeypatch) -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(800))
    monkeypatch.setenv("PATH", str(tmp_path))

    assert media_tools_available() is False
    assert rejected(out.getvalue()) == "media_unavailable"


# Limits, interface and robustness -------------------------------------------------------


def test_empty_and_oversized_files_are_refused_before_anything_else() -> None:
    assert rejected(b"") == "empty"
    assert rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), max_bytes=50) == "too_large"


def test_rejections_carry_a_code_and_a_lazy_message() -> None:
    error = RejectedFile("too_large")
    assert error.code == "too_large"
    assert str(error) == "too_large"
    assert error.message is not None


def test_accept_attribute_lists_what_is_accepted() -> None:
    accepted = ACCEPT_ATTRIBUTE.split(",")
    expected = "image/jpeg image/png image/gif image/webp application/pdf audio/* video/*"
    assert set(expected.split()) <= set(accepted)
    assert {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"} <= set(accepted)
    assert ".doc" not in accepted and "image/*" not in accepted


def test_sanitised_file_is_immutable() -> None:
    result = sanitise(encode(two_colour_image(), "PNG"), max_bytes=LIMIT)
    assert isinstance(result, SanitisedFile)
    with pytest.raises(AttributeError):
        result.kind = "document"  # type: ignore[misc]


MAGIC_PREFIXES = [
    b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"%PDF-1.7\n",
    b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00\x00\x00\x18ftypmp42", b"OggS",
    b"RIFF\x00\x00\x00\x00WAVE", b"#!AMR\n", b"ID3", b"\xff\xfb", b"\xff\xf1",
    b"\x1a\x45\xdf\xa3webm",
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.tuples(st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=2048)).map(b"".join),
    )
)
def test_any_bytes_are_sanitised_or_rejected_never_crash(data: bytes) -> None:
    try:
        result = sanitise(data, max_bytes=4096, max_pixels=1_000_000)
    except RejectedFile as error:
        assert error.code in {
            "empty", "too_large", "unsupported_type", "corrupt", "legacy_office",
            "media_unavailable",
        }  # fmt: skip
    else:
        assert result.content
        assert result.kind in {"image", "document", "audio", "video"}
