"""tipoff.lib.evidence.segments: metadata cut out of picture bytes that stay undecoded."""

from __future__ import annotations

import io
import struct

import pytest
from evidence_samples import PHOTO_TRACES, encode, jpeg_markers, png_chunk_types, tagged_photo
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from tipoff.lib.evidence.segments import strip_jp2, strip_jpeg, strip_png

pytestmark = pytest.mark.one_leg

METADATA_MARKERS = {*range(0xE1, 0xEE), 0xEF, 0xFE}  # APP1..APP13, APP15 and COM


def decoded(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.mode, image.size, image.tobytes()


def test_jpeg_keeps_frame_tables_and_scans_and_nothing_else() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = tagged_photo(icc_profile=icc, progressive=True) + b"appended by the phone: Jane"

    clean = strip_jpeg(photo)

    markers = jpeg_markers(clean)
    assert markers[0] == 0xE0 and not set(markers) & METADATA_MARKERS
    for trace in (*PHOTO_TRACES, b"ICC_PROFILE", b"appended"):
        assert trace not in clean
    assert clean.endswith(b"\xff\xd9")
    assert decoded(clean) == decoded(photo)
    assert strip_jpeg(clean) == clean


def test_adobe_segment_is_kept_so_cmyk_colours_read_the_same() -> None:
    cmyk = encode(Image.new("CMYK", (16, 8), (10, 200, 30, 5)), "JPEG")
    assert 0xEE in jpeg_markers(cmyk)

    clean = strip_jpeg(cmyk)

    assert 0xEE in jpeg_markers(clean)
    assert decoded(clean) == decoded(cmyk)


def test_jfif_thumbnail_is_dropped() -> None:
    plain = encode(Image.new("RGB", (8, 8), "red"), "JPEG")
    thumbnail = b"SecretThumb" + bytes(1)  # 2x2 RGB pixels, 12 bytes
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x02\x02" + thumbnail
    with_thumbnail = b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
    with_thumbnail += plain[plain.index(b"\xff\xdb") :]  # the rest, from the first table on

    clean = strip_jpeg(with_thumbnail)

    assert b"SecretThumb" not in clean
    assert clean[4:6] == struct.pack(">H", 16)  # the JFIF header alone
    assert decoded(clean) == decoded(plain)


def test_not_a_jpeg_gives_nothing() -> None:
    assert strip_jpeg(b"Exif SecretCam") == b""


def test_png_keeps_pixels_and_transparency_only() -> None:
    info = PngInfo()
    info.add_text("Author", "Jane Whistle")
    info.add_itxt("XML:com.adobe.xmp", "SecretXmp")
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    original = encode(palette, "PNG", pnginfo=info, transparency=0)

    clean = strip_png(original)

    assert png_chunk_types(clean) == [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"]
    assert b"Jane" not in clean and b"Secret" not in clean
    assert decoded(clean) == decoded(original)


def test_jp2_without_boxes_is_a_bare_codestream_or_nothing() -> None:
    codestream = b"\xff\x4f\xff\x51" + bytes(40)
    assert strip_jp2(codestream) == codestream
    assert strip_jp2(b"<x:xmpmeta>GPS</x:xmpmeta>") == b""


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"\xff\xd8", b"\xff\xd8\xff\xe1\x00\x10Exif", b"\x89PNG\r\n\x1a\n",
                            b"\x00\x00\x00\x0cjP  \r\n\x87\n"]),
    body=st.binary(max_size=512),
)  # fmt: skip
def test_walks_never_fail_and_a_second_pass_changes_nothing(prefix: bytes, body: bytes) -> None:
    data = prefix + body
    for strip in (strip_jpeg, strip_png, strip_jp2):
        once = strip(data)
        assert strip(once) == once
    assert not set(jpeg_markers(strip_jpeg(data))) & METADATA_MARKERS
