"""Medians of handling times are taken from the roll-ups' day counts without expanding them."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipoff.transparency.stats import _median

pytestmark = pytest.mark.one_leg


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
def test_the_median_of_a_histogram_is_the_median_of_its_values(days):
    assert _median(Counter(days), len(days)) == statistics.median(days)
