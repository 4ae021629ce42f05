"""The face engine interface: what the attendance module needs from a model.

Everything outside ``tipoff.attendance.engine`` talks to this Protocol, never
to dlib, so a faster or more accurate model can replace the current one by
implementing these few methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]  # H x W x 3, RGB
Embedding = npt.NDArray[np.float32]  # 1-d, ``FaceEngine.dimensions`` long


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Landmarks:
    """Five points in image coordinates (x, y): both corners of each eye and the nose base.

    Left and right are the subject's: their left eye appears on the image's right.
    """

    left_eye_outer: tuple[float, float]
    left_eye_inner: tuple[float, float]
    right_eye_outer: tuple[float, float]
    right_eye_inner: tuple[float, float]
    nose: tuple[float, float]

    def eye_centres(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """(subject's left eye, subject's right eye) centres."""
        left = (
            (self.left_eye_outer[0] + self.left_eye_inner[0]) / 2,
            (self.left_eye_outer[1] + self.left_eye_inner[1]) / 2,
        )
        right = (
            (self.right_eye_outer[0] + self.right_eye_inner[0]) / 2,
            (self.right_eye_outer[1] + self.right_eye_inner[1]) / 2,
        )
        return left, right


@dataclass(frozen=True)
class Face:
    box: Box
    landmarks: Landmarks


class FaceEngine(Protocol):
    """Detection, 5-point alignment and a fixed-length embedding.

    Embeddings of the same person are close in Euclidean distance; the
    matching threshold is calibrated per engine (``name`` keys it).
    """

    name: str
    dimensions: int
    # Distance to a person's template below which a face is taken to be theirs;
    # calibrated per engine (docs/attendance.md says how), never assumed.
    match_threshold: float

    def faces(self, image: Image, *, upsample: int = 0) -> list[Face]:
        """Every face found, largest first."""
        ...

    def embed(self, image: Image, face: Face) -> Embedding:
        """The embedding of one face found in ``image``."""
        ...
