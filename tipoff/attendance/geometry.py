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
    s = (np.c_[source, np.ones(len(source))] @ ts.T)[:, :2]
    t = (np.c_[target, np.ones(len(target))] @ tt.T)[:, :2]
    zeros, ones = np.zeros(len(s)), np.ones(len(s))
    rows_x = np.c_[
        -s[:, 0],
        -s[:, 1],
        -ones,
        zeros,
        zeros,
        zeros,
        t[:, 0] * s[:, 0],
        t[:, 0] * s[:, 1],
        t[:, 0],
    ]
    rows_y = np.c_[
        zeros,
        zeros,
        zeros,
        -s[:, 0],
        -s[:, 1],
        -ones,
        t[:, 1] * s[:, 0],
        t[:, 1] * s[:, 1],
        t[:, 1],
    ]
    _u, _s, vt = np.linalg.svd(np.r_[rows_x, rows_y], full_matrices=False)
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(tt) @ h @ ts
    return h / (h[2, 2] if abs(h[2, 2]) > 1e-12 else 1.0)


def apply(h: Array, points: Array) -> Array:
    mapped = np.c_[np.asarray(points, float), np.ones(len(points))] @ h.T
    w = mapped[:, 2:3]
    w[np.abs(w) < 1e-12] = 1e-12
    return mapped[:, :2] / w


def residuals(source: Array, target: Array) -> Array:
    """``target`` minus where the best homography puts ``source`` (one 2-d vector per point)."""
    h = fit_homography(source, target)
    return np.asarray(target, float) - apply(h, source)
