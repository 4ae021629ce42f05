"""An attacker's linear algebra: can a withheld count be worked out from what is published?

Each published figure is a linear form over unknowns with a known value; the
attacker also knows how tables add up (structural forms equal to zero). A
withheld count is *recoverable by subtraction* exactly when its own form lies
in the span of those forms — checked by comparing matrix ranks.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

Form = Mapping[Hashable, float]


def recoverable(known: Iterable[Form], targets: Iterable[Form]) -> list[int]:
    """Indexes of the ``targets`` that the ``known`` forms determine."""
    known = list(known)
    targets = list(targets)
    variables = sorted({v for form in [*known, *targets] for v in form}, key=repr)
    column = {v: i for i, v in enumerate(variables)}

    def row(form: Form) -> np.ndarray:
        out = np.zeros(len(variables))
        for var, coef in form.items():
            out[column[var]] += coef
        return out

    matrix = np.array([row(f) for f in known]) if known else np.zeros((0, len(variables)))
    base = np.linalg.matrix_rank(matrix) if len(known) else 0
    found = []
    for i, target in enumerate(targets):
        stacked = np.vstack([matrix, row(target)])
        if np.linalg.matrix_rank(stacked) == base:
            found.append(i)
    return found
