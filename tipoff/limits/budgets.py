"""Budgets for guessing receipts, filing reports and signing staff in.

The rules (docs/security.md gives the numbers and the reasons):

* **Nobody is shut out because of someone else.** Spending a budget never
  closes a door; it makes the next attempt cost a proof of work (``proof.py``)
  whose difficulty grows with how far the budget is overspent. Only the
  per-receipt budget refuses outright: it protects one known code, and a
  guesser spraying random codes never touches the counter of a real one.
* **Per client and global.** Each client (``clients.py``) has its own budget,
  and all clients together have a global one, so a botnet, a shared proxy or
  an onion service (where every client looks the same) still meets a limit.
* **Reserve first, refund on success.** An attempt increments its counters
  *before* the work is done and decides on the values returned, so parallel
  requests cannot all slip under a limit; a successful receipt or sign-in
  hands its reservation back, so only failures stay counted.
* **Staff sign-in slows down, never locks.** A client that keeps failing
  waits longer and longer between attempts (per client, so it never affects
  the account's owner elsewhere); an account attacked from many clients asks
  for a proof of work and its owner is told.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field

from django.conf import settings

from tipoff.limits.counters import counters
from tipoff.limits.proof import challenge_issue, proof_accept

GO, PROOF, REFUSED = "go", "proof", "refused"


@dataclass
class Gate:
    """What an attempt may do: go ahead, first show a proof of work, or wait."""

    status: str
    retry_after: int = 0
    difficulty: int = 0
    challenge: str = ""
    count: int = 0  # the attempt's number against the budget that matters most here
    _refunds: list[tuple[str, int]] = field(default_factory=list)

    @property
    def go(self) -> bool:
        return self.status == GO

    def succeeded(self) -> None:
        """The attempt succeeded: give back what it reserved."""
        for key, window in self._refunds:
            counters().incr(key, window=window, amount=-1)
        self._refunds = []


def _enabled() -> bool:
    return bool(settings.RATE_LIMITS_ENABLED)


def difficulty(count: int, limit: int) -> int:
    """0 within the budget; past it, the base difficulty plus one bit per doubling."""
    if count <= limit:
        return 0
    extra = int(math.log2(count / max(limit, 1)))
    return min(settings.POW_BASE_DIFFICULTY + extra, settings.POW_MAX_DIFFICULTY)


def _needs_proof(
    purpose: str, needed: int, proof: str, reserved: list[tuple[str, int]], count: int
) -> Gate | None:
    if not needed or proof_accept(proof, purpose=purpose, difficulty=needed):
        return None
    for key, window in reserved:
        counters().incr(key, window=window, amount=-1)
    return Gate(
        PROOF,
        difficulty=needed,
        challenge=challenge_issue(purpose=purpose, difficulty=needed),
        count=count,
    )


# --- receipts ---------------------------------------------------------------------


def receipt_rate_key(normalised_code: str) -> str:
    """A short keyed hash of a receipt for its counter: four bytes tell nothing about it."""
    return hashlib.blake2b(
        normalised_code.encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=b"tipoff-rl-rcpt",
        digest_size=4,
    ).hexdigest()


def receipt_attempt(*, client: str, code: str, proof: str = "") -> Gate:
    """Before a receipt is derived and looked up. ``code`` is the normalised receipt."""
    if not _enabled():
        return Gate(GO)
    window = settings.RECEIPT_ATTEMPT_WINDOW_SECONDS
    c = counters()
    per_receipt = c.incr(f"rc:{receipt_rate_key(code)}", window=window)
    if per_receipt > settings.RECEIPT_ATTEMPTS_PER_RECEIPT:
        return Gate(REFUSED, retry_after=window, count=per_receipt)
    mine, everyone = c.incr_many([f"rf:{client}", "rf:*"], window=window)
    reserved = [(f"rf:{client}", window), ("rf:*", window)]
    needed = max(
        difficulty(mine, settings.RECEIPT_ATTEMPTS_PER_CLIENT),
        difficulty(everyone, settings.RECEIPT_FAILURES_GLOBAL),
    )
    asked = _needs_proof(
        "receipt", needed, proof, [*reserved, (f"rc:{receipt_rate_key(code)}", window)], mine
    )
    return asked or Gate(GO, count=mine, _refunds=reserved)


def receipt_difficulty(*, client: str) -> int:
    """What the next attempt of this client would need (for a page about to be shown)."""
    if not _enabled():
        return 0
    c = counters()
    return max(
        difficulty(c.get(f"rf:{client}") + 1, settings.RECEIPT_ATTEMPTS_PER_CLIENT),
        difficulty(c.get("rf:*") + 1, settings.RECEIPT_FAILURES_GLOBAL),
    )


# --- submissions --------------------------------------------------------------------

SUBMIT_WINDOW = 3600


def submission_attempt(*, client: str, proof: str = "") -> Gate:
    """Before a report is taken. Every submission counts (there is no failure to refund)."""
    if not _enabled():
        return Gate(GO)
    mine, everyone = counters().incr_many([f"sub:{client}", "sub:*"], window=SUBMIT_WINDOW)
    needed = max(
        difficulty(mine, settings.SUBMISSIONS_PER_CLIENT_PER_HOUR),
        difficulty(everyone, settings.SUBMISSIONS_GLOBAL_PER_HOUR),
    )
    reserved = [(f"sub:{client}", SUBMIT_WINDOW), ("sub:*", SUBMIT_WINDOW)]
    return _needs_proof("submit", needed, proof, reserved, mine) or Gate(GO, count=mine)


def submission_difficulty(*, client: str) -> int:
    if not _enabled():
        return 0
    c = counters()
    return max(
        difficulty(c.get(f"sub:{client}") + 1, settings.SUBMISSIONS_PER_CLIENT_PER_HOUR),
        difficulty(c.get("sub:*") + 1, settings.SUBMISSIONS_GLOBAL_PER_HOUR),
    )


# --- staff sign-in ----------------------------------------------------------------------

STAFF_WINDOW = 3600
MAX_WAIT_SECONDS = 300


def account_key(username: str) -> str:
    """The same for every spelling of one user name, and for names that are no account."""
    return hashlib.blake2b(
        username.strip().casefold().encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=b"tipoff-rl-acct",
        digest_size=12,
    ).hexdigest()


@dataclass
class StaffGate(Gate):
    client: str = ""
    account_failures: int = 0

    def failed(self) -> None:
        """A wrong password or code: past the client's budget, make it wait before the next."""
        failures = self.count
        over = failures - settings.STAFF_SIGNIN_FAILURES_PER_CLIENT
        if over >= 0:
            wait = min(2**over, MAX_WAIT_SECONDS)
            counters().put(f"sw:{self.client}", int(time.time()) + wait, ttl=wait)
        self._refunds = []


