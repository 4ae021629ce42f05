"""Writes about people and devices: sites, employees, consent, face enrollment,
kiosk pairing, enrollment codes and PINs. Every change is audited.

Records and reports are written by ``tipoff.attendance.records``; kiosk
attempts by ``tipoff.attendance.checkin``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.attendance import images, keys
from tipoff.attendance.consent import CONSENT_VERSION
from tipoff.attendance.engine import engine
from tipoff.attendance.gallery import site_gallery
from tipoff.attendance.matching import template_of
from tipoff.attendance.models import Consent, Employee, Enrollment, EnrollmentCode, Kiosk, Site
from tipoff.audit.services import audit_record
from tipoff.lib import crypto
from tipoff.people.models import User

ENROLL_MIN, ENROLL_MAX = 3, 5
# Photos of one person sit well within dlib's customary 1:1 distance of 0.6;
# a photo further than that from the others' mean is someone else.
SAME_PERSON_DISTANCE = 0.6
PAIRING_MINUTES = 15
ENROLLMENT_CODE_MINUTES = 30
PIN_MAX_FAILURES = 5
PIN_LOCK_MINUTES = 15


class AttendanceError(Exception):
    """A request that cannot be carried out; ``message`` is translated for the user."""

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


# --- codes and tokens -------------------------------------------------------------


def _code_hash(code: str, purpose: bytes) -> str:
    """Short codes are hashed under the attendance key, so a dump cannot brute-force them."""
    digest = crypto.keyed_hash(keys.attendance_key(), code.encode(), person=purpose)
    return digest.hex()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())[:12]


# --- sites and employees ------------------------------------------------------------


def _bump_gallery(site: Site) -> int:
    """Next gallery version of ``site``; the row lock orders concurrent enrollments."""
    Site.objects.select_for_update().filter(pk=site.pk).update(
        gallery_version=F("gallery_version") + 1
    )
    return int(Site.objects.values_list("gallery_version", flat=True).get(pk=site.pk))


@transaction.atomic
def employee_move(*, employee: Employee, site: Site, actor: User | None) -> None:
    """Move an employee to another site, taking their enrollment along."""
    old_site_id = employee.site_id
    if old_site_id == site.pk:
        return
    old = Enrollment.objects.filter(employee=employee, site_id=old_site_id, active=True).first()
    employee.site = site
    employee.save(update_fields=["site"])
    if old is not None:
        vectors = keys.open_vectors(
            bytes(old.embeddings), label=keys.template_label(employee.pk, old_site_id, "embeddings")
        )
        _enrollment_write(employee=employee, site=site, vectors=vectors)
        _enrollment_erase(old)
    audit_record(
        actor=actor,
        action="attendance.employee.move",
        body_id=site.body_id,
        obj=employee,
        details={"from_site": old_site_id, "to_site": site.pk},
    )


# --- consent and enrollment -----------------------------------------------------------


def consent_active(employee: Employee) -> Consent | None:
    return employee.consents.filter(withdrawn_at__isnull=True).first()


@transaction.atomic
def consent_record(*, employee: Employee, how: str, actor: User | None) -> Consent:
    existing = consent_active(employee)
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        employee=employee,
        text_version=CONSENT_VERSION,
        given_at=timezone.now(),
        how=how,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="attendance.consent.record",
        body_id=employee.site.body_id,
        obj=employee,
        details={"version": CONSENT_VERSION, "how": how},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, employee: Employee, actor: User | None) -> int:
    """Withdraw consent and delete the employee's templates. Returns templates deleted."""
    now = timezone.now()
    employee.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_by=actor)
    erased = 0
    for enrollment in Enrollment.objects.filter(employee=employee, active=True).select_related(
        "site"
    ):
        _enrollment_erase(enrollment)
        erased += 1
    audit_record(
        actor=actor,
        action="attendance.consent.withdraw",
        body_id=employee.site.body_id,
        obj=employee,
        details={"templates_deleted": erased},
    )
    return erased


def _enrollment_erase(enrollment: Enrollment) -> None:
    enrollment.template = b""
    enrollment.embeddings = b""
    enrollment.photo_count = 0
    enrollment.active = False
    enrollment.version = _bump_gallery(enrollment.site)
    enrollment.updated_at = timezone.now()
    enrollment.save()


def _enrollment_write(*, employee: Employee, site: Site, vectors: np.ndarray) -> Enrollment:
    template = template_of(vectors)
    enrollment, _created = Enrollment.objects.update_or_create(
        employee=employee,
        site=site,
        defaults={
            "engine": engine().name,
            "photo_count": len(vectors),
            "template": keys.seal_vectors(
                template, label=keys.template_label(employee.pk, site.pk, "template")
            ),
            "embeddings": keys.seal_vectors(
                vectors, label=keys.template_label(employee.pk, site.pk, "embeddings")
            ),
            "active": True,
            "version": _bump_gallery(site),
            "updated_at": timezone.now(),
        },
    )
    return enrollment


@dataclass(frozen=True)
class PhotoCheck:
    ok: bool
    message: str


def photo_check(data: bytes) -> PhotoCheck:
    """Quality of one enrollment photo (no embedding): for the kiosk's live feedback."""
    try:
        image = images.decode(data)
    except images.BadImage as exc:
        return PhotoCheck(False, exc.message)
    problem = images.check_quality(image, engine().faces(image))
    return PhotoCheck(problem is None, problem.message if problem else _("Good."))


