"""Writes about people: moving employees, consent, face enrollment (uploaded or
at a kiosk with a one-time code). Every change is audited.

Kiosks and PINs are in ``tipoff.attendance.devices``; records and reports are
written by ``tipoff.attendance.records``; kiosk attempts by ``checkin``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.attendance import codes, images, sealed
from tipoff.attendance.consent import CONSENT_VERSION
from tipoff.attendance.engine import engine
from tipoff.attendance.gallery import site_gallery
from tipoff.attendance.matching import template_of
from tipoff.attendance.models import Consent, Employee, Enrollment, EnrollmentCode, Kiosk, Site
from tipoff.audit.services import audit_record
from tipoff.people.models import User

ENROLL_MIN, ENROLL_MAX = 3, 5
# Photos of one person sit well within dlib's customary 1:1 distance of 0.6;
# a photo further than that from the others' mean is someone else.
SAME_PERSON_DISTANCE = 0.6
ENROLLMENT_CODE_MINUTES = 30


class AttendanceError(Exception):
    """A request that cannot be carried out; ``message`` is translated for the user."""

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


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
        vectors = sealed.open_vectors(
            bytes(old.embeddings),
            label=sealed.template_label(employee.pk, old_site_id, "embeddings"),
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
            "template": sealed.seal_vectors(
                template, label=sealed.template_label(employee.pk, site.pk, "template")
            ),
            "embeddings": sealed.seal_vectors(
                vectors, label=sealed.template_label(employee.pk, site.pk, "embeddings")
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
    code = codes.random_digits(8)
    EnrollmentCode.objects.filter(employee=employee, used_at__isnull=True).delete()
    EnrollmentCode.objects.create(
        employee=employee,
        code_hash=codes.code_hash(code, b"enroll-code"),
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


def enrollment_code_find(*, code: str, kiosk: Kiosk, lock: bool = False) -> EnrollmentCode:
    """The unused code typed at ``kiosk``; ``lock`` (inside a transaction) holds its row, so
    two kiosks sending the same code at once cannot both enroll with it."""
    codes_ = (
        EnrollmentCode.objects.select_for_update(of=("self",)) if lock else EnrollmentCode.objects
    )
    found = (
        codes_.filter(
            code_hash=codes.code_hash(codes.normalise_code(code), b"enroll-code"),
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
    entry = enrollment_code_find(code=code, kiosk=kiosk, lock=True)
    employee = entry.employee
    consent_record(employee=employee, how="kiosk", actor=entry.issued_by)
    enrollment = enrollment_create(
        employee=employee, photos=photos, actor=entry.issued_by, via=f"kiosk:{kiosk.pk}"
    )
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at"])
    return enrollment
