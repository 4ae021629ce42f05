"""The attendance encryption key and the ciphertexts made with it.

The key is derived from the ``ATTENDANCE_KEY`` setting, which lives in the
environment and never in the database: a database dump alone reveals no face
template and no review snapshot. Each ciphertext is bound to what it belongs
to (a label with the employee and site, or the attempt), so blobs cannot be
swapped between rows.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

import numpy as np
from django.conf import settings

from tipoff.lib import crypto


@cache
def _key(secret: str) -> bytes:
    return crypto.keyed_hash(
        secret.encode(), b"attendance templates and snapshots", person=b"tipoff-attend"
    )


def attendance_key() -> bytes:
    if not settings.ATTENDANCE_KEY:
        raise RuntimeError("ATTENDANCE_KEY is not set")
    return _key(settings.ATTENDANCE_KEY)


def seal_vectors(vectors: np.ndarray, *, label: str) -> bytes:
    data = np.ascontiguousarray(vectors, dtype="<f4")
    header = np.array(data.shape if data.ndim == 2 else (1, data.shape[0]), dtype="<u4").tobytes()
    return crypto.encrypt(attendance_key(), header + data.tobytes(), label=label)


def open_vectors(blob: bytes, *, label: str) -> np.ndarray:
    """A 2-d float32 array (one row per vector)."""
    plain = crypto.decrypt(attendance_key(), bytes(blob), label=label)
    rows, columns = np.frombuffer(plain[:8], dtype="<u4")
    return np.frombuffer(plain[8:], dtype="<f4").reshape(int(rows), int(columns)).astype(np.float32)


def template_label(employee_id: int, site_id: int, part: str) -> str:
    return f"attendance:{part}:{employee_id}:{site_id}"


def seal_snapshot(jpeg: bytes, *, attempt_key: str) -> bytes:
    return crypto.encrypt(attendance_key(), jpeg, label=f"attendance:snapshot:{attempt_key}")


def open_snapshot(blob: bytes, *, attempt_key: str) -> bytes:
    return crypto.decrypt(attendance_key(), bytes(blob), label=f"attendance:snapshot:{attempt_key}")


# --- short codes and device tokens ----------------------------------------------------


def code_hash(code: str, purpose: bytes) -> str:
    """Short codes are hashed under the attendance key, so a dump cannot brute-force them."""
    return crypto.keyed_hash(attendance_key(), code.encode(), person=purpose).hex()


def token_hash(token: str) -> str:
    """Device tokens are long and random: a plain hash is enough to look them up."""
    return hashlib.sha256(token.encode()).hexdigest()


def random_digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def normalise_code(text: str) -> str:
    """What a person typed, without spaces or dashes."""
    return "".join(ch for ch in text if ch.isdigit())[:12]