def staff_attempt(*, client: str, username: str, proof: str = "") -> StaffGate:
    """Before a staff password or code is checked."""
    if not _enabled():
        return StaffGate(GO, client=client)
    c = counters()
    wait_until = c.get(f"sw:{client}")
    now = int(time.time())
    if wait_until > now:
        return StaffGate(REFUSED, retry_after=wait_until - now, client=client)
    account = f"sa:{account_key(username)}"
    mine = c.incr(f"sf:{client}", window=STAFF_WINDOW)
    theirs = c.incr(account, window=STAFF_WINDOW)
    reserved = [(f"sf:{client}", STAFF_WINDOW), (account, STAFF_WINDOW)]
    needed = difficulty(theirs, settings.STAFF_SIGNIN_FAILURES_PER_ACCOUNT)
    asked = _needs_proof("staff", needed, proof, reserved, mine)
    if asked is not None:
        return StaffGate(
            PROOF,
            difficulty=asked.difficulty,
            challenge=asked.challenge,
            count=mine,
            client=client,
            account_failures=theirs - 1,
        )
    return StaffGate(GO, count=mine, client=client, account_failures=theirs, _refunds=reserved)


def staff_failures_forget(*, username: str) -> None:
    """An administrator clears the failures counted against an account."""
    counters().delete(f"sa:{account_key(username)}")


# --- replies ------------------------------------------------------------------------------


def reply_allowed(*, report_id: int) -> bool:
    """A reporter signed in with their receipt may post this many messages an hour."""
    if not _enabled():
        return True
    count = counters().incr(f"reply:{report_id}", window=SUBMIT_WINDOW)
    return count <= settings.SUBMISSIONS_PER_CLIENT_PER_HOUR


def sender_receipt_allowed(*, sender: str) -> bool:
    """A messaging-channel sender (a keyed hash of their channel identifier) trying receipts.

    A chat cannot do a proof of work, but its sender is a real account on the
    service: a hard limit per sender, counting every attempt.
    """
    if not _enabled():
        return True
    count = counters().incr(f"chr:{sender}", window=settings.RECEIPT_ATTEMPT_WINDOW_SECONDS)
    return count <= settings.RECEIPT_ATTEMPTS_PER_CLIENT


def hard_limit_allowed(*, scope: str, key: str, limit: int, window: int) -> bool:
    """A plain ceiling (for devices and accounts that prove who they are): ``limit`` per
    ``window`` seconds, counted atomically across every app server."""
    if not _enabled():
        return True
    return counters().incr(f"hl:{scope}:{key}", window=window) <= limit
