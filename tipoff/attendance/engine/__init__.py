"""The face engine in use, chosen by the ``ATTENDANCE_ENGINE`` setting (a dotted path).

``engine()`` builds it once per process; the engine itself loads its model
weights lazily, on the first face it is asked about.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from tipoff.attendance.engine.base import Box, Embedding, Face, FaceEngine, Image, Landmarks

__all__ = ["Box", "Embedding", "Face", "FaceEngine", "Image", "Landmarks", "engine"]

DEFAULT_ENGINE = "tipoff.attendance.engine.dlib_engine.DlibEngine"


@cache
def engine() -> FaceEngine:
    path = getattr(settings, "ATTENDANCE_ENGINE", DEFAULT_ENGINE)
    engine_class = import_string(path)
    instance: FaceEngine = engine_class()
    return instance
