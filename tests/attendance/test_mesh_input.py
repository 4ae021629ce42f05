"""The models' inputs: tipoff samples the face and eye regions in one affine step instead of
fdlite's warp, letterbox and resize (a third of a check-in's time). The models were made
for fdlite's (MediaPipe's) input, so the two must agree: on real kiosk frames, for the
rotated face region and for both eyes (the right one mirrored, as the iris model wants),
and the landmarks the models then give must agree to a fraction of a pixel."""

from __future__ import annotations

import numpy as np
import pytest

from tests.attendance.helpers import rendered_frames
from tipoff.attendance import images, liveness
from tipoff.attendance.engine import fdlite_compat
from tipoff.attendance.engine import mesh as mesh_module
from tipoff.attendance.engine.mesh import MeshFace, tracker

pytestmark = pytest.mark.one_leg


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    kind = "blink,turn_left"
    return [images.decode(f) for f in rendered_frames("Spencer_Abraham", "0005", kind, seed=4)]


def _fdlite_input(frame: np.ndarray, roi, size, *, keep_aspect_ratio: bool, flip: bool = False):  # type: ignore[no-untyped-def]
    fdlite_compat.install()
    from fdlite.transform import image_to_tensor

    return image_to_tensor(
        frame,
        roi,
        output_size=size,
        keep_aspect_ratio=keep_aspect_ratio,
        output_range=(0, 1),
        flip_horizontal=flip,
    )


def test_the_face_and_eye_regions_are_sampled_as_fdlite_does(frames: list[np.ndarray]) -> None:
    from fdlite import iris_roi_from_face_landmarks

    follower = tracker()
    track = follower.track(frames)
    checked = 0
    for frame, face in zip(frames[::4], track.faces[::4], strict=True):
        assert face is not None
        picture = mesh_module._picture(frame)
        roi = follower._roi_from_points(face.points, picture.size)
        assert abs(roi.rotation) > 1e-4 or checked  # a rotated region is among them
        ours = mesh_module._crop(picture, roi, (192, 192), keep_aspect_ratio=False)
        theirs = _fdlite_input(frame, roi, (192, 192), keep_aspect_ratio=False)
        assert ours.tensor.shape == theirs.tensor_data.shape
        assert np.abs(ours.tensor - theirs.tensor_data).mean() < 0.01
        marks = mesh_module._LazyLandmarks(face.points, picture.size)
        for eye_roi, right in zip(
            iris_roi_from_face_landmarks(marks, picture.size), (False, True), strict=True
        ):
            ours = mesh_module._crop(picture, eye_roi, (64, 64), keep_aspect_ratio=True, flip=right)
            theirs = _fdlite_input(frame, eye_roi, (64, 64), keep_aspect_ratio=True, flip=right)
            assert np.allclose(ours.padding, theirs.padding)
            assert np.abs(ours.tensor - theirs.tensor_data).mean() < 0.01
        checked += 1
    assert checked >= 5


def test_a_letterboxed_region_keeps_its_aspect_like_fdlite(frames: list[np.ndarray]) -> None:
    from fdlite.types import Rect

    fdlite_compat.install()
    picture = mesh_module._picture(frames[0])
    wide = Rect(0.5, 0.45, 0.3, 0.15, rotation=0.2, normalized=True)
    ours = mesh_module._crop(picture, wide, (64, 64), keep_aspect_ratio=True)
    theirs = _fdlite_input(frames[0], wide, (64, 64), keep_aspect_ratio=True)
    assert ours.padding[1] > 0.2 and np.allclose(ours.padding, theirs.padding, atol=0.01)
    assert np.abs(ours.tensor - theirs.tensor_data).mean() < 0.02


def test_the_landmarks_do_not_move(frames: list[np.ndarray]) -> None:
    """The points the models give from either input agree to well under a pixel."""
    follower = tracker()
    face = follower.track(frames[:1]).faces[0]
    assert face is not None
    picture = mesh_module._picture(frames[0])
    roi = follower._roi_from_points(face.points, picture.size)
    mesh = follower._mesh
    theirs = _fdlite_input(frames[0], roi, (192, 192), keep_aspect_ratio=False)
    mesh.interpreter.set_tensor(mesh.input_index, theirs.tensor_data[np.newaxis])
    mesh.interpreter.invoke()
    raw = mesh.interpreter.get_tensor(mesh.data_index)
    reference = mesh_module._project(
        raw, (192, 192), theirs.original_size, (0, 0, 0, 0), roi, False
    )
    ours = follower._landmarks(picture, roi)
    assert ours is not None
    travel = np.hypot(*(ours[:, :2] - reference[:, :2]).T)
    assert np.median(travel) < 0.25 and travel.max() < 1.5, (np.median(travel), travel.max())
    assert isinstance(MeshFace(ours, face.box), MeshFace)


def test_brightness_at_the_landmarks_is_the_box_average(frames: list[np.ndarray]) -> None:
    face = tracker().track(frames[:1]).faces[0]
    assert face is not None
    grey = np.asarray(mesh_module._picture(frames[0]).convert("L"))
    radius = max(1, round(face.eye_distance / 20))
    xs = np.clip(
        face.points[liveness.STABLE, 0].round().astype(int), radius, grey.shape[1] - radius - 1
    )
    ys = np.clip(
        face.points[liveness.STABLE, 1].round().astype(int), radius, grey.shape[0] - radius - 1
    )
    expected = [
        grey[y - radius : y + radius + 1, x - radius : x + radius + 1].mean()
        for x, y in zip(xs, ys, strict=True)
    ]
    assert np.allclose(liveness.brightness_at(grey, face), expected)
