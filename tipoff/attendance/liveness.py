"""The liveness check: the challenge (``challenge``: a blink and a turn, in a random
order) verified on dense landmarks followed through a burst of frames taken at a
known rate.

``observe`` runs the landmark models over the frames (the face mesh in every
frame, the iris model's lid contours where a blink is looked for); ``verify``
decides from what they saw:

1. **Continuity.** One face, followed from frame to frame, never jumping in
   place, size, turn or appearance: swapping one picture for another shows as
   a jump. The 3-D change (below) must also build up over several frames,
   not arrive all at once as it does when a frontal print is swapped for a
   turned one.
2. **Blink.** The eye opening (lid gap over eye width) must drop well below
   the person's own opening in the reference frames and come back. It is
   measured after mapping each frame onto the reference frame with the
   homography that best fits the rest of the face, so tilting or squeezing a
   picture (which narrows the eyes with everything else) is not a blink.
3. **Turn.** The nose must move across the face, the way asked, by at least
   ``TURN_MIN`` of the half face width.
4. **Not flat.** Between the reference frame and the most turned one, the
   landmarks must *not* move as one plane: the residual of the best
   homography must reach ``PLANAR_MIN`` eye distances. A bent print is not
   flat either, so the residual must also have a face's shape: the nose tip
   must move ahead of the points above and below it (nasion, upper lip) *and*
   of the cheeks beside it. A sheet of paper can be bent about one axis at a
   time (a cylinder), which gives one of the two, never both. The same relief
   is measured on the skin's texture too (``texture``): the mesh is a learned
   model and invents a little depth on a steeply turned flat picture.

``geometry`` and docs/attendance.md explain the reasoning; the thresholds were
set on rendered genuine sequences and generated attacks
(``tipoff.attendance.pad``) with margins on both sides. What this does not
defeat: a video replay of the person doing the right thing, a mask, or
someone who controls the kiosk's browser and sends frames of their choosing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tipoff.attendance import geometry, texture
from tipoff.attendance.challenge import (
    BLINK,
    FPS,
    REFERENCE_FRAMES,
    STEP_FRAMES,
    TURN_LEFT,
    TURN_RIGHT,
    TURNS,
    Plan,
    random_challenge,
    random_challenge_with,
    step_prompt,
)
from tipoff.attendance.engine.mesh import MESH, STABLE, MeshFace

MIN_EYE_DISTANCE = 24.0  # pixels; smaller faces are too far for the mesh to be reliable
# Continuity between consecutive frames (10 a second), in eye distances.
MAX_STEP_MOTION = 0.5  # median landmark travel
MAX_STEP_SCALE = 1.25  # change of face size
MAX_STEP_YAW = 0.6  # change of the turn signal
MIN_STEP_LIKENESS = 0.70  # correlation of the skin's brightness at the landmarks
MAX_STEP_SHARE = 0.80  # most of the 3-D change may not happen between two frames
# Blink: the opening must fall by this share of the person's own and come back.
BLINK_DROP = 0.20
BLINK_BACK = 0.75
# Turn: nose offset from the middle of the face, in half face widths.
TURN_MIN = 0.25
# Not flat: homography residual (RMS, eye distances) and the nose's relief.
PLANAR_MIN = 0.040
RELIEF_MIN = 0.080
# The same relief measured on the skin's texture instead of the landmarks (which a
# learned model places partly from its idea of a face, even on a flat picture).
TEXTURE_RELIEF_MIN = 0.010


# Points that move with the head (not eyelids, lips or brows), used for the
# homographies: everything but the eye rings, the lips and the brows.
@dataclass(frozen=True)
class Verdict:
    live: bool
    # ok, several_faces, too_few_faces, too_far, jump, no_blink, no_turn, wrong_way, flat
    reason: str
    reference: int | None = None  # the frame facing the camera to recognise the person in
    blink: int | None = None  # the frame with the eyes most closed
    peak: int | None = None  # the most turned frame
    measures: dict[str, float] = field(default_factory=dict)
    # every check that failed, in order: jump, no_blink, no_turn or wrong_way, planar
    # (moves as a plane), relief or texture (not shaped like a face), sudden (3-D change at once)
    failures: tuple[str, ...] = ()


def _eye_axis(points: np.ndarray) -> np.ndarray:
    right = (points[MESH.RIGHT_EYE_OUTER, :2] + points[MESH.RIGHT_EYE_INNER, :2]) / 2
    left = (points[MESH.LEFT_EYE_OUTER, :2] + points[MESH.LEFT_EYE_INNER, :2]) / 2
    axis = left - right
    return axis / (np.hypot(*axis) or 1.0)


def turn_signal(points: np.ndarray) -> float:
    """The nose tip's offset from the middle of the face along the eye line, in half face
    widths: positive when the person turned to their own left (the image's right)."""
    axis = _eye_axis(points)
    left, right = points[MESH.LEFT_FACE_EDGE, :2], points[MESH.RIGHT_FACE_EDGE, :2]
    half = float(np.dot(left - right, axis)) / 2
    if half < 1e-6:
        return 0.0
    return float(np.dot(points[MESH.NOSE_TIP, :2] - (left + right) / 2, axis) / half)


def eye_opening(lids: np.ndarray) -> float:
    """Lid gap over eye width, both eyes averaged, from the two 16-point lid contours
    (``MeshTracker.eyelids``: points 0-8 along the lower lid, corner to corner, 9-15
    along the upper): the mean distance of the lid points from the corner line."""
    ratios = []
    for lid in lids:
        axis = lid[8] - lid[0]
        length = float(np.hypot(*axis))
        if length < 1e-6:
            return 0.0
        normal = np.array([-axis[1], axis[0]]) / length
        lower = np.abs((lid[1:8] - lid[0]) @ normal).mean()
        upper = np.abs((lid[9:16] - lid[0]) @ normal).mean()
        ratios.append(float(lower + upper) / length)
    return float(np.mean(ratios))


def _homography(points: np.ndarray, onto: np.ndarray) -> np.ndarray:
    """The homography carrying ``points``' stable landmarks onto ``onto``'s."""
    return geometry.fit_homography(points[STABLE, :2], onto[STABLE, :2])


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / norm) if norm > 1e-9 else 0.0


