"""Small-cell suppression: no withheld count can be recovered by subtraction (issue 12).

The suppression is checked the way an attacker would attack it: every shown
figure is a linear equation over the true, unpublished counts, and a withheld
count must not follow from them (``stats_audit.recoverable``).
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transparency.stats_audit import recoverable
from tipoff.transparency.stats import OUTCOMES, _year_tables
from tipoff.transparency.stats_suppress import Line, withheld

pytestmark = pytest.mark.one_leg

SMALLISH = st.one_of(st.integers(0, 6), st.integers(0, 40))


def test_a_small_cell_is_withheld_with_a_partner_in_its_line():
    values = {"a": 3, "b": 20, "c": 9, "t": 32}
    hidden = withheld(values, [Line(("a", "b", "c"), "t")], threshold=5)
    assert hidden == {"a", "c"}  # the smallest other non-zero cell is its partner


def test_withheld_cells_must_add_up_to_the_threshold():
    values = {"a": 1, "b": 1, "c": 30, "t": 32}
    assert withheld(values, [Line(("a", "b", "c"), "t")], threshold=5) == {"a", "b", "c"}


def test_a_zero_is_shown_and_a_small_total_is_withheld():
    values = {"a": 0, "b": 2, "t": 2}
    assert withheld(values, [Line(("a", "b"), "t")], threshold=5) == {"b", "t"}
    assert withheld({"a": 0, "b": 7, "t": 7}, [Line(("a", "b"), "t")], threshold=5) == set()


def test_lines_that_are_each_safe_can_still_give_a_count_away_together():
    """Found by the property test below: the line rules alone leave (1, 3) recoverable.

    Row 1 is 0, 0, 4, 3, 3 (total 10 shown); columns 2 and 4 hold only its 4 and
    3, so with their totals withheld, column totals give 4 + 3 = 7, and the
    withheld 3 in the middle is 10 - 7. The audit finds it and withholds more.
    """
    grid = [[3, 6, 0, 20, 0], [0, 0, 4, 3, 3], [30, 5, 0, 2, 0]]
    values, forms, lines = _table(grid)
    local = withheld(values, lines, 6)
    shown = [forms[r] for r in values if r not in local]
    assert recoverable(shown, [forms[("c", 1, 3)]]) == [0]
    audited = withheld(values, lines, 6, forms=forms)
    shown = [forms[r] for r in values if r not in audited]
    small = [forms[r] for r in audited if 0 < values[r] < 6]
    assert recoverable(shown, small) == []


def _table(grid: list[list[int]]) -> tuple[dict, dict, list[Line]]:
    rows, cols = len(grid), len(grid[0])
    values: dict = {}
    forms: dict = {}
    for i, j in itertools.product(range(rows), range(cols)):
        values[("c", i, j)] = grid[i][j]
        forms[("c", i, j)] = {(i, j): 1}
    for i in range(rows):
        values[("r", i)] = sum(grid[i])
        forms[("r", i)] = {(i, j): 1 for j in range(cols)}
    for j in range(cols):
        values[("k", j)] = sum(grid[i][j] for i in range(rows))
        forms[("k", j)] = {(i, j): 1 for i in range(rows)}
    values[("g",)] = sum(map(sum, grid))
    forms[("g",)] = {(i, j): 1 for i in range(rows) for j in range(cols)}
    lines = [Line(tuple(("c", i, j) for j in range(cols)), ("r", i)) for i in range(rows)]
    lines += [Line(tuple(("c", i, j) for i in range(rows)), ("k", j)) for j in range(cols)]
    lines += [Line(tuple(("r", i) for i in range(rows)), ("g",))]
    lines += [Line(tuple(("k", j) for j in range(cols)), ("g",))]
    return values, forms, lines


def test_a_complement_total_is_not_left_as_the_sum_of_shown_cells():
    # x is withheld as a member of one line; in its own line all members are shown.
    values = {"x": 12, "p": 3, "t": 15, "a": 6, "b": 6}
    lines = [Line(("x", "p"), "t"), Line(("a", "b"), "x")]
    hidden = withheld(values, lines, threshold=5)
    assert {"x", "p"} <= hidden
    assert hidden & {"a", "b"}, "x would be a + b"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda cols: st.lists(
                st.lists(SMALLISH, min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    ),
    st.integers(2, 10),
)
def test_no_withheld_cell_of_a_table_with_margins_can_be_worked_out(grid, threshold):
    values, forms, lines = _table(grid)
    hidden = withheld(values, lines, threshold, forms=forms)

    assert all(not 0 < v < threshold for ref, v in values.items() if ref not in hidden)
    small = [ref for ref in hidden if 0 < values[ref] < threshold]
    shown = [forms[ref] for ref in values if ref not in hidden]
    assert recoverable(shown, [forms[ref] for ref in small]) == []


# Mostly empty, as real breakdowns of a small body are: small cells are common.
SPARSE = st.sampled_from([0] * 12 + [1, 1, 2, 3, 5])
CUBE = st.lists(SPARSE, min_size=2 * 3 * 2 * 2 * 5, max_size=2 * 3 * 2 * 2 * 5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CUBE, st.integers(3, 6))
def test_the_four_breakdowns_of_a_year_are_protected_together(flat, threshold):
    """Category, unit, channel and month tables of one year share their totals:
    no withheld count follows from all four together and the true cube behind them."""
    cats, units, channels, months = ["1", "2"], ["1", "2", "3"], ["web", "sms"], ["01", "02"]
    cube = dict(zip(itertools.product(cats, units, channels, months, OUTCOMES), flat, strict=True))
    axis = {"category": 0, "unit": 1, "channel": 2, "month": 3}
    counts: dict[str, dict] = {}
    for dim, index in axis.items():
        table: Counter = Counter()
        for key, n in cube.items():
            table[(key[index], key[4])] += n
        counts[dim] = dict(table)

    tables = _year_tables(counts, threshold)

    def form(dim: str | None, key: str | None, outcome: str | None) -> dict:
        return {
            cell: 1
            for cell in cube
            if (dim is None or cell[axis[dim]] == key) and (outcome is None or cell[4] == outcome)
        }

    def true(f: dict) -> int:
        return sum(cube[c] for c in f)

    shown, small = [], []
    for dim, table in tables.items():
        entries = [(form(dim, r.key, o), r.cells[o]) for r in table.rows for o in OUTCOMES]
        entries += [(form(dim, r.key, None), r.total) for r in table.rows]
        entries += [(form(None, None, o), table.totals[o]) for o in OUTCOMES]
        entries += [(form(None, None, None), table.total)]
        for f, value in entries:
            if value is None:
                if 0 < true(f) < threshold:
                    small.append(f)
            else:
                assert value == true(f)
                assert not 0 < value < threshold
                shown.append(f)
    assert recoverable(shown, small) == []
