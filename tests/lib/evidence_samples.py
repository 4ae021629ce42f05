"""Samples for the evidence tests: pictures carrying tags, office packages carrying names.

Every sample is made here, with Pillow and zipfile, so each test shows exactly which
identifying detail goes in and checks it comes out.
"""

from __future__ import annotations

import io
import struct
import zipfile
from xml.etree import ElementTree

import pytest
from PIL import ExifTags, Image

from tipoff.lib.evidence import RejectedFile, sanitise

MB = 1024 * 1024
LIMIT = 20 * MB


def rejected(data: bytes, **limits: int) -> str:
    with pytest.raises(RejectedFile) as caught:
        sanitise(data, **{"max_bytes": LIMIT, **limits})
    return caught.value.code


# Pictures -------------------------------------------------------------------------------


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


def gps_exif() -> Image.Exif:
    """A camera's name and serial, and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 12.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (121.0, 24.0, 0.0),
    }
    return exif


def tagged_photo(**options: object) -> bytes:
    """A JPEG carrying GPS, camera serial, XMP (with a name) and a comment."""
    photo = encode(two_colour_image(), "JPEG", exif=gps_exif(), comment=b"SecretComment", **options)
    return with_xmp(photo)


# What a tagged photo gives away; none of it may be left after cleaning.
PHOTO_TRACES = (b"Exif", b"SecretCam", b"SN-123456", b"SecretComment", b"xap/1.0", b"Jane")


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its first scan."""
    markers, position = [], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return markers


# Office packages ------------------------------------------------------------------------

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


def odf(mimetype: bytes = b"application/vnd.oasis.opendocument.text", **extra: bytes) -> bytes:
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
            **extra,
        },
        stored=("mimetype",),
    )