def _rms(vectors: np.ndarray) -> float:
    return float(np.sqrt((vectors**2).sum(axis=1).mean()))


def relief(reference: np.ndarray, turned: np.ndarray, sign: float) -> tuple[float, float, float]:
    """(RMS homography residual, nose ahead of nasion/lip, nose ahead of cheeks), in eye distances.

    A nearer point moves further the way the head turns; ``sign`` is +1 for
    a turn to the person's left. The homography absorbs everything a plane
    can do, so what remains is parallax, i.e. depth.
    """
    scale = _eye_distance(reference)
    rest = np.zeros((len(reference), 2))
    rest[STABLE] = geometry.residuals(reference[STABLE, :2], turned[STABLE, :2]) / scale
    along = rest @ _eye_axis(turned) * sign
    nose = along[MESH.NOSE_TIP]
    vertical = nose - (along[MESH.NASION] + along[MESH.UPPER_LIP]) / 2
    horizontal = nose - (along[MESH.LEFT_CHEEK] + along[MESH.RIGHT_CHEEK]) / 2
    return _rms(rest[STABLE]), float(vertical), float(horizontal)


def _eye_distance(points: np.ndarray) -> float:
    right = (points[MESH.RIGHT_EYE_OUTER, :2] + points[MESH.RIGHT_EYE_INNER, :2]) / 2
    left = (points[MESH.LEFT_EYE_OUTER, :2] + points[MESH.LEFT_EYE_INNER, :2]) / 2
    return float(np.hypot(*(left - right)))


@dataclass(frozen=True)
class Observed:
    """What the models saw in one frame: the face (None if none was found), the lid
    contours where they were needed, the skin's brightness at the stable landmarks."""

    face: MeshFace | None
    lids: np.ndarray | None = None
    brightness: np.ndarray | None = None
    grey: np.ndarray | None = None  # kept for the reference and the turn's frames


