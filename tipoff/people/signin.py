"""Staff sign-in rules: lock-out after repeated failures, TOTP, signing out everywhere.

Sign-in is two steps. The password step checks the password and unlocks the
staff member's body keys (the password is needed for that and is not kept);
the second step checks a TOTP code, or enrols one on the first sign-in. Both
steps count failures towards the same lock-out.

Lock-out is per account (stored on the user, so it holds across app servers)
and, for names that are not accounts, per name in the cache, so "this account
is locked" never tells a stranger which user names exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pyotp
import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tipoff.lib import crypto
from tipoff.people.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 15
TOTP_ISSUER = "tipoff"
TOTP_INTERVAL = 30
# Accept the previous and next 30-second step too: phone clocks drift.
TOTP_WINDOW = 1


# --- lock-out ------------------------------------------------------------------


def _name_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"signin-fail:{digest}"


def signin_locked(*, username: str, user: User | None) -> bool:
    """True while the account (or, for unknown names, the name) is locked."""
    if user is not None:
        return bool(user.locked_until and user.locked_until > timezone.now())
    return int(cache.get(_name_key(username)) or 0) >= MAX_FAILURES


def signin_failed(*, username: str, user: User | None) -> None:
    """Count one failed attempt; lock after ``MAX_FAILURES`` in a row."""
    if user is None:
        key = _name_key(username)
        if not cache.add(key, 1, timeout=LOCK_MINUTES * 60):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=LOCK_MINUTES * 60)
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = timezone.now() + dt.timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])


def signin_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_logins=0, locked_until=None, last_login=timezone.now()
    )


def staff_unlock(*, user: User) -> None:
    """An administrator lifts a lock-out early."""
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


# --- TOTP ----------------------------------------------------------------------


def _totp_key(user_id: int) -> bytes:
    return crypto.keyed_hash(
        settings.SECRET_KEY.encode(), str(user_id).encode(), person=b"tipoff-totp"
    )


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_secret(user: User) -> str | None:
    raw = bytes(user.totp_secret or b"")
    if not raw or user.totp_confirmed_at is None:
        return None
    try:
        return crypto.decrypt(_totp_key(user.pk), raw, label=f"totp:{user.pk}").decode()
    except crypto.DecryptionError:
        return None


def totp_enrolled(user: User) -> bool:
    return user.totp_confirmed_at is not None and bool(user.totp_secret)


def totp_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).provisioning_uri(
        name=user.username, issuer_name=TOTP_ISSUER
    )


def totp_qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI, drawn here (nothing leaves the server)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _matching_step(secret: str, code: str, at: float) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    now_step = int(at // TOTP_INTERVAL)
    for step in range(now_step - TOTP_WINDOW, now_step + TOTP_WINDOW + 1):
        if pyotp.utils.strings_equal(totp.at(step * TOTP_INTERVAL), code):
            return step
    return None


def totp_check(*, user: User, code: str) -> bool:
    """Check a code for an enrolled user; a code is accepted at most once."""
    secret = totp_secret(user)
    if secret is None:
        return False
    step = _matching_step(secret, code, time.time())
    if step is None:
        return False
    # Compare-and-set so two requests with the same code cannot both pass.
    updated = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    return updated == 1


def totp_enrol(*, user: User, secret: str, code: str) -> bool:
    """Confirm a new secret with a code from the staff member's app; store it."""
    step = _matching_step(secret, code, time.time())
    if step is None:
        return False
    user.totp_secret = crypto.encrypt(_totp_key(user.pk), secret.encode(), label=f"totp:{user.pk}")
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    return True


def totp_reset(*, user: User) -> None:
    """Forget the second factor (a lost phone); the next sign-in enrols anew."""
    user.totp_secret = b""
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])


def totp_code_now(user: User) -> str | None:
    """The current code (for the demo helper command only)."""
    secret = totp_secret(user)
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL).now() if secret else None


# --- sessions ---------------------------------------------------------------------


def staff_sign_out_everywhere(*, user: User) -> None:
    """End every session of the user: their stored auth hashes stop matching."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
