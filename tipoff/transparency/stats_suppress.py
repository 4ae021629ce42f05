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

This is the classic greedy "hypercube-free" heuristic: not optimal (it may
withhold more than needed), but every line it leaves has no single unknown,
which the tests check by linear algebra over every published figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass


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
    values: Mapping[Hashable, int], lines: Sequence[Line], threshold: int
) -> set[Hashable]:
    """The references of the counts to withhold (see the module's rules)."""
    hidden = {ref for ref, value in values.items() if 0 < value < threshold}
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
