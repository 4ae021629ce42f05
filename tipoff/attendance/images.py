"""Turning uploaded or captured image bytes into pixels, and judging face quality.

Images are decoded in memory and never written anywhere: only the embeddings
computed from them are kept.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from tipoff.attendance.engine import Face, Image

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Detection time grows with the pixel count; faces at a kiosk or in a portrait
# are large, so the longest side is brought down to this first.
WORKING_SIDE = 1024
MIN_FACE_PX = 80
# Variance of the Laplacian over the face scaled to 96x96, on 0-255 grey
# levels. Measured on the test photos: sharp faces score 17 and up (median
# 146); a Gaussian blur of 1.5 px brings the median down to 13.
MIN_SHARPNESS = 12.0


class BadImage(ValueError):
    """The bytes are not an image we can use; ``message`` says why, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def decode(data: bytes, *, max_side: int = WORKING_SIDE) -> Image:
    """RGB pixels of a JPEG/PNG/WebP, upright (EXIF orientation applied), downscaled."""
    if not data:
        raise BadImage(_("The image is empty."))
    if len(data) > MAX_BYTES:
        raise BadImage(_("The image is too large (at most 8 MB)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            opened = PILImage.open(io.BytesIO(data))
            if opened.format not in {"JPEG", "PNG", "WEBP"}:
                raise BadImage(_("Use a JPEG, PNG or WebP photo."))
            if opened.width * opened.height > MAX_PIXELS:
                raise BadImage(_("The image has too many pixels."))
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except BadImage:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        PILImage.DecompressionBombError,
        Warning,
    ) as exc:
        raise BadImage(_("This file is not a readable image.")) from exc
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), PILImage.Resampling.BILINEAR)
    return np.asarray(picture, dtype=np.uint8)


def sharpness(image: Image, face: Face) -> float:
    """Variance of a 4-neighbour Laplacian over the face, scaled to 96x96 grey levels.

    Scaling first makes the figure independent of how large the face is.
    """
    box = face.box
    crop = PILImage.fromarray(image).crop((box.left, box.top, box.right, box.bottom)).convert("L")
    grey = np.asarray(crop.resize((96, 96), PILImage.Resampling.BILINEAR), dtype=np.float32)
    lap = grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4 * grey[1:-1, 1:-1]
    return float(lap.var())


@dataclass(frozen=True)
class QualityProblem:
    code: str
    message: str


def check_quality(image: Image, faces: list[Face]) -> QualityProblem | None:
    """Exactly one face, big enough and sharp enough; otherwise why not."""
    if not faces:
        return QualityProblem("no_face", _("No face was found. Face the camera in good light."))
    if len(faces) > 1:
        return QualityProblem(
            "several_faces", _("More than one face is visible. Only one person at a time.")
        )
    face = faces[0]
    if min(face.box.width, face.box.height) < MIN_FACE_PX:
        return QualityProblem("too_small", _("The face is too small. Come closer to the camera."))
    if sharpness(image, face) < MIN_SHARPNESS:
        return QualityProblem("blurred", _("The photo is blurred. Hold still and try again."))
    return None
