"""Proof of work: a small sum a client's browser does before an attempt counts.

When a budget is spent (``budgets.py``) the server does not shut the door; it
asks for a *proof of work* instead: a fresh challenge, and a number ``n`` such
that SHA-256 of ``challenge:n`` starts with ``difficulty`` zero bits. A browser
finds one in a worker thread (``static/tipoff/js/pow-worker.js``): 2^16 tries
take a fraction of a second, 2^22 a few seconds on a phone. A guesser pays
that for every guess; the server checks it with one hash.

Challenges are stateless (an HMAC under a sub-key of ``SECRET_KEY`` binds the
purpose, difficulty and expiry) and single-use: the first check of a solved
challenge claims it in the shared counters, so a solution cannot be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from dataclasses import dataclass

from django.conf import settings

from tipoff.lib.digits import is_number
from tipoff.limits.counters import once

ALGORITHM = "sha256-leading-zero-bits"
VALID_SECONDS = 600
MAX_DIFFICULTY = 26


def _mac_key() -> bytes:
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), person=b"tipoff-pow", digest_size=32
    ).digest()


def _mac(body: str) -> str:
    digest = hmac.new(_mac_key(), body.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def challenge_issue(*, purpose: str, difficulty: int) -> str:
    """A challenge for ``purpose`` ("receipt", "submit", "staff"), valid ten minutes."""
    difficulty = max(1, min(difficulty, MAX_DIFFICULTY))
    nonce = base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("=")
    body = f"1.{purpose}.{difficulty}.{int(time.time()) + VALID_SECONDS}.{nonce}"
    return f"{body}.{_mac(body)}"


@dataclass(frozen=True)
class Challenge:
    purpose: str
    difficulty: int
    expires: int


def challenge_read(challenge: str) -> Challenge | None:
    """The challenge's terms if it is one of ours and unexpired, else None."""
    parts = challenge.split(".")
    if len(parts) != 6 or parts[0] != "1":
        return None
    body, mac = ".".join(parts[:5]), parts[5]
    if not hmac.compare_digest(_mac(body), mac):
        return None
    try:
        difficulty, expires = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    if expires < time.time():
        return None
    return Challenge(purpose=parts[1], difficulty=difficulty, expires=expires)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work_done(challenge: str, solution: str) -> int:
    """How many leading zero bits ``SHA-256(challenge:solution)`` has."""
    digest = hashlib.sha256(f"{challenge}:{solution}".encode()).digest()
    return leading_zero_bits(digest)


def proof_accept(proof: str, *, purpose: str, difficulty: int) -> bool:
    """Check a proof ``challenge~solution`` for ``purpose`` at ``difficulty`` bits, once.

    A proof is spent by its first successful check, so it buys one attempt.
    """
    if not proof or "~" not in proof or len(proof) > 400:
        return False
    challenge, solution = proof.rsplit("~", 1)
    terms = challenge_read(challenge)
    if terms is None or terms.purpose != purpose or terms.difficulty < difficulty:
        return False
    if not is_number(solution, digits=20):
        return False
    if work_done(challenge, solution) < terms.difficulty:
        return False
    spent_key = "pow:" + hashlib.sha256(challenge.encode()).hexdigest()[:40]
    return once(spent_key, ttl=VALID_SECONDS + 60)


def solve(challenge: str) -> str:
    """Find a solution (for tests, benchmarks and API clients written in Python)."""
    terms = challenge_read(challenge)
    needed = terms.difficulty if terms else MAX_DIFFICULTY
    n = 0
    while work_done(challenge, str(n)) < needed:
        n += 1
    return str(n)