def enrollment_embeddings(photos: Sequence[bytes]) -> np.ndarray:
    """Embeddings of 3-5 photos of one person, or AttendanceError saying what is wrong."""
    if not ENROLL_MIN <= len(photos) <= ENROLL_MAX:
        raise AttendanceError(_("Enrollment needs from 3 to 5 photos."))
    face_engine = engine()
    problems: list[str] = []
    vectors = []
    for number, data in enumerate(photos, start=1):
        try:
            image = images.decode(data)
        except images.BadImage as exc:
            problems.append(_("Photo %(n)d: %(reason)s") % {"n": number, "reason": exc.message})
            continue
        faces = face_engine.faces(image) or (
            face_engine.faces(image, upsample=1) if max(image.shape) <= 640 else []
        )
        problem = images.check_quality(image, faces)
        if problem:
            problems.append(_("Photo %(n)d: %(reason)s") % {"n": number, "reason": problem.message})
            continue
        vectors.append(face_engine.embed(image, faces[0]))
    if problems:
        raise AttendanceError(_("Some photos cannot be used."), problems)
    stacked = np.asarray(vectors, dtype=np.float32)
    for index in range(len(stacked)):
        others = np.delete(stacked, index, axis=0).mean(axis=0)
        if float(np.linalg.norm(stacked[index] - others)) > SAME_PERSON_DISTANCE:
            problems.append(
                _("Photo %(n)d does not seem to show the same person as the others.")
                % {"n": index + 1}
            )
    if problems:
        raise AttendanceError(_("Some photos cannot be used."), problems)
    return stacked


@transaction.atomic
def enrollment_create(
    *, employee: Employee, photos: Sequence[bytes], actor: User | None, via: str
) -> Enrollment:
    """Enroll 3-5 photos as the employee's template at their site. Photos are not kept."""
    if consent_active(employee) is None:
        raise AttendanceError(_("Record the employee's consent before enrolling their face."))
    vectors = enrollment_embeddings(photos)
    site = employee.site
    threshold = site.match_threshold or engine().match_threshold
    for candidate in site_gallery(site).nearest(template_of(vectors), k=2):
        if candidate.person_id != employee.pk and candidate.distance < threshold:
            raise AttendanceError(
                _("This face is already enrolled for another employee of this site.")
            )
    enrollment = _enrollment_write(employee=employee, site=site, vectors=vectors)
    audit_record(
        actor=actor,
        action="attendance.enrollment.create",
        body_id=site.body_id,
        obj=employee,
        details={"photos": len(vectors), "via": via},
    )
    return enrollment


# --- enrollment codes (enrolling at a kiosk) -------------------------------------------


@transaction.atomic
def enrollment_code_issue(*, employee: Employee, actor: User) -> str:
    code = _digits(8)
    EnrollmentCode.objects.filter(employee=employee, used_at__isnull=True).delete()
    EnrollmentCode.objects.create(
        employee=employee,
        code_hash=_code_hash(code, b"enroll-code"),
        issued_by=actor,
        expires_at=timezone.now() + dt.timedelta(minutes=ENROLLMENT_CODE_MINUTES),
    )
    audit_record(
        actor=actor,
        action="attendance.enrollment.code",
        body_id=employee.site.body_id,
        obj=employee,
    )
    return code


def enrollment_code_find(*, code: str, kiosk: Kiosk) -> EnrollmentCode:
    found = (
        EnrollmentCode.objects.filter(
            code_hash=_code_hash(normalise_code(code), b"enroll-code"),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            employee__site_id=kiosk.site_id,
            employee__active=True,
        )
        .select_related("employee", "employee__site")
        .first()
    )
    if found is None:
        raise AttendanceError(
            _("This enrollment code is wrong or has expired. Ask your administrator for a new one.")
        )
    return found


@transaction.atomic
def enrollment_at_kiosk(
    *, code: str, kiosk: Kiosk, photos: Sequence[bytes], consent_given: bool
) -> Enrollment:
    """The employee agreed on the kiosk's screen and took their photos there."""
    if not consent_given:
        raise AttendanceError(_("Enrollment needs your consent."))
    entry = enrollment_code_find(code=code, kiosk=kiosk)
    employee = entry.employee
    consent_record(employee=employee, how="kiosk", actor=entry.issued_by)
    enrollment = enrollment_create(
        employee=employee, photos=photos, actor=entry.issued_by, via=f"kiosk:{kiosk.pk}"
    )
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at"])
    return enrollment


# --- kiosks ---------------------------------------------------------------------------


@transaction.atomic
def kiosk_pairing_code(*, kiosk: Kiosk, actor: User | None) -> str:
    """A new one-time pairing code; pairing with it replaces the kiosk's device."""
    code = _digits(8)
    kiosk.pairing_code_hash = _code_hash(code, b"kiosk-pairing")
    kiosk.pairing_expires_at = timezone.now() + dt.timedelta(minutes=PAIRING_MINUTES)
    kiosk.save(update_fields=["pairing_code_hash", "pairing_expires_at"])
    audit_record(
        actor=actor, action="attendance.kiosk.pairing_code", body_id=kiosk.site.body_id, obj=kiosk
    )
    return code


@transaction.atomic
def kiosk_pair(*, code: str) -> tuple[Kiosk, str]:
    """Redeem a pairing code; returns the kiosk and its new device token (for the cookie)."""
    digits = normalise_code(code)
    kiosk = (
        Kiosk.objects.select_for_update()
        .filter(
            pairing_code_hash=_code_hash(digits, b"kiosk-pairing"),
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
    kiosk.token_hash = _token_hash(token)
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
        Kiosk.objects.filter(token_hash=_token_hash(token), active=True)
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
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
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
