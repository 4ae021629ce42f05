"""What attendance keeps sealed under ``ATTENDANCE_KEY`` (never in the database): face
templates and review snapshots, through the vault (``tipoff.lib.vault``).

Each ciphertext is bound to what it belongs to (a label with the employee and
site, or the attempt), so blobs cannot be swapped between rows.
"""

from __future__ import annotations

import numpy as np

from tipoff.lib.vault import KeptKey

ATTENDANCE_KEY = KeptKey("ATTENDANCE_KEY", "attendance")


def seal_vectors(vectors: np.ndarray, *, label: str) -> bytes:
    data = np.ascontiguousarray(vectors, dtype="<f4")
    header = np.array(data.shape if data.ndim == 2 else (1, data.shape[0]), dtype="<u4").tobytes()
    return ATTENDANCE_KEY.seal(header + data.tobytes(), label=label)


def open_vectors(blob: bytes, *, label: str) -> np.ndarray:
    """A 2-d float32 array (one row per vector)."""
    plain = ATTENDANCE_KEY.unseal(blob, label=label)
    rows, columns = np.frombuffer(plain[:8], dtype="<u4")
    return np.frombuffer(plain[8:], dtype="<f4").reshape(int(rows), int(columns)).astype(np.float32)


def template_label(employee_id: int, site_id: int, part: str) -> str:
    return f"attendance:{part}:{employee_id}:{site_id}"


def seal_snapshot(jpeg: bytes, *, attempt_key: str) -> bytes:
    return ATTENDANCE_KEY.seal(jpeg, label=f"attendance:snapshot:{attempt_key}")


def open_snapshot(blob: bytes, *, attempt_key: str) -> bytes:
    return ATTENDANCE_KEY.unseal(blob, label=f"attendance:snapshot:{attempt_key}")
