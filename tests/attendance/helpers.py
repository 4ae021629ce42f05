"""Helpers for the attendance tests: where the shared face photos are, JPEG bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "faces"
JOHNS = FACES / "small" / "johns"


def faces_or_skip() -> Path:
    if not JOHNS.is_dir():
        pytest.skip(
            f"face photos not found at {FACES} (../shared/data/faces): real-photo tests skipped"
        )
    return FACES


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
