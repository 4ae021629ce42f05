"""Proofs of work: stateless challenges, checked with one hash, spent once."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipoff.limits import proof

pytestmark = pytest.mark.django_db


def test_a_solved_challenge_is_accepted_once():
    challenge = proof.challenge_issue(purpose="receipt", difficulty=8)
    solution = proof.solve(challenge)
    assert proof.work_done(challenge, solution) >= 8
    assert proof.proof_accept(f"{challenge}~{solution}", purpose="receipt", difficulty=8)
    assert not proof.proof_accept(f"{challenge}~{solution}", purpose="receipt", difficulty=8)


def test_wrong_purpose_too_little_work_or_forgery_is_refused():
    challenge = proof.challenge_issue(purpose="receipt", difficulty=8)
    solution = proof.solve(challenge)
    assert not proof.proof_accept(f"{challenge}~{solution}", purpose="submit", difficulty=8)
    assert not proof.proof_accept(f"{challenge}~{solution}", purpose="receipt", difficulty=9)
    easy = challenge.replace(".8.", ".1.", 1)
    assert not proof.proof_accept(f"{easy}~0", purpose="receipt", difficulty=1)
    unsolved = next(str(n) for n in range(10**6) if proof.work_done(challenge, str(n)) < 8)
    assert not proof.proof_accept(f"{challenge}~{unsolved}", purpose="receipt", difficulty=8)


def test_an_expired_challenge_is_refused(monkeypatch):
    challenge = proof.challenge_issue(purpose="staff", difficulty=4)
    solution = proof.solve(challenge)
    later = time.time() + proof.VALID_SECONDS + 1
    monkeypatch.setattr(proof.time, "time", lambda: later)
    assert not proof.proof_accept(f"{challenge}~{solution}", purpose="staff", difficulty=4)


@given(st.text(max_size=300))
def test_any_junk_is_refused_without_an_error(junk):
    assert not proof.proof_accept(junk, purpose="receipt", difficulty=1)


def test_leading_zero_bits():
    assert proof.leading_zero_bits(bytes([0, 0x0F, 0xFF])) == 12
    assert proof.leading_zero_bits(bytes([0x80])) == 0
    assert proof.leading_zero_bits(bytes(4)) == 32
