"""Parallax measured on the skin itself: where did a patch of texture go?

The face mesh is a learned model: it places the nose tip partly from what a
nose tip usually looks like, so a flat photo turned in perspective makes it
report a little depth that is not there. Texture cannot do that. Given the
homography that carries the reference frame's face onto the turned frame (as
a flat picture would move), each patch around a landmark is looked for in the
turned frame near where the homography puts it; the offset at which it
matches best (normalised cross-correlation, whole pixels) is its parallax. On
a flat picture every offset is about zero; on a head, the nose tip's offset
runs ahead of its neighbours' the way the head turned.
"""

from __future__ import annotations

import numpy as np

from tipoff.attendance import geometry
from tipoff.attendance.engine.mesh import MESH

PATCH = 0.3  # patch half-size, in eye distances
SEARCH = 0.3  # search half-range, in eye distances


def _bilinear(grey: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    h, w = grey.shape
    x, y = np.clip(xs, 0, w - 1.001), np.clip(ys, 0, h - 1.001)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    return (
        grey[y0, x0] * (1 - fx) * (1 - fy)
        + grey[y0, x0 + 1] * fx * (1 - fy)
        + grey[y0 + 1, x0] * (1 - fx) * fy
        + grey[y0 + 1, x0 + 1] * fx * fy
    )


def _box_sums(image: np.ndarray, size: int) -> np.ndarray:
    """Sums over every size x size window (an integral image)."""
    total = np.pad(image, ((1, 0), (1, 0))).cumsum(axis=0).cumsum(axis=1)
    return total[size:, size:] - total[:-size, size:] - total[size:, :-size] + total[:-size, :-size]


def offset(
    reference: np.ndarray, turned: np.ndarray, h: np.ndarray, point: np.ndarray, eye_distance: float
) -> np.ndarray | None:
    """Where the texture around ``point`` (reference frame) went in ``turned``, relative to
    where the homography ``h`` puts it; None if the search runs off the picture."""
    r = max(4, round(PATCH * eye_distance))
    s = max(3, round(SEARCH * eye_distance))
    predicted = geometry.apply(h, point[None, :])[0]
    oy, ox = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float64)
    cx, cy = round(predicted[0]), round(predicted[1])
    targets = np.c_[(cx + ox).ravel(), (cy + oy).ravel()]
    source = geometry.apply(np.linalg.inv(h), targets)
    template = _bilinear(reference, source[:, 0], source[:, 1]).reshape(ox.shape)
    top, left = cy - r - s, cx - r - s
    size = 2 * (r + s) + 1
    if top < 0 or left < 0 or top + size > turned.shape[0] or left + size > turned.shape[1]:
        return None
    region = turned[top : top + size, left : left + size].astype(np.float64)
    centred = template - template.mean()
    norm = float(np.sqrt((centred**2).sum()))
    if norm < 1e-6:
        return None
    side = 2 * r + 1
    # Correlation of the region with the template at every offset, through the FFT.
    shape = (size + side, size + side)
    spectrum = np.fft.rfft2(region, shape) * np.conj(np.fft.rfft2(centred, shape))
    numerator = np.fft.irfft2(spectrum, shape)[: size - side + 1, : size - side + 1]
    count = side * side
    sums, squares = _box_sums(region, side), _box_sums(region**2, side)
    spread = np.sqrt(np.maximum(squares - sums**2 / count, 1e-9))
    score = numerator / (spread * norm)
    iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)
    return np.array([ix - s + cx - predicted[0], iy - s + cy - predicted[1]])


def relief(
    reference: np.ndarray,
    turned: np.ndarray,
    reference_points: np.ndarray,
    turned_points: np.ndarray,
    stable: np.ndarray,
    direction: np.ndarray,
) -> tuple[float, float]:
    """(nose ahead of nasion and lip, nose ahead of the cheeks) on the texture, in eye
    distances along ``direction`` (the eye line, signed the way the head was asked to turn)."""
    h = geometry.fit_homography(reference_points[stable, :2], turned_points[stable, :2])
    right = (
        reference_points[MESH.RIGHT_EYE_OUTER, :2] + reference_points[MESH.RIGHT_EYE_INNER, :2]
    ) / 2
    left = (
        reference_points[MESH.LEFT_EYE_OUTER, :2] + reference_points[MESH.LEFT_EYE_INNER, :2]
    ) / 2
    eye_distance = float(np.hypot(*(left - right)))
    along = {}
    for index in (MESH.NOSE_TIP, MESH.NASION, MESH.UPPER_LIP, MESH.LEFT_CHEEK, MESH.RIGHT_CHEEK):
        moved = offset(
            reference, turned, h, reference_points[index, :2].astype(np.float64), eye_distance
        )
        if moved is None:
            return 0.0, 0.0
        along[index] = float(moved @ direction) / eye_distance
    nose = along[MESH.NOSE_TIP]
    vertical = nose - (along[MESH.NASION] + along[MESH.UPPER_LIP]) / 2
    horizontal = nose - (along[MESH.LEFT_CHEEK] + along[MESH.RIGHT_CHEEK]) / 2
    return vertical, horizontal
