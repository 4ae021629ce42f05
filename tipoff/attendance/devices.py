"""Writes about devices and the PIN fallback: pairing kiosks with one-time codes,
their device tokens, and employees' PINs. Every change is audited.

A kiosk proves itself with a long random token kept in its cookie; only the
token's hash is stored. Pairing codes are short, so they are stored as keyed
hashes under the attendance key and expire after a few minutes.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.attendance import codes
from tipoff.attendance.models import Employee, Kiosk, Site
from tipoff.attendance.services import AttendanceError
from tipoff.audit.services import audit_record
from tipoff.lib.digits import is_number
from tipoff.people.models import User

PAIRING_MINUTES = 15
PIN_MAX_FAILURES = 5
PIN_LOCK_MINUTES = 15


# --- kiosks ---------------------------------------------------------------------------


@transaction.atomic
def kiosk_pairing_code(*, kiosk: Kiosk, actor: User | None) -> str:
    """A new one-time pairing code; pairing with it replaces the kiosk's device."""
    code = codes.random_digits(8)
    kiosk.pairing_code_hash = codes.code_hash(code, b"kiosk-pairing")
    kiosk.pairing_expires_at = timezone.now() + dt.timedelta(minutes=PAIRING_MINUTES)
    kiosk.save(update_fields=["pairing_code_hash", "pairing_expires_at"])
    audit_record(
        actor=actor, action="attendance.kiosk.pairing_code", body_id=kiosk.site.body_id, obj=kiosk
    )
    return code


@transaction.atomic
def kiosk_pair(*, code: str) -> tuple[Kiosk, str]:
    """Redeem a pairing code; returns the kiosk and its new device token (for the cookie)."""
    digits = codes.normalise_code(code)
    kiosk = (
        Kiosk.objects.select_for_update()
        .filter(
            pairing_code_hash=codes.code_hash(digits, b"kiosk-pairing"),
            pairing_expires_at__gt=timezone.now(),
            active=True,
        )
        .first()
        if digits
        else None
    )
    if kiosk is None:
        raise AttendanceError(_("This pairing code is wrong or has expired."))
    token = secrets.token_urlsafe(32)
    kiosk.token_hash = codes.token_hash(token)
    kiosk.pairing_code_hash = ""
    kiosk.pairing_expires_at = None
    kiosk.paired_at = timezone.now()
    kiosk.save(update_fields=["token_hash", "pairing_code_hash", "pairing_expires_at", "paired_at"])
    audit_record(
        actor=None, action="attendance.kiosk.paired", body_id=kiosk.site.body_id, obj=kiosk
    )
    return kiosk, token


def kiosk_from_token(token: str) -> Kiosk | None:
    if not token or len(token) > 100:
        return None
    return (
        Kiosk.objects.filter(token_hash=codes.token_hash(token), active=True)
        .select_related("site")
        .first()
    )


@transaction.atomic
def kiosk_unpair(*, kiosk: Kiosk, actor: User | None) -> None:
    kiosk.token_hash = ""
    kiosk.pairing_code_hash = ""
    kiosk.save(update_fields=["token_hash", "pairing_code_hash"])
    audit_record(
        actor=actor, action="attendance.kiosk.unpair", body_id=kiosk.site.body_id, obj=kiosk
    )


# --- PIN fallback ------------------------------------------------------------------------


@transaction.atomic
def employee_set_pin(*, employee: Employee, pin: str, actor: User | None) -> None:
    if not (is_number(pin) and 4 <= len(pin) <= 8):
        raise AttendanceError(_("A PIN has from 4 to 8 digits."))
    employee.pin_hash = make_password(pin)
    employee.pin_failures = 0
    employee.pin_locked_until = None
    employee.save(update_fields=["pin_hash", "pin_failures", "pin_locked_until"])
    audit_record(
        actor=actor, action="attendance.employee.pin", body_id=employee.site.body_id, obj=employee
    )


def pin_verify(*, site: Site, number: str, pin: str) -> Employee:
    """The employee with this staff number and PIN, or AttendanceError. Locks after failures."""
    wrong = AttendanceError(_("Staff number or PIN is wrong."))
    with transaction.atomic():
        employee = (
            Employee.objects.select_for_update()
            .filter(site=site, number=number.strip()[:20], active=True)
            .first()
        )
        if employee is None or not employee.pin_hash:
            make_password(pin[:20])  # as long as a real check: timing tells no staff numbers
            raise wrong
        now = timezone.now()
        if employee.pin_locked_until and employee.pin_locked_until > now:
            raise AttendanceError(
                _("Too many wrong PINs. Try again later or ask your administrator.")
            )
        if check_password(pin[:20], employee.pin_hash):
            if employee.pin_failures:
                employee.pin_failures = 0
                employee.save(update_fields=["pin_failures"])
            return employee
        employee.pin_failures += 1
        if employee.pin_failures >= PIN_MAX_FAILURES:
            employee.pin_failures = 0
            employee.pin_locked_until = now + dt.timedelta(minutes=PIN_LOCK_MINUTES)
        employee.save(update_fields=["pin_failures", "pin_locked_until"])
    raise wrong
