"""Genuine (bona fide) sequences rendered from one photo: the face's own 3-D mesh turns, and
its eyelids close, with the photo as texture.

Still photos cannot show a head turning and blinking, so these are made:

1. the 468-point face mesh (x, y and its depth estimate z) is fitted to the photo;
2. for each frame, the mesh points are rotated about a vertical axis (and a
   little about the horizontal one) through the head's centre, projected
   orthographically, shifted and scaled by a small random sway; the upper
   eyelid points are moved onto the lower ones to close the eyes;
3. the photo is warped with a thin-plate spline so each mesh point lands on
   its new place, the frame's edge pinned (the background stays).

Limits, said plainly: the depth is the mesh model's own estimate (the same
model then measures the frames, so the test is kinder than a camera would
be in that respect, and harsher in others: no real parallax of ears and hair,
no self-occlusion, no lighting change); eyes close by stretching the lid's
skin over the eye, not by a real lid; turns are kept within 20-32 degrees,
where a thin-plate warp stays believable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw as PILDraw
from PIL import ImageFilter as PILFilter

from tipoff.attendance import liveness
from tipoff.attendance.engine.mesh import MeshFace
from tipoff.attendance.pad import warp

Image = warp.Image

RIGHT_UPPER = (246, 161, 160, 159, 158, 157, 173)
RIGHT_LOWER = (7, 163, 144, 145, 153, 154, 155)
RIGHT_CREASE = (247, 30, 29, 27, 28, 56, 190)
LEFT_UPPER = (466, 388, 387, 386, 385, 384, 398)
LEFT_LOWER = (249, 390, 373, 374, 380, 381, 382)
LEFT_CREASE = (467, 260, 259, 257, 258, 286, 414)


@dataclass(frozen=True)
class Pose:
    yaw: float = 0.0  # degrees, positive: to the person's own left
    pitch: float = 0.0  # degrees, positive: chin down
    closed: float = 0.0  # 0 open, 1 eyelids shut
    dx: float = 0.0
    dy: float = 0.0
    scale: float = 1.0


def posed_points(points: np.ndarray, pose: Pose) -> np.ndarray:
    """Where the mesh points appear in a frame with ``pose`` (x, y in pixels); the upper
    lids and the skin above them move down as the eyes close."""
    p = points.astype(np.float64).copy()
    if pose.closed:
        for upper, lower, crease in (
            (RIGHT_UPPER, RIGHT_LOWER, RIGHT_CREASE),
            (LEFT_UPPER, LEFT_LOWER, LEFT_CREASE),
        ):
            gap = p[list(lower)] - p[list(upper)]
            p[list(upper)] += pose.closed * 0.8 * gap
            p[list(crease)] += pose.closed * 0.3 * gap
    centre = p.mean(axis=0)
    q = p - centre
    yaw, pitch = math.radians(pose.yaw), math.radians(pose.pitch)
    x = q[:, 0] * math.cos(yaw) - q[:, 2] * math.sin(yaw)
    z = q[:, 0] * math.sin(yaw) + q[:, 2] * math.cos(yaw)
    y = q[:, 1] * math.cos(pitch) - z * math.sin(pitch)
    out = np.c_[x, y] * pose.scale + centre[:2] + (pose.dx, pose.dy)
    return out


RIGHT_RING = (33, *RIGHT_UPPER, 133, *reversed(RIGHT_LOWER))
LEFT_RING = (263, *LEFT_UPPER, 362, *reversed(LEFT_LOWER))


def _close_eyes(frame: Image, open_points: np.ndarray, closed: float, eye_distance: float) -> Image:
    """Cover each eye opening, from the top down, with the lid skin just above it, and draw
    the lash line where the lids meet (``open_points``: the posed, open-eyed mesh)."""
    out = frame.astype(np.float32)
    height, width = frame.shape[:2]
    for ring, _upper, lower in (
        (RIGHT_RING, RIGHT_UPPER, RIGHT_LOWER),
        (LEFT_RING, LEFT_UPPER, LEFT_LOWER),
    ):
        polygon = open_points[list(ring)]
        centre = polygon.mean(axis=0)
        grown = centre + (polygon - centre) * (1.25, 1.6)
        mask_image = PILImage.new("L", (width, height), 0)
        PILDraw.Draw(mask_image).polygon([tuple(p) for p in grown], fill=255)
        mask = np.asarray(mask_image.filter(PILFilter.GaussianBlur(1.2)), dtype=np.float32) / 255
        top = grown[:, 1].min()
        bottom = grown[:, 1].max()
        lid = top + closed * (bottom - top)  # the lid's edge, coming down
        lift = round((bottom - top) * 1.1)
        ys, xs = np.nonzero(mask > 0)
        if not len(ys):
            continue
        covered = ys <= lid
        ys, xs = ys[covered], xs[covered]
        skin = out[np.clip(ys - lift, 0, height - 1), xs]
        alpha = mask[ys, xs][:, None]
        out[ys, xs] = out[ys, xs] * (1 - alpha) + skin * alpha
        if closed > 0.7:
            line = open_points[list(lower)]
            lash = PILImage.new("L", (width, height), 0)
            PILDraw.Draw(lash).line(
                [tuple(p) for p in line], fill=255, width=max(1, round(eye_distance / 28))
            )
            dark = np.asarray(lash.filter(PILFilter.GaussianBlur(0.8)), dtype=np.float32) / 255
            dark *= (closed - 0.7) / 0.3 * 0.6
            out *= 1 - dark[..., None] * 0.7
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def render(image: Image, face: MeshFace, pose: Pose) -> Image:
    height, width = image.shape[:2]
    border = warp.border_points(width, height)
    source = np.r_[face.points[:, :2].astype(np.float64), border]
    target = np.r_[posed_points(face.points, pose), border]
    frame = warp.thin_plate(image, source, target)
    if pose.closed > 0:
        opened = posed_points(face.points, Pose(**{**pose.__dict__, "closed": 0.0}))
        frame = _close_eyes(frame, opened, pose.closed, face.eye_distance)
    return frame


def timeline(kind: str, rng: np.random.Generator) -> list[Pose]:
    """A plausible person doing ``kind``: a late start, a blink of 2-4 frames, a turn of
    20-32 degrees that builds up over 3-5 frames, holds and comes back; a little sway."""
    plan = liveness.Plan.parse(kind)
    yaw = np.zeros(plan.frames)
    closed = np.zeros(plan.frames)
    start = liveness.REFERENCE_FRAMES
    for step in plan.steps:
        length = liveness.STEP_FRAMES[step]
        delay = int(rng.integers(1, 4))
        if step == liveness.BLINK:
            shape = [[0.6, 1.0, 0.5], [1.0, 0.8], [0.5, 1.0, 1.0, 0.4], [0.7, 1.0, 0.9, 0.3]][
                int(rng.integers(0, 4))
            ]
            for k, value in enumerate(shape):
                closed[start + delay + k] = value
        else:
            sign = 1.0 if step == liveness.TURN_LEFT else -1.0
            top = float(rng.uniform(20, 32))
            rise, hold, fall = (
                int(rng.integers(3, 6)),
                int(rng.integers(1, 4)),
                int(rng.integers(3, 5)),
            )
            curve = np.r_[
                np.sin(np.linspace(0, np.pi / 2, rise + 1)[1:]),
                np.ones(hold),
                np.cos(np.linspace(0, np.pi / 2, fall + 1)[1:]),
            ]
            for k, value in enumerate(curve):
                if start + delay + k < plan.frames:
                    yaw[start + delay + k] = sign * top * value
        start += length
    sway = np.cumsum(rng.normal(0, 0.8, size=(plan.frames, 2)), axis=0)
    zoom = 1 + np.cumsum(rng.normal(0, 0.003, size=plan.frames))
    return [
        Pose(
            yaw=float(yaw[i]),
            pitch=float(rng.normal(0, 1.0)),
            closed=float(closed[i]),
            dx=float(sway[i, 0]),
            dy=float(sway[i, 1]),
            scale=float(zoom[i]),
        )
        for i in range(plan.frames)
    ]


def sequence(image: Image, face: MeshFace, kind: str, rng: np.random.Generator) -> list[Image]:
    return [render(image, face, pose) for pose in timeline(kind, rng)]
