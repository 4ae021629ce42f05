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


LFW = FACES / "lfw"
# Chosen by their landmarks: photos facing the camera, and photos of the same
# person turned to their own left (yaw signal over 0.2, left eye narrower).
TURNING = {
    "Jiang_Zemin": {
        "enroll": ["0001", "0006", "0007", "0008", "0009"],
        "facing": ["0006", "0010", "0008"],
        "turned": ["0004", "0004"],
    },
    "Spencer_Abraham": {
        "enroll": ["0001", "0004", "0005", "0007", "0008"],
        "facing": ["0005", "0007", "0003"],
        "turned": ["0002", "0002"],
    },
    "Adrien_Brody": {
        "enroll": ["0001", "0003", "0006", "0009", "0010"],
        "facing": ["0003", "0006", "0009"],
        "turned": ["0005", "0008"],
    },
}


def lfw_or_skip() -> Path:
    if not LFW.is_dir():
        pytest.skip(
            f"LFW photos not found at {LFW} (../shared/data/faces/lfw): real-photo tests skipped"
        )
    return LFW


def lfw_photo(person: str, number: str) -> Image.Image:
    return Image.open(lfw_or_skip() / person / f"{person}_{number}.jpg").convert("RGB")


def kiosk_frame(
    photo: Image.Image, *, mirror: bool = False, size: tuple[int, int] = (480, 360)
) -> Image.Image:
    """A camera-sized frame with the (small) LFW face enlarged in the middle."""
    side = size[1]
    face = photo.resize((side, side), Image.Resampling.BICUBIC)
    if mirror:
        face = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    frame = Image.new("RGB", size, (128, 128, 128))
    frame.paste(face, ((size[0] - side) // 2, 0))
    return frame


def enrollment_photos(person: str) -> list[bytes]:
    return [jpeg(kiosk_frame(lfw_photo(person, n))) for n in TURNING[person]["enroll"]]


def camera_photo(person: str, number: str):  # type: ignore[no-untyped-def]
    """An LFW photo framed as the kiosk camera would (480x360, filled), as pixels."""
    from tipoff.attendance.pad.evaluate import camera_frame

    return camera_frame(lfw_or_skip() / person / f"{person}_{number}.jpg")


def rendered_frames(person: str, number: str, kind: str, seed: int = 1) -> list[bytes]:
    """A genuine answer to ``kind`` rendered from one photo (tipoff.attendance.pad.genuine),
    as the kiosk's JPEG frames."""
    import numpy as np

    from tipoff.attendance.engine.mesh import tracker
    from tipoff.attendance.pad import genuine

    photo = camera_photo(person, number)
    face, _crowded = tracker().first(photo)
    assert face is not None, f"no face in {person}_{number}"
    frames = genuine.sequence(photo, face, kind, np.random.default_rng(seed))
    return [jpeg(Image.fromarray(frame), 85) for frame in frames]


def attack_frames(
    attack: str, person: str, number: str, kind: str, seed: int = 1, other: str | None = None
) -> list[bytes]:
    """An attack (tipoff.attendance.pad.attacks) made from one photo, as JPEG frames."""
    import numpy as np

    from tipoff.attendance.engine.mesh import tracker
    from tipoff.attendance.pad import attacks

    photo = camera_photo(person, number)
    face, _crowded = tracker().first(photo)
    assert face is not None
    second = None
    if other is not None:
        turned = camera_photo(person, other)
        turned_face, _crowded = tracker().first(turned)
        assert turned_face is not None
        second = (turned, turned_face)
    frames = attacks.sequence(attack, photo, face, kind, np.random.default_rng(seed), other=second)
    return [jpeg(Image.fromarray(frame), 85) for frame in frames]
