"""tipoff.lib.evidence: recognising uploads by content; photos lose their metadata.

The other kinds of file have their own test modules (test_evidence_pdf, _office,
_office_content, _media); segment walks are tested in test_evidence_segments.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
import zipfile
import zlib
from typing import Literal

import pytest
from evidence_samples import (
    LIMIT,
    encode,
    pixel,
    png_chunk_types,
    rejected,
    tagged_photo,
    two_colour_image,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from tipoff.lib.evidence import ACCEPT_ATTRIBUTE, RejectedFile, SanitisedFile, sanitise

pytestmark = pytest.mark.one_leg

# Images ---------------------------------------------------------------------------------


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
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = tagged_photo(icc_profile=icc)
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
