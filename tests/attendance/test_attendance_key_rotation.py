"""``manage.py key_rotate ATTENDANCE_KEY``: a new key, and nobody has to enroll again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tipoff.attendance import sealed
from tipoff.attendance.gallery import forget_galleries, site_gallery
from tipoff.attendance.matching import template_of
from tipoff.attendance.models import Attempt, Enrollment, Site
from tipoff.attendance.services import _enrollment_write
from tipoff.lib.crypto import DecryptionError

NEW = "the-new-attendance-key-0123456789abcdefghij"


def _vectors(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(3, 128)).astype(np.float32) / 10


def _previous(tmp_path: Path, value: str) -> str:
    path = tmp_path / "previous"
    path.write_text(value)
    return str(path)


@pytest.mark.django_db
def test_templates_and_snapshots_open_under_the_new_key(
    site: Site, make_employee, settings, tmp_path: Path
):
    alice = make_employee("Alice")
    _enrollment_write(employee=alice, site=site, vectors=_vectors(7))
    attempt = Attempt.objects.create(
        site=site, at=timezone.now(), direction="in", outcome="doubtful", needs_review=True
    )
    attempt.snapshot = sealed.seal_snapshot(
        b"\xff\xd8 frames \xff\xd9", attempt_key=str(attempt.key)
    )
    attempt.save(update_fields=["snapshot"])
    old = settings.ATTENDANCE_KEY

    settings.ATTENDANCE_KEY = NEW
    forget_galleries()
    with pytest.raises(DecryptionError):
        site_gallery(site)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("key_rotate", "ATTENDANCE_KEY", previous_file=_previous(tmp_path, "y" * 40))
    call_command("key_rotate", "ATTENDANCE_KEY", previous_file=_previous(tmp_path, old))

    forget_galleries()
    hit = site_gallery(site).nearest(template_of(_vectors(7)), k=1)[0]
    assert hit.person_id == alice.pk and hit.distance < 1e-5
    row = Enrollment.objects.get(employee=alice)
    label = sealed.template_label(alice.pk, site.pk, "embeddings")
    assert sealed.open_vectors(bytes(row.embeddings), label=label).shape == (3, 128)
    attempt.refresh_from_db()
    assert sealed.open_snapshot(bytes(attempt.snapshot), attempt_key=str(attempt.key)).startswith(
        b"\xff\xd8"
    )
