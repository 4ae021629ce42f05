"""Fixtures for intake tests: real image files with metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image


def jpeg_with_gps(
    *, size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """A real JPEG carrying EXIF camera data and a GPS position."""
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 7):  # some texture so the bytes are distinctive
        for y in range(0, size[1], 11):
            image.putpixel((x, y), ((x * 3) % 256, (y * 5) % 256, (x + y) % 256))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0110] = "Model-X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 2.5)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 41.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


@pytest.fixture
def gps_jpeg() -> bytes:
    return jpeg_with_gps()
