"""Photos and pictures: decode the pixels and encode them afresh, leaving every tag behind.

Used for uploaded images and, through ``reencode_embedded``, for pictures inside office
documents. Only the pixels survive: no EXIF (GPS, camera serial), XMP, ICC profile,
comment or text chunk can ride along, because the encoder is handed a brand-new image.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from .results import RejectedFile, SanitisedFile

_IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")
_JPEG_QUALITY = 88


def image_format(data: bytes) -> str | None:
    """Pillow's name for the format the first bytes announce, if it is one we accept."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _IMAGE_SIGNATURES.items() if data.startswith(magic)), None)


def sanitise_image(data: bytes, image_format: str, max_pixels: int) -> SanitisedFile:
    clean = _fresh_pixels(data, image_format, max_pixels, upright=True)
    if image_format == "JPEG":
        return SanitisedFile(_encode(clean, "JPEG"), "image/jpeg", "jpg", "image")
    # PNG keeps transparency without loss; animations keep their first frame.
    return SanitisedFile(_encode(clean, "PNG"), "image/png", "png", "image")


def reencode_embedded(data: bytes, image_format: str, max_pixels: int) -> tuple[bytes, int]:
    """A JPEG or PNG inside a document re-encoded in its own format, and its pixel count.

    The pixels stay as stored; the EXIF orientation is deliberately not applied: Word, PowerPoint and LibreOffice draw a
    picture's stored pixels and keep the rotation a person sees in the document's own
    drawing markup, so turning the pixels here would turn the picture twice. Raises
    RejectedFile (too_large or corrupt) when the pixels cannot be had.
    """
    if image_format not in ("JPEG", "PNG"):
        raise ValueError(image_format)
    clean = _fresh_pixels(data, image_format, max_pixels, upright=False)
    return _encode(clean, image_format), clean.width * clean.height


def _fresh_pixels(data: bytes, image_format: str, max_pixels: int, *, upright: bool) -> Image.Image:
    try:
        # formats= stops Pillow from trying its other, rarely used decoders on the bytes.
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            if image.width * image.height > max_pixels:
                raise RejectedFile("too_large")
            image.load()
            shown: Image.Image = image
            if upright:
                try:
                    shown = ImageOps.exif_transpose(image)
                except Exception:
                    shown = image  # a broken EXIF block should not cost the reporter the photo
            if image_format == "JPEG":
                mode = "RGB"
            else:
                has_alpha = shown.mode in _ALPHA_MODES or "transparency" in shown.info
                mode = "RGBA" if has_alpha else "RGB"
            pixels = shown.convert(mode)
    except RejectedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RejectedFile("too_large") from exc
    except Exception as exc:  # Pillow raises many types on hostile input
        raise RejectedFile("corrupt") from exc
    # A fresh image carries pixels only: no EXIF, XMP, ICC profile, comments or text chunks
    # can ride along into the encoder through .info.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    return clean


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=_JPEG_QUALITY)
    else:
        image.save(out, "PNG")
    return out.getvalue()
