"""The liveness check: a random head-turn challenge, verified across frames.

With only five landmarks (eye corners and the nose base) there are no eyelid
points, so blinking cannot be measured honestly; a head turn can. The *yaw
signal* is the nose's offset from the midpoint between the eyes, measured
along the eye line and divided by the distance between the eyes. A real head
turning shifts the nose (which stands out of the face) sideways against the
eyes. A flat photo moved, tilted or bent in front of the camera does not:
ratios along a line survive any affine view of a plane, so its signal stays
where it was. Positive values mean the subject turned to their own left.

What this defeats: a printed photo or a still image on a screen, held up,
moved or tilted. What it does not: a video of the person turning the right
way (one guess in two), a 3D mask, or an attacker who controls the kiosk's
browser and sends frames of their choosing. docs/attendance.md says more.
"""

from __future__ import annotations

import itertools
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from tipoff.attendance.engine import Face, Landmarks

TURN_LEFT = "turn_left"
TURN_RIGHT = "turn_right"
KINDS = (TURN_LEFT, TURN_RIGHT)
# Yaw signals measured on LFW: half of all faces lie within +-0.07 of frontal,
# and the frontal detector still finds faces at +-0.5. A deliberate turn moves
# the signal by well over 0.15; a photo tilted in front of a camera, by < 0.03.
TURN_MIN = 0.15
NEUTRAL_MAX = 0.12
MIN_FACE_FRAMES = 4
# Between consecutive frames a face may move, but not jump: a sudden change of
# place or size means a different face (a photo swapped in).
MAX_JUMP = 0.6
MAX_SCALE_CHANGE = 1.5


def random_challenge() -> str:
    return secrets.choice(KINDS)


def prompt(kind: str) -> str:
    if kind == TURN_LEFT:
        return _("Look at the camera, slowly turn your head to your left, then look back.")
    return _("Look at the camera, slowly turn your head to your right, then look back.")


def yaw(landmarks: Landmarks) -> float:
    left_eye, right_eye = landmarks.eye_centres()
    axis = np.subtract(left_eye, right_eye)
    length = float(np.hypot(*axis))
    if length < 1e-6:
        return 0.0
    middle = np.add(left_eye, right_eye) / 2
    return float(np.dot(np.subtract(landmarks.nose, middle), axis / length) / length)


@dataclass(frozen=True)
class Verdict:
    live: bool
    reason: str  # a code for the record: ok, too_few_faces, several_faces, no_turn, wrong_way, jump
    neutral: tuple[int, ...] = ()  # indexes of frames facing the camera, first and last
    peak: int | None = None  # index of the most turned frame


def _jumped(a: Face, b: Face) -> bool:
    width = max(a.box.width, b.box.width, 1)
    ax, ay = (a.box.left + a.box.right) / 2, (a.box.top + a.box.bottom) / 2
    bx, by = (b.box.left + b.box.right) / 2, (b.box.top + b.box.bottom) / 2
    scale = max(a.box.width, 1) / max(b.box.width, 1)
    return (
        math.hypot(ax - bx, ay - by) > MAX_JUMP * width
        or not 1 / MAX_SCALE_CHANGE <= scale <= MAX_SCALE_CHANGE
    )


def verify(kind: str, frames: Sequence[list[Face]]) -> Verdict:
    """Did the faces in these frames (in capture order) do what ``kind`` asked?"""
    if any(len(faces) > 1 for faces in frames):
        return Verdict(False, "several_faces")
    seen = [(index, faces[0]) for index, faces in enumerate(frames) if faces]
    if len(seen) < MIN_FACE_FRAMES:
        return Verdict(False, "too_few_faces")
    for (_i, earlier), (_j, later) in itertools.pairwise(seen):
        if _jumped(earlier, later):
            return Verdict(False, "jump")
    signals = [(index, yaw(face.landmarks)) for index, face in seen]
    baseline = float(np.median([s for _i, s in signals[:2]]))
    sign = 1.0 if kind == TURN_LEFT else -1.0
    moved = [(index, (s - baseline) * sign) for index, s in signals]
    peak_index, peak = max(moved, key=lambda item: item[1])
    if min(m for _i, m in moved) < -TURN_MIN and peak < TURN_MIN:
        return Verdict(False, "wrong_way")
    if peak < TURN_MIN:
        return Verdict(False, "no_turn")
    neutral = [index for index, m in moved if abs(m) < NEUTRAL_MAX]
    if not neutral:
        return Verdict(False, "no_turn")
    picked = tuple(sorted({neutral[0], neutral[-1]}))
    return Verdict(True, "ok", neutral=picked, peak=peak_index)
