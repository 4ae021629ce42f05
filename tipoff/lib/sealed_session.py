"""Secrets kept across requests, split between the session store and a cookie.

A value (a staff member's unlocked body keys, a reporter's report key) is
encrypted in the server-side session under a random secret that lives only in
the browser's cookie. Neither a copy of the session store nor the cookie alone
reveals it.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tipoff.lib import crypto


def _cookie_name(name: str) -> str:
    return f"tipoff_{name}"


def put(request: HttpRequest, response: HttpResponse, name: str, value: bytes) -> None:
    secret = crypto.random_key()
    request.session[f"sealed:{name}"] = base64.b64encode(
        crypto.encrypt(secret, value, label=f"session:{name}")
    ).decode()
    response.set_cookie(
        _cookie_name(name),
        base64.urlsafe_b64encode(secret).decode(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def get(request: HttpRequest, name: str) -> bytes | None:
    wrapped = request.session.get(f"sealed:{name}")
    cookie = request.COOKIES.get(_cookie_name(name))
    if not wrapped or not cookie:
        return None
    try:
        secret = base64.urlsafe_b64decode(cookie.encode())
        return crypto.decrypt(secret, base64.b64decode(wrapped), label=f"session:{name}")
    except (crypto.DecryptionError, ValueError):
        return None


def forget(request: HttpRequest, response: HttpResponse, name: str) -> None:
    request.session.pop(f"sealed:{name}", None)
    response.delete_cookie(_cookie_name(name))
