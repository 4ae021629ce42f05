"""The head-turn check on face sequences: a turning head passes, a held-up photo does not."""

from __future__ import annotations

import pytest

from tipoff.attendance.engine import Box, Face, Landmarks
from tipoff.attendance.liveness import TURN_LEFT, TURN_RIGHT, asymmetry, verify, yaw


def face(
    signal: float,
    *,
    x: float = 200,
    y: float = 150,
    width: float = 120,
    shear: float = 0.0,
    flat: bool = False,
) -> Face:
    """A face whose nose sits ``signal`` eye-distances off the eye midpoint.

    A real head turning also narrows the eye moving away (by about half the
    signal, as measured on LFW) unless ``flat``. ``shear`` distorts the whole
    pattern as a flat photo tilted about a diagonal looks: every point moves
    by the same affine rule.
    """
    eye = width * 0.35
    narrowing = 0.0 if flat else signal * 0.6
    left_width, right_width = 0.5 * eye * (1 - narrowing), 0.5 * eye * (1 + narrowing)

    def point(px: float, py: float) -> tuple[float, float]:
        return (x + px + shear * py, y + py)

    left_centre, right_centre = 0.65 * eye, -0.65 * eye
    return Face(
        box=Box(int(x - width / 2), int(y - width / 2), int(x + width / 2), int(y + width / 2)),
        landmarks=Landmarks(
            left_eye_outer=point(left_centre + left_width / 2, -20),
            left_eye_inner=point(left_centre - left_width / 2, -20),
            right_eye_outer=point(right_centre - right_width / 2, -20),
            right_eye_inner=point(right_centre + right_width / 2, -20),
            nose=point(signal * 1.3 * eye, 15),
        ),
    )


def test_yaw_sign_follows_the_subjects_own_left():
    assert yaw(face(0.0).landmarks) == pytest.approx(0.0, abs=1e-6)
    assert yaw(face(0.3).landmarks) > 0.25
    assert yaw(face(-0.3).landmarks) < -0.25
    # Turning to one's left narrows the left eye (it moves away from the camera).
    assert asymmetry(face(0.3).landmarks) < -0.1 < 0.1 < asymmetry(face(-0.3).landmarks)


def test_a_head_turning_as_asked_is_live():
    frames = [[face(s)] for s in (0.0, 0.02, 0.01, 0.15, 0.3, 0.35, 0.2, 0.05, 0.0)]
    verdict = verify(TURN_LEFT, frames)
    assert verdict.live and verdict.reason == "ok"
    assert verdict.neutral == (0, 2) and verdict.peak == 5
    mirrored = [[face(-s)] for s in (0.0, 0.02, 0.01, 0.15, 0.3, 0.35, 0.2, 0.05, 0.0)]
    assert verify(TURN_RIGHT, mirrored).live
    # Turning after the reference frames is what counts; staying turned is fine.
    assert verify(TURN_LEFT, [[face(s)] for s in (0.0, 0.0, 0.0, 0.3, 0.3, 0.3, 0.3)]).live


def test_frames_without_a_face_in_the_turn_are_tolerated():
    frames = [[face(0.0)], [face(0.01)], [], [face(0.0)], [face(0.3)], [], [face(0.02)]]
    assert verify(TURN_LEFT, frames).live


def test_a_photo_moved_or_tilted_is_not_live():
    # Moving and scaling a flat face keeps the nose where it was between the eyes.
    photo = [[face(0.02, x=200 + 5 * i, width=120 + 3 * i, flat=True)] for i in range(8)]
    assert verify(TURN_LEFT, photo).reason == "no_turn"
    # Tilted about a diagonal, the nose does shift, but the eyes keep their proportions.
    sheared = [[face(0.0, shear=0.1 * i, flat=True)] for i in (0, 0, 1, 3, 5, 3, 1, 0)]
    verdict = verify(TURN_LEFT, sheared)
    assert not verdict.live and verdict.reason == "flat"


def test_the_other_way_several_faces_too_few_and_jumps_fail():
    turn_right = [[face(-s)] for s in (0.0, 0.0, 0.0, 0.2, 0.35, 0.2, 0.0)]
    assert verify(TURN_LEFT, turn_right).reason == "wrong_way"
    crowd = [[face(0.0)], [face(0.0), face(0.0, x=400)], [face(0.0)], [face(0.3)], [face(0.0)]]
    assert verify(TURN_LEFT, crowd).reason == "several_faces"
    assert (
        verify(TURN_LEFT, [[face(0.0)], [], [face(0.0)], [face(0.3)], []]).reason == "too_few_faces"
    )
    # Turned while the reference was taken, then back: that is the other way round.
    assert verify(TURN_LEFT, [[face(s)] for s in (0.3, 0.3, 0.3, 0.0, 0.0)]).reason == "wrong_way"
    # A face replaced by another one elsewhere in the picture (a swapped photo).
    swapped = [[face(0.0)], [face(0.0)], [face(0.0)], [face(0.3, x=420)], [face(0.3, x=420)]]
    assert verify(TURN_LEFT, swapped).reason == "jump"
