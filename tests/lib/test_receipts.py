"""Receipt codes: format, normalisation and derivations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipoff.lib import crypto, receipts

pytestmark = pytest.mark.one_leg

PARAMS = crypto.KdfParams(ops=1, mem_kib=8192)
SALT = bytes(16)


@given(st.integers(min_value=16, max_value=40))
def test_generated_codes_are_digits_of_the_asked_length(digits: int) -> None:
    code = receipts.generate(digits)
    assert receipts.is_well_formed(code, digits)


def test_fewer_than_sixteen_digits_is_refused() -> None:
    with pytest.raises(ValueError):
        receipts.generate(15)


def test_codes_are_not_repeated() -> None:
    codes = {receipts.generate(20) for _ in range(2000)}
    assert len(codes) == 2000


def test_digits_are_uniform_enough() -> None:
    counts = [0] * 10
    for _ in range(500):
        for ch in receipts.generate(20):
            counts[int(ch)] += 1
    # 10,000 digits: each should be near 1,000; 800..1200 is > 6 sigma.
    assert all(800 < c < 1200 for c in counts), counts


@given(st.text(alphabet="0123456789", min_size=16, max_size=32))
def test_display_then_normalise_is_identity(code: str) -> None:
    assert receipts.normalise(receipts.display(code)) == code


@given(
    st.text(alphabet="0123456789", min_size=20, max_size=20),
    st.sampled_from([" ", "-", "  ", "\t"]),
)
def test_people_type_codes_with_separators(code: str, sep: str) -> None:
    typed = sep.join(code[i : i + 4] for i in range(0, 20, 4))
    assert receipts.normalise(typed) == code


def test_full_width_digits_are_folded() -> None:
    assert receipts.normalise("１２３４ ５６７８") == "12345678"


@given(st.text(max_size=60))
def test_normalise_never_fails_and_returns_ascii_digits(text: str) -> None:
    out = receipts.normalise(text)
    assert out == "" or (out.isascii() and out.isdigit())


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet="0123456789", min_size=20, max_size=20))
def test_derivation_is_deterministic_and_splits_into_independent_values(code: str) -> None:
    one = receipts.derive(code, salt=SALT, params=PARAMS)
    assert one == receipts.derive(code, salt=SALT, params=PARAMS)
    assert one.lookup != one.reporter_key
    assert len(one.lookup) == len(one.reporter_key) == 32


def test_one_digit_changes_everything() -> None:
    a = receipts.derive("1" * 20, salt=SALT, params=PARAMS)
    b = receipts.derive("1" * 19 + "2", salt=SALT, params=PARAMS)
    assert a.lookup != b.lookup and a.reporter_key != b.reporter_key


def test_salt_matters() -> None:
    a = receipts.derive("1" * 20, salt=SALT, params=PARAMS)
    b = receipts.derive("1" * 20, salt=b"\x01" * 16, params=PARAMS)
    assert a.lookup != b.lookup
