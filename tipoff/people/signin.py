"""Staff sign-in rules: throttling, TOTP, signing out everywhere.

Sign-in is two steps. The password step checks the password and unlocks the
staff member's body keys (the password is needed for that and is not kept);
the second step checks a TOTP code, or enrols one on the first sign-in. Both
steps go through the same budgets (``tipoff.limits.budgets.staff_attempt``):

* a *client* that keeps failing waits longer and longer between attempts —
  per client, so it never keeps the account's owner out from elsewhere;
* an *account* attacked from many clients asks every client for a proof of
  work, and its owner is told by e-mail (once an hour) and at their next
  sign-in. Nothing anyone else does can lock an account.

Counters are kept per keyed hash of the user name, the same for names that
are no account, so the answers never tell a stranger which names exist.
"""

from __future__ import annotations

import time

import pyotp
import segno
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tipoff.audit.services import audit_record
from tipoff.lib import crypto
from tipoff.limits.budgets import StaffGate, account_key, staff_failures_forget
from tipoff.limits.counters import once
from tipoff.people.models import User

TOTP_ISSUER = "tipoff"
TOTP_INTERVAL = 30
# Accept the previous and next 30-second step too: phone clocks drift.
TOTP_WINDOW = 1
NOTICE_EVERY_SECONDS = 3600


# --- failures ------------------------------------------------------------------


def signin_failed(*, user: User | None, gate: StaffGate) -> None:
    """Count one wrong password or code: slow this client down, and tell the owner."""
    gate.failed()
    if user is None:
        return
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    if gate.account_failures >= settings.STAFF_SIGNIN_NOTICE_AFTER and once(
        f"signin-notice:{account_key(user.username)}", ttl=NOTICE_EVERY_SECONDS
    ):
        _notify_owner(user, gate.account_failures)


def _notify_owner(user: User, failures: int) -> None:
    audit_record(
        actor=None,
        action="staff.sign_in_failures_notice",
        body_id=user.body_id,
        obj=user,
        details={"failures": failures},
    )
    if not user.email:
        return
    subjects, bodies = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(_("Failed sign-ins to your tipoff account"))
            bodies.append(
                _(
                    "There were %(n)d failed attempts to sign in to your account %(user)s in the "
                    "last hour. If that was not you, tell your administrator; your account is "
                    "not locked, and without your password and your authenticator app nobody "
                    "gets in."
                )
                % {"n": failures, "user": user.username}
            )
    send_mail(
        subject=" / ".join(subjects),
        message="\n\n".join(bodies),
        from_email=None,
        recipient_list=[user.email],
        fail_silently=True,
    )


def signin_succeeded(*, user: User, gate: StaffGate) -> int:
    """The owner got in: hand back the attempt; returns failures since their last visit."""
    gate.succeeded()
    failures = User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).first()
    User.objects.filter(pk=user.pk).update(failed_logins=0, last_login=timezone.now())
    return failures or 0


def staff_failures_clear(*, user: User) -> None:
    """An administrator clears the failures counted against an account."""
    staff_failures_forget(username=user.username)
    User.objects.filter(pk=user.pk).update(failed_logins=0)


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
