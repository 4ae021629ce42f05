"""Plane geometry for the liveness checks: homographies fitted to landmarks.

A flat picture (a print, a phone or monitor) seen by a camera moves, however
it is held, as a *homography*: every point of it maps from one frame to the
next by the same 3x3 projective matrix. A head does not: its nose stands
out of the plane of its eyes and mouth, so when it turns, points at different
depths move by different amounts (parallax). Fitting a homography between
two frames over many landmarks and looking at what it cannot explain (the
residuals) tells the two apart.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.floating]


def _normaliser(points: Array) -> Array:
    """Hartley's normalisation: centre on the mean, mean distance sqrt(2)."""
    centre = points.mean(axis=0)
    spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean() or 1.0
    scale = np.sqrt(2) / spread
    return np.array([[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]], [0, 0, 1]])


def fit_homography(source: Array, target: Array) -> Array:
    """The 3x3 matrix H minimising the algebraic error of ``target ~ H source`` (normalised DLT)."""
    source, target = np.asarray(source, float), np.asarray(target, float)
    ts, tt = _normaliser(source), _normaliser(target)
    s = source * ts[0, 0] + ts[:2, 2]
    t = target * tt[0, 0] + tt[:2, 2]
    n = len(s)
    rows = np.zeros((2 * n, 9))
    rows[:n, 0:2], rows[:n, 2] = -s, -1.0
    rows[:n, 6:8], rows[:n, 8] = t[:, :1] * s, t[:, 0]
    rows[n:, 3:5], rows[n:, 5] = -s, -1.0
    rows[n:, 6:8], rows[n:, 8] = t[:, 1:] * s, t[:, 1]
    # The smallest right singular vector, from the 9x9 normal matrix (cheaper than the SVD
    # of the 2n x 9 one, and as accurate after normalisation).
    _values, vectors = np.linalg.eigh(rows.T @ rows)
    h = vectors[:, 0].reshape(3, 3)
    h = np.linalg.inv(tt) @ h @ ts
    return h / (h[2, 2] if abs(h[2, 2]) > 1e-12 else 1.0)


def apply(h: Array, points: Array) -> Array:
    points = np.asarray(points, float)
    mapped = points @ h[:2, :2].T + h[:2, 2]
    w = points @ h[2, :2] + h[2, 2]
    w[np.abs(w) < 1e-12] = 1e-12
    return mapped / w[:, None]


def residuals(source: Array, target: Array) -> Array:
    """``target`` minus where the best homography puts ``source`` (one 2-d vector per point)."""
    h = fit_homography(source, target)
    return np.asarray(target, float) - apply(h, source)
