"""The liveness check: a random head-turn challenge, verified across frames.

With only five landmarks (eye corners and the nose base) there are no eyelid
points, so blinking cannot be measured honestly; a head turn can. The *yaw
signal* is the nose's offset from the midpoint between the eyes, measured
along the eye line and divided by the distance between the eyes; positive
when the subject turned to their own left. A real head turning shifts the
nose (which stands out of the face) sideways against the eyes. A flat photo
turned about its vertical or horizontal axis does not; tilted about a
diagonal it can (a shear), so a second cue is required as well: the *eye
asymmetry*, the log of the ratio of the two eyes' widths (corner to corner).
When a real head turns, the eye moving away is foreshortened more than the
other (on LFW the two cues correlate at -0.75); the four eye corners lie on
one line, and ratios along a line survive every affine view of a flat
picture, so a photo shows no change however it is held.

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
# On LFW a yaw of 0.15-0.3 comes with an eye asymmetry of -0.16 on average
# (frontal faces: 0, spread 0.08 between people; less within one person).
ASYMMETRY_MIN = 0.06
# The kiosk takes the first frames before it shows the challenge: they are the
# reference the turn is measured from (and the frames matched to templates).
BASELINE_FRAMES = 3
MIN_FACE_FRAMES = BASELINE_FRAMES + 1
# Between consecutive frames a face may move, but not jump: a sudden change of
# place or size means a different face (a photo swapped in).
MAX_JUMP = 0.6
COMPARABLE_FACE = 0.7
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


def asymmetry(landmarks: Landmarks) -> float:
    """log(width of the subject's left eye / width of their right eye)."""
    left = math.dist(landmarks.left_eye_outer, landmarks.left_eye_inner)
    right = math.dist(landmarks.right_eye_outer, landmarks.right_eye_inner)
    if left < 1e-6 or right < 1e-6:
        return 0.0
    return math.log(left / right)


@dataclass(frozen=True)
class Verdict:
    live: bool
    reason: str  # ok, too_few_faces, several_faces, no_turn, flat, wrong_way, jump
    neutral: tuple[int, ...] = ()  # indexes of reference frames facing the camera, first and last
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
    """Did the faces in these frames (in capture order, largest face first) do what ``kind`` asked?"""
    # People waiting behind are smaller; two faces of like size mean we cannot tell who checks in.
    for faces in frames:
        if len(faces) > 1 and faces[1].box.width >= COMPARABLE_FACE * faces[0].box.width:
            return Verdict(False, "several_faces")
    seen = [(index, faces[0]) for index, faces in enumerate(frames) if faces]
    if len(seen) < MIN_FACE_FRAMES:
        return Verdict(False, "too_few_faces")
    for (_i, earlier), (_j, later) in itertools.pairwise(seen):
        if _jumped(earlier, later):
            return Verdict(False, "jump")
    signals = [(index, yaw(face.landmarks), asymmetry(face.landmarks)) for index, face in seen]
    reference, after = signals[:BASELINE_FRAMES], signals[BASELINE_FRAMES:]
    base_yaw = float(np.median([y for _i, y, _a in reference]))
    base_asym = float(np.median([a for _i, _y, a in reference]))
    sign = 1.0 if kind == TURN_LEFT else -1.0

    def signed(item: tuple[int, float, float]) -> tuple[int, float, float]:
        # Both cues, signed so that doing what was asked makes them positive.
        index, y, a = item
        return index, (y - base_yaw) * sign, (base_asym - a) * sign

    neutral = [index for index, moved, _a in map(signed, reference) if abs(moved) < NEUTRAL_MAX]
    if not neutral:
        return Verdict(False, "jump")  # the reference frames themselves disagree
    moved = list(map(signed, after))
    peak = max(m for _i, m, _a in moved)
    if peak < TURN_MIN:
        return Verdict(
            False, "wrong_way" if min(m for _i, m, _a in moved) < -TURN_MIN else "no_turn"
        )
    turned = [(index, m) for index, m, a in moved if m >= TURN_MIN and a >= ASYMMETRY_MIN]
    if not turned:
        return Verdict(False, "flat")
    picked = tuple(sorted({neutral[0], neutral[-1]}))
    return Verdict(True, "ok", neutral=picked, peak=max(turned, key=lambda item: item[1])[0])