def needs_lids(plan: Plan) -> set[int]:
    """The frames whose eyelids are measured: the reference and the blink's window."""
    frames = set(range(REFERENCE_FRAMES))
    if BLINK in plan.steps:
        frames |= set(plan.window(BLINK))
    return frames


def observe(images: Sequence[np.ndarray], kind: str) -> tuple[list[Observed], bool]:
    """Run the landmark models over a burst: (what each frame showed, several faces seen)."""
    from PIL import Image as PILImage

    from tipoff.attendance.engine.mesh import tracker

    follower = tracker()
    pictures = list(images)
    track = follower.track(pictures)
    plan = Plan.parse(kind)
    lids_wanted = needs_lids(plan)
    turn = next(step for step in plan.steps if step in TURNS)
    grey_wanted = set(range(REFERENCE_FRAMES)) | set(plan.window(turn))
    observed = []
    for index, (picture, face) in enumerate(zip(pictures, track.faces, strict=True)):
        if face is None:
            observed.append(Observed(None))
            continue
        lids = follower.eyelids(picture, face) if index in lids_wanted else None
        grey = np.asarray(PILImage.fromarray(picture).convert("L"))
        observed.append(
            Observed(face, lids, brightness_at(grey, face), grey if index in grey_wanted else None)
        )
    return observed, track.crowded


def verify(kind: str, frames: Sequence[Observed], *, crowded: bool = False) -> Verdict:
    """Did the face followed through these frames do what ``kind`` asked?"""
    plan = Plan.parse(kind)
    if crowded:
        return Verdict(False, "several_faces")
    if len(frames) != plan.frames:
        return Verdict(False, "too_few_faces")
    present = [i for i, frame in enumerate(frames) if frame.face is not None]
    reference_frames = [i for i in present if i < REFERENCE_FRAMES]
    if len(present) < plan.frames - 2 or len(reference_frames) < REFERENCE_FRAMES - 1:
        return Verdict(False, "too_few_faces")
    points = {i: frames[i].face.points for i in present}  # type: ignore[union-attr]
    scale = {i: _eye_distance(points[i]) for i in present}
    if float(np.median(list(scale.values()))) < MIN_EYE_DISTANCE:
        return Verdict(False, "too_far")
    measures: dict[str, float] = {}
    # Every check is measured, even after one has failed, so the evaluation can say
    # which checks each attack would have passed; the first failure is the reason.
    failures: list[str] = []

    # The reference: the person facing the camera before any instruction.
    turns = {i: turn_signal(points[i]) for i in present}
    base_turn = float(np.median([turns[i] for i in reference_frames]))
    reference = min(reference_frames, key=lambda i: abs(turns[i] - base_turn))
    ref = points[reference]

    # 1. Continuity, frame to frame.
    worst_motion = worst_scale = worst_yaw = 0.0
    worst_like = 1.0
    for i, j in itertools.pairwise(present):
        gap = j - i
        travel = np.hypot(*(points[j][STABLE, :2] - points[i][STABLE, :2]).T)
        worst_motion = max(worst_motion, float(np.median(travel)) / scale[i] / gap)
        worst_scale = max(worst_scale, max(scale[i], scale[j]) / min(scale[i], scale[j]))
        worst_yaw = max(worst_yaw, abs(turns[j] - turns[i]) / gap)
        a, b = frames[i].brightness, frames[j].brightness
        if a is not None and b is not None:
            worst_like = min(worst_like, _likeness(a, b))
    measures.update(
        step_motion=worst_motion,
        step_scale=worst_scale,
        step_yaw=worst_yaw,
        step_likeness=worst_like,
    )
    if (
        worst_motion > MAX_STEP_MOTION
        or worst_scale > MAX_STEP_SCALE
        or worst_yaw > MAX_STEP_YAW
        or worst_like < MIN_STEP_LIKENESS
    ):
        failures.append("jump")

    # 2. Blink, measured after taking out what the whole face did.
    def opening(i: int) -> float | None:
        lids = frames[i].lids
        if lids is None:
            return None
        h = _homography(points[i], ref)
        return eye_opening(geometry.apply(h, lids.reshape(-1, 2)).reshape(lids.shape))

    base_open = float(np.median([o for i in reference_frames if (o := opening(i)) is not None]))
    blink = None
    if BLINK in plan.steps:
        window = {
            i: o / base_open
            for i in plan.window(BLINK)
            if i in points and (o := opening(i)) is not None and base_open > 1e-6
        }
        if window:
            blink = min(window, key=window.__getitem__)
            after = [window[i] for i in window if i > blink]
            measures.update(blink_depth=1 - window[blink], blink_back=max(after, default=0.0))
        if not window or not (
            window[blink] <= 1 - BLINK_DROP and max(after, default=0.0) >= BLINK_BACK  # type: ignore[index]
        ):
            failures.append("no_blink")

    # 3. The turn, the way asked.
    turn = next(step for step in plan.steps if step in TURNS)
    sign = 1.0 if turn == TURN_LEFT else -1.0
    moved = {i: (turns[i] - base_turn) * sign for i in plan.window(turn) if i in points}
    peak = max(moved, key=moved.__getitem__)
    measures.update(turn=moved[peak])
    if moved[peak] < TURN_MIN:
        failures.append("wrong_way" if min(moved.values()) < -TURN_MIN else "no_turn")

    # 4. Not flat, and shaped like a face, between the reference and the peak; the
    #    3-D change builds up over frames instead of arriving at once.
    rms, vertical, horizontal = relief(ref, points[peak], sign)
    ref_grey, peak_grey = frames[reference].grey, frames[peak].grey
    skin_vertical = skin_horizontal = 0.0
    if ref_grey is not None and peak_grey is not None:
        skin_vertical, skin_horizontal = texture.relief(
            ref_grey, peak_grey, ref, points[peak], STABLE, sign * _eye_axis(points[peak])
        )
    path = [reference, *[k for k in present if reference < k <= peak]]
    steps = [
        _rms(geometry.residuals(points[i][STABLE, :2], points[j][STABLE, :2]) / scale[i])
        for i, j in itertools.pairwise(path)
    ]
    measures.update(
        planar=rms,
        relief_vertical=vertical,
        relief_horizontal=horizontal,
        skin_vertical=skin_vertical,
        skin_horizontal=skin_horizontal,
        step_share=max(steps, default=0.0) / max(rms, 1e-6),
    )
    if rms < PLANAR_MIN:
        failures.append("planar")
    if min(vertical, horizontal) < RELIEF_MIN:
        failures.append("relief")
    if min(skin_vertical, skin_horizontal) < TEXTURE_RELIEF_MIN:
        failures.append("texture")
    if max(steps, default=0.0) > MAX_STEP_SHARE * rms:
        failures.append("sudden")
    if failures:
        reason = _REASONS.get(failures[0], failures[0])
        return Verdict(False, reason, measures=measures, failures=tuple(failures))
    return Verdict(True, "ok", reference=reference, blink=blink, peak=peak, measures=measures)


