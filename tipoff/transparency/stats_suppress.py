"""Which published counts must be withheld: small cells, and enough others to protect them.

A table is described by its *lines*: a set of cells that add up to a total
(a row and its row total, a column and its column total, the totals and the
grand total). Cells shared by several tables — the column totals and the
grand total that every breakdown of the same period repeats — are the same
reference, so withholding one withholds it everywhere.

The rules, applied until nothing changes:

1. *Primary*: a count from 1 to ``threshold - 1`` is withheld (0 is shown: it
   names nobody).
2. *Complementary*: in a line whose total is shown, the withheld cells must
   be at least two and add up to at least ``threshold`` — otherwise the one
   withheld cell is the total minus the rest, or the withheld ones together
   are a small group. The smallest shown non-zero cell is withheld next
   (a zero if none is left; the total itself when every cell is withheld).
3. A withheld total whose cells are all shown is their sum: one of them is
   withheld too.

These local rules are a greedy heuristic: every line is safe on its own, but
lines together can still give a count away (two lines each with two unknowns
may share one). So, when the caller says what each figure is a sum of
(``forms``), the result is then *audited* as an attacker would: every shown
figure is a linear equation over the unknowns, and a withheld small count
whose own equation lies in their span (it is orthogonal to their null space)
can be worked out by subtraction. For each such count one more cell in its
lines is withheld, the rules run again, and the audit repeats until none is
left. The tests attack the result the same way, over the true counts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Form = Mapping[Hashable, int]


@dataclass(frozen=True)
class Line:
    members: tuple[Hashable, ...]
    total: Hashable


def _pick(line: Line, hidden: set[Hashable], values: Mapping[Hashable, int]) -> Hashable | None:
    shown = [m for m in line.members if m not in hidden]
    if not shown:
        return None
    nonzero = [m for m in shown if values[m] > 0]
    return min(nonzero or shown, key=lambda m: values[m])


def withheld(
    values: Mapping[Hashable, int],
    lines: Sequence[Line],
    threshold: int,
    *,
    forms: Mapping[Hashable, Form] | None = None,
    structure: Iterable[Form] = (),
) -> set[Hashable]:
    """The references of the counts to withhold (see the module's rules).

    ``forms`` (optional) gives each reference as a sum over unknowns, and
    ``structure`` what is known to add up to zero; with them, the result is
    audited and extended until no withheld small count can be recovered.
    """
    hidden = _closed(values, lines, threshold, {r for r, v in values.items() if 0 < v < threshold})
    if forms is None:
        return hidden
    known = list(structure)
    while True:
        small = [r for r in hidden if 0 < values[r] < threshold]
        exposed = _recoverable(
            [*known, *(forms[r] for r in values if r not in hidden)], small, forms
        )
        if not exposed:
            return hidden
        for ref in exposed:
            pick = _widen(ref, lines, hidden, values)
            if pick is not None:
                hidden.add(pick)
        hidden = _closed(values, lines, threshold, hidden)


def _widen(
    ref: Hashable, lines: Sequence[Line], hidden: set[Hashable], values: Mapping[Hashable, int]
) -> Hashable | None:
    """One more cell to withhold beside ``ref``: the smallest shown one in its lines."""
    candidates = [
        m
        for line in lines
        if ref in line.members or ref == line.total
        for m in (*line.members, line.total)
        if m not in hidden
    ]
    nonzero = [m for m in candidates if values[m] > 0]
    return min(nonzero or candidates, key=lambda m: values[m], default=None)


def _recoverable(
    shown: list[Form], targets: list[Hashable], forms: Mapping[Hashable, Form]
) -> list[Hashable]:
    """The targets whose forms lie in the span of the shown forms."""
    if not targets:
        return []
    # A shown figure of one unknown makes it known: take those out first, so the
    # matrix left is only about the withheld cells (small, and quick to decompose).
    known = {next(iter(f)) for f in shown if len(f) == 1 and next(iter(f.values())) != 0}

    def unknown_part(form: Form) -> dict[Hashable, int]:
        return {v: c for v, c in form.items() if v not in known and c}

    rest = [r for r in (unknown_part(f) for f in shown) if r]
    parts = {t: unknown_part(forms[t]) for t in targets}
    variables = sorted({v for f in [*rest, *parts.values()] for v in f}, key=repr)
    column = {v: i for i, v in enumerate(variables)}

    def vector(form: Form) -> np.ndarray:
        out = np.zeros(len(variables))
        for var, coef in form.items():
            out[column[var]] += coef
        return out

    if rest:
        _u, singular, vt = np.linalg.svd(np.array([vector(f) for f in rest]))
        rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
        null = vt[rank:]
    else:
        null = np.eye(len(variables))
    return [t for t in targets if not parts[t] or np.abs(null @ vector(parts[t])).max() < 1e-7]


def _closed(
    values: Mapping[Hashable, int], lines: Sequence[Line], threshold: int, hidden: set[Hashable]
) -> set[Hashable]:
    """Apply the line rules to ``hidden`` until nothing changes."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            members_hidden = [m for m in line.members if m in hidden]
            if line.total in hidden:
                if members_hidden or not line.members:
                    continue
            elif not members_hidden or (
                len(members_hidden) >= 2 and sum(values[m] for m in members_hidden) >= threshold
            ):
                continue
            pick = _pick(line, hidden, values)
            if pick is None:
                if line.total not in hidden:
                    hidden.add(line.total)
                    changed = True
                continue
            hidden.add(pick)
            changed = True
    return hidden
