"""Key rotation for a body: a new key pair, every sealed key moved to it, a new recovery key.

Use it when a body key may have leaked (a staff device lost with its session,
a recovery key seen by the wrong person) or on a schedule. With the old
private key (from the recovery key), each report's data key, each case's key
and any legacy sealed district are opened and sealed again to the new public
key, and the back office's stored search segments (each report's words,
under a sub-key of the body key) are sealed again under the new sub-key, so
the old key opens none of them and search works at once; every staff member
who held the old key is granted the new one (sealing needs only their public
key, never their password); a new recovery key is made and shown once. Everyone of that body is signed out, since their
sessions hold the old key. The change is recorded in the audit trail.

Reports that arrive while it runs may still be sealed to the old public key;
a second pass after the commit moves them too.

``server_key_rotate`` does the same for the keys kept in the environment
(``CHANNELS_KEY``, ``ATTENDANCE_KEY``): each app seals its values again under
the new value (``tipoff/channels/rekey.py``, ``tipoff/attendance/rekey.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tipoff.audit.services import audit_record
from tipoff.cases.models import Case
from tipoff.lib import crypto, vault
from tipoff.lib.crypto import DecryptionError
from tipoff.lib.vault import KeptKey
from tipoff.people.models import Body, BodyKeyGrant, User
from tipoff.people.services import body_key_movers
from tipoff.people.signin import staff_sign_out_everywhere
from tipoff.reports.models import Report


@dataclass(frozen=True)
class Rotated:
    recovery_key: str
    reports: int
    cases: int
    grants: int


def _reseal(
    old_private: bytes, new_private: bytes, new_public: bytes, sealed: bytes
) -> bytes | None:
    """The same secret sealed to the new key, or None if it already is."""
    try:
        vault.open_sealed(new_private, sealed)
        return None
    except vault.DecryptionError:
        return vault.seal_to(new_public, vault.open_sealed(old_private, sealed))


def _move(body: Body, old_private: bytes, new_private: bytes) -> tuple[int, int]:
    new_public = crypto.public_from_private(new_private)
    reports = cases = 0
    for report in Report.objects.filter(body=body).only("pk", "sealed_key", "legacy_district"):
        changes = {}
        sealed = _reseal(old_private, new_private, new_public, bytes(report.sealed_key))
        if sealed is not None:
            changes["sealed_key"] = sealed
        if report.legacy_district:
            district = _reseal(old_private, new_private, new_public, bytes(report.legacy_district))
            if district is not None:
                changes["legacy_district"] = district
        if changes:
            Report.objects.filter(pk=report.pk).update(**changes)
            reports += 1
    for case in Case.objects.filter(body=body).exclude(sealed_key=b"").only("pk", "sealed_key"):
        sealed = _reseal(old_private, new_private, new_public, bytes(case.sealed_key))
        if sealed is not None:
            Case.objects.filter(pk=case.pk).update(sealed_key=sealed)
            cases += 1
    return reports, cases


def _move_derived(body: Body, old_private: bytes, new_private: bytes) -> dict[str, int]:
    """What other apps keep under keys derived from the body key (the search index)."""
    return {
        name: mover(body_id=body.pk, old_private_key=old_private, new_private_key=new_private)
        for name, mover in sorted(body_key_movers().items())
    }


def body_key_rotate(*, body: Body, old_private_key: bytes, actor: User | None = None) -> Rotated:
    if crypto.public_from_private(old_private_key) != bytes(body.public_key):
        raise ValueError("that is not this body's current key")
    pair = crypto.keypair()
    recovery = crypto.random_key()
    with transaction.atomic():
        locked = Body.objects.select_for_update().get(pk=body.pk)
        reports, cases = _move(locked, old_private_key, pair.private)
        derived = _move_derived(locked, old_private_key, pair.private)
        locked.public_key = pair.public
        locked.recovery_wrapped_key = crypto.encrypt(
            recovery, pair.private, label=f"body-recovery:{locked.slug}"
        )
        locked.save(update_fields=["public_key", "recovery_wrapped_key"])
        grants = 0
        for grant in BodyKeyGrant.objects.filter(body=locked).select_related("user__keyring"):
            grant.sealed_body_key = crypto.seal(bytes(grant.user.keyring.public_key), pair.private)
            grant.save(update_fields=["sealed_body_key"])
            grants += 1
        audit_record(
            actor=actor,
            action="body.key_rotated",
            body_id=locked.pk,
            obj=locked,
            details={"reports": reports, "cases": cases, "grants": grants, **derived},
        )
    # Anything sealed to the old public key by a request that read it before the commit.
    late_reports, late_cases = _move(body, old_private_key, pair.private)
    _move_derived(body, old_private_key, pair.private)
    for user in User.objects.filter(body=body):
        staff_sign_out_everywhere(user=user)
    return Rotated(
        recovery_key=crypto.recovery_key_text(recovery),
        reports=reports + late_reports,
        cases=cases + late_cases,
        grants=grants,
    )


def _rekeyers() -> dict[str, tuple[KeptKey, Callable[[KeptKey], dict[str, int]]]]:
    from tipoff.attendance.rekey import attendance_rekey
    from tipoff.attendance.sealed import ATTENDANCE_KEY
    from tipoff.channels.models import CHANNEL_KEY
    from tipoff.channels.rekey import channels_rekey

    return {
        "CHANNELS_KEY": (CHANNEL_KEY, channels_rekey),
        "ATTENDANCE_KEY": (ATTENDANCE_KEY, attendance_rekey),
    }


KEPT_KEYS = ("CHANNELS_KEY", "ATTENDANCE_KEY")


class WrongPreviousKey(Exception):
    """The previous value given does not open the stored values."""


def server_key_rotate(*, setting: str, previous: str) -> dict[str, int]:
    """Seal everything kept under ``setting`` again under its current value.

    The environment already holds the new value; ``previous`` is the old one.
    One transaction: a wrong ``previous`` raises ``WrongPreviousKey`` and changes nothing.
    """
    kept, rekey = _rekeyers()[setting]
    if previous == str(getattr(settings, setting, "")):
        raise ValueError(f"{setting} still has the previous value: set the new one first.")
    problems = kept.problems()
    if problems:
        raise ValueError(" ".join(problems))
    try:
        with transaction.atomic():
            counts = rekey(kept.previous(previous))
            audit_record(
                actor=None,
                action="server_key.rotated",
                object_type="setting",
                object_id=setting,
                details=counts,
            )
    except DecryptionError as exc:
        raise WrongPreviousKey(setting) from exc
    return counts
