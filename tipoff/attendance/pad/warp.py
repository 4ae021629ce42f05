"""Image warps for making evaluation sequences: exact homographies (a flat picture held in
front of the camera) and thin-plate-spline warps through control points (a face
turning, eyelids closing, a bent sheet of paper).

Pure numpy; bilinear sampling; pixels that come from outside the source take
``fill``. Only the evaluation uses these, never a kiosk attempt.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage

Image = npt.NDArray[np.uint8]
Array = npt.NDArray[np.float64]


def sample(image: Image, xs: Array, ys: Array, fill: float = 128.0) -> Image:
    """Bilinear lookup of ``image`` at float coordinates (any shape)."""
    h, w = image.shape[:2]
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    x = np.clip(xs, 0, w - 1.001)
    y = np.clip(ys, 0, h - 1.001)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    src = image.astype(np.float32)
    top = src[y0, x0] * (1 - fx) + src[y0, x0 + 1] * fx
    bottom = src[y0 + 1, x0] * (1 - fx) + src[y0 + 1, x0 + 1] * fx
    out = top * (1 - fy) + bottom * fy
    out[~inside] = fill
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def homography(image: Image, h: Array, fill: float = 128.0) -> Image:
    """``image`` seen through the homography ``h`` (source -> destination pixels)."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    inverse = np.linalg.inv(h)
    den = inverse[2, 0] * xs + inverse[2, 1] * ys + inverse[2, 2]
    sx = (inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]) / den
    sy = (inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]) / den
    return sample(image, sx, sy, fill)


def _squared_distances(a: Array, b: Array) -> Array:
    d = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2 * a @ b.T
    return np.maximum(d, 0.0)


def _kernel(r2: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        values = 0.5 * r2 * np.log(r2)
    return np.nan_to_num(values)


def thin_plate(
    image: Image, source: Array, target: Array, *, step: int = 8, fill: float = 128.0
) -> Image:
    """Warp so that each ``source`` point lands on its ``target`` point, smoothly in between.

    The backward map (target -> source) is a thin-plate spline fitted on the
    control points, evaluated every ``step`` pixels and interpolated between.
    """
    height, width = image.shape[:2]
    source, target = np.asarray(source, float), np.asarray(target, float)
    n = len(target)
    centre, spread = target.mean(axis=0), target.std() or 1.0
    t = (target - centre) / spread
    k = _kernel(_squared_distances(t, t)) + 1e-6 * np.eye(n)
    p = np.c_[np.ones(n), t]
    system = np.zeros((n + 3, n + 3))
    system[:n, :n], system[:n, n:], system[n:, :n] = k, p, p.T
    rhs = np.zeros((n + 3, 2))
    rhs[:n] = source
    coef = np.linalg.solve(system, rhs)
    gy, gx = np.mgrid[0 : height + step : step, 0 : width + step : step].astype(np.float64)
    grid = (np.c_[gx.ravel(), gy.ravel()] - centre) / spread
    u = _kernel(_squared_distances(grid, t))
    mapped = u @ coef[:n] + np.c_[np.ones(len(grid)), grid] @ coef[n:]
    mx, my = mapped[:, 0].reshape(gx.shape), mapped[:, 1].reshape(gx.shape)
    # PIL's mesh transform maps each step x step box of the output from the
    # quadrilateral of the source that the spline gives its corners (in C).
    quads = []
    for row in range(gx.shape[0] - 1):
        for col in range(gx.shape[1] - 1):
            box = (col * step, row * step, (col + 1) * step, (row + 1) * step)
            quad = (
                mx[row, col], my[row, col],
                mx[row + 1, col], my[row + 1, col],
                mx[row + 1, col + 1], my[row + 1, col + 1],
                mx[row, col + 1], my[row, col + 1],
            )  # fmt: skip
            quads.append((box, quad))
    grey = int(fill)
    picture = PILImage.fromarray(image).transform(
        (width, height),
        PILImage.Transform.MESH,
        quads,
        resample=PILImage.Resampling.BILINEAR,
        fillcolor=(grey, grey, grey),
    )
    return np.asarray(picture)


def border_points(width: int, height: int, count: int = 8) -> Array:
    """Points along the frame's edge, to pin the background in place."""
    xs = np.linspace(0, width - 1, count)
    ys = np.linspace(0, height - 1, count)
    return np.array(
        [(x, 0.0) for x in xs]
        + [(x, height - 1.0) for x in xs]
        + [(0.0, y) for y in ys[1:-1]]
        + [(width - 1.0, y) for y in ys[1:-1]]
    )
