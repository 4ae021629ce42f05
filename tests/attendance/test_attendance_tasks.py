"""Housekeeping (expired snapshots, settling days) and moving an employee between sites."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import numpy as np
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tipoff.attendance.checkin import _attempt
from tipoff.attendance.gallery import site_gallery
from tipoff.attendance.models import Attempt, DailyRecord, Enrollment, Kiosk, Site
from tipoff.attendance.services import _enrollment_write, employee_move
from tipoff.attendance.tasks import attendance_housekeeping, snapshots_purge

pytestmark = pytest.mark.django_db


def test_snapshots_are_deleted_after_the_sites_review_period(site, make_employee):
    kiosk = Kiosk.objects.create(site=site, name="Gate")
    picture = np.zeros((48, 64, 3), dtype=np.uint8)
    attempt = _attempt(
        kiosk=kiosk, direction="in", outcome="unrecognised", reason="", images=[picture]
    )
    assert attempt.snapshot and attempt.purge_after == attempt.at + dt.timedelta(
        days=site.review_days
    )
    # An accepted check-in keeps its frames for the site's shorter period.
    accepted = _attempt(
        kiosk=kiosk,
        direction="in",
        outcome="recognised",
        reason="",
        images=[picture, picture, picture],
        employee=make_employee("Ok"),
    )
    assert site.checkin_snapshot_days < site.review_days
    assert accepted.snapshot and not accepted.needs_review
    assert snapshots_purge() == 0
    with time_machine.travel(
        accepted.at + dt.timedelta(days=site.checkin_snapshot_days, minutes=1)
    ):
        assert snapshots_purge() == 1
    accepted = Attempt.objects.get(pk=accepted.pk)
    assert accepted.snapshot is None and accepted.review_result == ""
    assert Attempt.objects.get(pk=attempt.pk).snapshot
    with time_machine.travel(attempt.at + dt.timedelta(days=site.review_days, minutes=1)):
        assert snapshots_purge() == 1
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert (
        attempt.snapshot is None and not attempt.needs_review and attempt.review_result == "expired"
    )


def test_settle_command_marks_absences_once_a_day_is_over(site, make_employee):
    employee = make_employee("Absent")
    out = StringIO()
    call_command("attendance_settle", "--days", "3", stdout=out)
    assert "day records recomputed" in out.getvalue()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    record = DailyRecord.objects.get(employee=employee, date=yesterday)
    assert record.status in ("absent", "rest")
    assert attendance_housekeeping.call()["settled"] >= 4


def test_moving_an_employee_takes_their_template_along(site, make_employee, staff, body):
    employee = make_employee("Mover")
    vectors = np.random.default_rng(1).normal(size=(3, 128)).astype(np.float32) / 10
    _enrollment_write(employee=employee, site=site, vectors=vectors)
    assert employee.pk in site_gallery(site)
    annex = Site.objects.create(body=body.body, name_zh="分院", name_en="Annex")
    employee_move(employee=employee, site=annex, actor=staff["admin"])
    assert employee.pk not in site_gallery(site) and employee.pk in site_gallery(annex)
    old = Enrollment.objects.get(employee=employee, site=site)
    assert not old.active and bytes(old.embeddings) == b""
