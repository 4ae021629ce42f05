"""What pages and the API need from the budgets: the proof a request carries, and
the challenge a form shows when its next attempt will need one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tipoff.limits.budgets import Gate
from tipoff.limits.proof import challenge_issue

PROOF_HEADER = "X-Proof-Of-Work"


def proof_from(request: HttpRequest) -> str:
    """A form's ``pow`` field (``challenge~n``)."""
    value = request.POST.get("pow", "") if request.method == "POST" else ""
    return str(value)[:400]


def proof_from_header(request: HttpRequest) -> str:
    """The API's ``X-Proof-Of-Work`` header (``challenge~n``); the body is not read."""
    return str(request.headers.get(PROOF_HEADER, ""))[:400]


def proof_context(*, purpose: str, difficulty: int = 0, gate: Gate | None = None) -> dict[str, Any]:
    """Template context for ``pow_fields.html``: empty when no proof is needed."""
    if gate is not None and gate.challenge:
        return {"pow_challenge": gate.challenge, "pow_difficulty": gate.difficulty}
    if difficulty <= 0:
        return {}
    return {
        "pow_challenge": challenge_issue(purpose=purpose, difficulty=difficulty),
        "pow_difficulty": difficulty,
    }
