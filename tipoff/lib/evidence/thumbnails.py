"""Small pictures of evidence photos for the case page, made in memory.

The photo is already decrypted in memory by the caller; the thumbnail is made
from it and returned as bytes, so neither the photo nor its thumbnail is ever
written to disk. Evidence images were re-encoded at intake, so what is decoded
here is a picture tipoff made itself.
"""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_SIZE = 320
_QUALITY = 80


def thumbnail(data: bytes, *, size: int = THUMBNAIL_SIZE) -> bytes:
    """A JPEG at most ``size`` pixels on its longer side."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
        image.thumbnail((size, size))
        if image.mode in ("RGBA", "LA", "PA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
        else:
            flat = image.convert("RGB")
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=_QUALITY)
    return out.getvalue()
