"""Signing staff in through the real two-step sign-in (password, then TOTP)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from tipoff.people import signin
from tipoff.people.models import User


def enrol(user: User) -> str:
    """Give ``user`` a confirmed TOTP secret; returns it."""
    secret = pyotp.random_base32()
    assert signin.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    return secret


@pytest.fixture
def sign_in(demo_password: str) -> Callable[..., Any]:
    """``sign_in(client, user)``: password step then a fresh TOTP code; returns the client."""
    secrets: dict[int, str] = {}

    def _sign_in(client: Any, user: User, password: str = demo_password) -> Any:
        if user.pk not in secrets:
            secrets[user.pk] = enrol(user)
        # Codes are single-use; tests sign the same person in within one 30 s step.
        User.objects.filter(pk=user.pk).update(totp_last_step=0)
        response = client.post("/staff/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content[:500]
        assert response["Location"] == "/staff/login/code/"
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secrets[user.pk]).now()})
        assert response.status_code == 302, response.content[:500]
        return client

    return _sign_in
