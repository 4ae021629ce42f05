"""Enrollment and 1:N identification with real photos (../shared/data/faces/small)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from tests.attendance.helpers import FACES, faces_or_skip, jpeg
from tipoff.attendance import sealed
from tipoff.attendance.engine import engine
from tipoff.attendance.gallery import site_gallery
from tipoff.attendance.models import Enrollment
from tipoff.attendance.services import (
    AttendanceError,
    consent_record,
    consent_withdraw,
    enrollment_create,
    photo_check,
)
from tipoff.audit.models import AuditEvent
from tipoff.lib.crypto import DecryptionError

pytestmark = pytest.mark.django_db


def _enroll_all(johns, make_employee, admin):
    people = {}
    for name, photos in johns.items():
        employee = make_employee(name)
        consent_record(employee=employee, how="paper", actor=admin)
        enrollment_create(employee=employee, photos=photos[:5], actor=admin, via="upload")
        people[name] = employee
    return people


def test_enrolled_people_are_identified_and_strangers_are_not(johns, make_employee, site, staff):
    people = _enroll_all(johns, make_employee, staff["admin"])
    gallery = site_gallery(site)
    assert len(gallery) == 5
    face_engine = engine()
    threshold = face_engine.match_threshold
    from tipoff.attendance.images import decode

    correct = total = 0
    for name, photos in johns.items():
        for data in photos[5:]:
            image = decode(data)
            vector = face_engine.embed(image, face_engine.faces(image)[0])
            best = gallery.nearest(vector, k=1)[0]
            total += 1
            correct += best.person_id == people[name].pk and best.distance < threshold
    assert correct / total >= 0.9, f"identified {correct} of {total}"

    # Someone never enrolled (a different data set) matches nobody.
    stranger = decode((FACES / "small/knn_examples/train/obama/obama.jpg").read_bytes())
    vector = face_engine.embed(stranger, face_engine.faces(stranger)[0])
    assert gallery.nearest(vector, k=1)[0].distance >= threshold


def test_templates_are_encrypted_under_a_key_outside_the_database(
    johns, make_employee, staff, settings
):
    employee = make_employee("John")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment = enrollment_create(
        employee=employee, photos=johns["John_Simm"][:3], actor=staff["admin"], via="upload"
    )
    row = Enrollment.objects.get(pk=enrollment.pk)
    vectors = sealed.open_vectors(
        bytes(row.embeddings),
        label=sealed.template_label(employee.pk, employee.site_id, "embeddings"),
    )
    assert vectors.shape == (3, 128)
    # The stored bytes do not contain the embedding in clear.
    assert vectors[0].tobytes()[:16] not in bytes(row.embeddings)
    # Nor can a template be moved to another employee's row (the label binds it).
    with pytest.raises(DecryptionError):
        sealed.open_vectors(
            bytes(row.embeddings),
            label=sealed.template_label(employee.pk + 1, employee.site_id, "embeddings"),
        )
    # Another key (another deployment, or a dump without the environment) cannot open it.
    settings.ATTENDANCE_KEY = "another key entirely, not the one used to encrypt"
    with pytest.raises(DecryptionError):
        sealed.open_vectors(
            bytes(row.embeddings),
            label=sealed.template_label(employee.pk, employee.site_id, "embeddings"),
        )


def test_consent_is_required_and_withdrawal_deletes_the_template(johns, make_employee, site, staff):
    admin = staff["admin"]
    employee = make_employee("John")
    with pytest.raises(AttendanceError, match="consent"):
        enrollment_create(
            employee=employee, photos=johns["John_Simm"][:3], actor=admin, via="upload"
        )
    consent = consent_record(employee=employee, how="paper", actor=admin)
    assert consent.text_version and consent.recorded_by == admin and consent.given_at
    enrollment_create(employee=employee, photos=johns["John_Simm"][:3], actor=admin, via="upload")
    assert employee.pk in site_gallery(site)

    assert consent_withdraw(employee=employee, actor=admin) == 1
    row = Enrollment.objects.get(employee=employee)
    assert bytes(row.template) == b"" and bytes(row.embeddings) == b"" and not row.active
    assert employee.pk not in site_gallery(site)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "attendance.consent.record",
        "attendance.enrollment.create",
        "attendance.consent.withdraw",
    } <= actions


def _blurred(data: bytes) -> bytes:
    """Out of focus, yet still detectable as a face."""
    return jpeg(Image.open(io.BytesIO(data)).resize((300, 300)).filter(ImageFilter.GaussianBlur(6)))


def test_quality_checks_explain_what_is_wrong(johns, make_employee, staff):
    faces_or_skip()
    employee = make_employee("John")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    photos = johns["John_Salley"]
    group = (FACES / "small/knn_examples/test/obama_and_biden.jpg").read_bytes()
    blank = jpeg(Image.new("RGB", (400, 400), (200, 200, 200)))
    tiny = jpeg(Image.open(io.BytesIO(photos[0])).resize((60, 60)))

    cases = {
        blank: "No face",
        group: "More than one face",
        _blurred(photos[0]): "blurred",
        b"not an image at all": "not a readable image",
    }
    for data, expected in cases.items():
        with pytest.raises(AttendanceError) as info:
            enrollment_create(
                employee=employee, photos=[data, *photos[2:4]], actor=staff["admin"], via="upload"
            )
        assert any(expected in problem for problem in info.value.problems), info.value.problems
        check = photo_check(data)
        assert not check.ok and expected in check.message
    assert not photo_check(tiny).ok
    assert photo_check(photos[0]).ok

    with pytest.raises(AttendanceError, match="3 to 5"):
        enrollment_create(employee=employee, photos=photos[:2], actor=staff["admin"], via="upload")
    with pytest.raises(AttendanceError) as info:
        enrollment_create(
            employee=employee,
            photos=[*photos[:3], johns["John_Simm"][0]],
            actor=staff["admin"],
            via="upload",
        )
    assert any("same person" in p for p in info.value.problems)
    assert not Enrollment.objects.exists()


def test_a_face_enrolled_for_one_employee_cannot_be_enrolled_for_another(
    johns, make_employee, staff
):
    admin = staff["admin"]
    first, second = make_employee("First"), make_employee("Second")
    for employee in (first, second):
        consent_record(employee=employee, how="paper", actor=admin)
    enrollment_create(employee=first, photos=johns["John_Shimkus"][:4], actor=admin, via="upload")
    with pytest.raises(AttendanceError, match="already enrolled"):
        enrollment_create(
            employee=second, photos=johns["John_Shimkus"][4:8], actor=admin, via="upload"
        )
    # Re-enrolling the same person replaces their template.
    enrollment_create(employee=first, photos=johns["John_Shimkus"][4:8], actor=admin, via="upload")
    assert Enrollment.objects.get(employee=first).photo_count == 4


def test_embeddings_are_deterministic_and_float32(johns):
    from tipoff.attendance.images import decode

    image = decode(johns["John_Simm"][0])
    face_engine = engine()
    face = face_engine.faces(image)[0]
    a, b = face_engine.embed(image, face), face_engine.embed(image, face)
    assert a.dtype == np.float32 and a.shape == (face_engine.dimensions,)
    assert np.allclose(a, b)
