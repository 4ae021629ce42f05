"""1:N matching in memory: one float32 row per enrolled person (their template).

A template is the mean of a person's enrollment embeddings. Squared distances
to every row come from one matrix-vector product,
``|t|^2 - 2 t.q + |q|^2``, so a query against 100,000 people is a few
milliseconds of numpy. Rows can be added, replaced and removed in place so a
gallery follows enrollment changes without a full reload.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


def template_of(embeddings: Sequence[Vector] | npt.NDArray[np.float32]) -> Vector:
    """The template for a set of one person's embeddings: their mean."""
    stacked = np.asarray(embeddings, dtype=np.float32)
    if stacked.ndim != 2 or len(stacked) == 0:
        raise ValueError("need at least one embedding")
    return stacked.mean(axis=0).astype(np.float32)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    distance: float


class Gallery:
    """Templates of one site's enrolled people, keyed by an integer id."""

    def __init__(self, dimensions: int, capacity: int = 64):
        self.dimensions = dimensions
        self._matrix = np.zeros((max(capacity, 1), dimensions), dtype=np.float32)
        self._norms = np.zeros(max(capacity, 1), dtype=np.float32)
        self._ids = np.zeros(max(capacity, 1), dtype=np.int64)
        self._row_of: dict[int, int] = {}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._row_of

    @classmethod
    def build(cls, dimensions: int, rows: Iterable[tuple[int, Vector]]) -> Gallery:
        items = list(rows)
        gallery = cls(dimensions, capacity=len(items) + 16)
        for person_id, template in items:
            gallery.put(person_id, template)
        return gallery

    def copy(self) -> Gallery:
        twin = Gallery(self.dimensions, capacity=len(self._matrix))
        twin._matrix, twin._norms, twin._ids = (
            self._matrix.copy(),
            self._norms.copy(),
            self._ids.copy(),
        )
        twin._row_of, twin._size = dict(self._row_of), self._size
        return twin

    def _grow(self) -> None:
        capacity = len(self._matrix) * 2
        for name in ("_matrix", "_norms", "_ids"):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            new[: self._size] = old[: self._size]
            setattr(self, name, new)

    def put(self, person_id: int, template: Vector) -> None:
        """Add a person, or replace their template."""
        vector = np.asarray(template, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimensions:
            raise ValueError(
                f"template has {vector.shape[0]} dimensions, expected {self.dimensions}"
            )
        row = self._row_of.get(person_id)
        if row is None:
            if self._size == len(self._matrix):
                self._grow()
            row = self._size
            self._size += 1
            self._row_of[person_id] = row
            self._ids[row] = person_id
        self._matrix[row] = vector
        self._norms[row] = float(vector @ vector)

    def remove(self, person_id: int) -> None:
        """Drop a person; the last row moves into the gap."""
        row = self._row_of.pop(person_id, None)
        if row is None:
            return
        last = self._size - 1
        if row != last:
            moved = int(self._ids[last])
            self._matrix[row] = self._matrix[last]
            self._norms[row] = self._norms[last]
            self._ids[row] = moved
            self._row_of[moved] = row
        self._matrix[last] = 0
        self._size = last

    def nearest(self, query: Vector, k: int = 2) -> list[Candidate]:
        """The ``k`` closest people, closest first (Euclidean distance)."""
        if self._size == 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        matrix = self._matrix[: self._size]
        squared = self._norms[: self._size] - 2.0 * (matrix @ q) + float(q @ q)
        k = min(k, self._size)
        picked = np.argpartition(squared, k - 1)[:k] if k < self._size else np.arange(self._size)
        picked = picked[np.argsort(squared[picked])]
        return [
            Candidate(int(self._ids[i]), float(np.sqrt(max(float(squared[i]), 0.0))))
            for i in picked
        ]