# Detailed failures, as the kiosk reports them.
_REASONS = {"planar": "flat", "relief": "flat", "texture": "flat", "sudden": "jump"}


def brightness_at(grey: np.ndarray, face: MeshFace) -> np.ndarray:
    """Grey levels (box-averaged over a few pixels) at the stable landmarks."""
    radius = max(1, round(face.eye_distance / 20))
    xs = np.clip(face.points[STABLE, 0].round().astype(int), radius, grey.shape[1] - radius - 1)
    ys = np.clip(face.points[STABLE, 1].round().astype(int), radius, grey.shape[0] - radius - 1)
    side = 2 * radius + 1
    windows = np.lib.stride_tricks.sliding_window_view(grey, (side, side))
    return windows[ys - radius, xs - radius].mean(axis=(1, 2), dtype=np.float64)


__all__ = [
    "BLINK",
    "FPS",
    "REFERENCE_FRAMES",
    "STABLE",
    "STEP_FRAMES",
    "TURNS",
    "TURN_LEFT",
    "TURN_RIGHT",
    "Observed",
    "Plan",
    "Verdict",
    "brightness_at",
    "eye_opening",
    "observe",
    "random_challenge",
    "random_challenge_with",
    "relief",
    "step_prompt",
    "turn_signal",
    "verify",
]
