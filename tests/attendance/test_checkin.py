"""Kiosk attempts from real frames to a decision (LFW photos made into camera frames)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from tests.attendance.helpers import enrollment_photos, jpeg, kiosk_frame, lfw_photo, turn_frames
from tipoff.attendance import keys, liveness
from tipoff.attendance.checkin import challenge_issue, checkin_attempt, checkin_pin
from tipoff.attendance.devices import employee_set_pin
from tipoff.attendance.models import Attempt, DailyRecord, Event, Kiosk, Outcome
from tipoff.attendance.services import (
    AttendanceError,
    consent_record,
    enrollment_create,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 9, 14)


@pytest.fixture
def kiosk(site):
    return Kiosk.objects.create(site=site, name="Entrance")


@pytest.fixture
def jiang(make_employee, staff):
    employee = make_employee("Jiang")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment_create(
        employee=employee,
        photos=enrollment_photos("Jiang_Zemin"),
        actor=staff["admin"],
        via="upload",
    )
    return employee


def _attempt(kiosk, frames, kind=liveness.TURN_LEFT, direction="in"):
    challenge = challenge_issue(kiosk=kiosk)
    challenge.kind = kind
    challenge.save()
    return checkin_attempt(
        kiosk=kiosk, challenge_id=str(challenge.pk), direction=direction, frames=frames
    )


def test_an_enrolled_person_turning_as_asked_is_recognised_and_recorded(kiosk, jiang):
    with time_machine.travel(dt.datetime(2026, 9, 14, 8, 50, tzinfo=TZ), tick=False):
        decision = _attempt(kiosk, turn_frames("Jiang_Zemin"))
    assert decision.outcome == Outcome.RECOGNISED, decision.message
    assert decision.employee == jiang and decision.distance is not None and decision.distance < 0.44
    assert "Jiang" in decision.message and "08:50" in decision.message
    assert decision.detail == "Late by 20 minutes."
    event = Event.objects.get(employee=jiang)
    assert event.method == "face" and not event.flagged and event.direction == "in"
    assert DailyRecord.objects.get(employee=jiang, date=MONDAY).late_minutes == 20
    # A recognised attempt keeps no picture.
    assert Attempt.objects.get().snapshot is None

    # The mirrored sequence answers a "turn right" challenge; checking out early says so.
    with time_machine.travel(dt.datetime(2026, 9, 14, 17, 0, tzinfo=TZ), tick=False):
        decision = _attempt(
            kiosk, turn_frames("Jiang_Zemin", right=True), kind=liveness.TURN_RIGHT, direction="out"
        )
    assert decision.outcome == Outcome.RECOGNISED, decision.message
    assert decision.detail == "Leaving 30 minutes early."
    record = DailyRecord.objects.get(employee=jiang, date=MONDAY)
    assert (record.status, record.late_minutes, record.early_minutes) == ("late_and_early", 20, 30)


def test_turning_the_wrong_way_or_holding_up_a_photo_is_refused(kiosk, jiang):
    decision = _attempt(kiosk, turn_frames("Jiang_Zemin"), kind=liveness.TURN_RIGHT)
    assert decision.outcome == Outcome.NOT_LIVE
    photo = jpeg(kiosk_frame(lfw_photo("Jiang_Zemin", "0006")))
    decision = _attempt(kiosk, [photo] * 6)
    assert decision.outcome == Outcome.NOT_LIVE and "turn your head" in decision.message
    assert not Event.objects.exists()
    attempt = Attempt.objects.filter(reason="no_turn").get()
    assert attempt.needs_review and attempt.snapshot


def test_a_stranger_is_not_recognised_and_kept_for_review(kiosk, jiang):
    decision = _attempt(kiosk, turn_frames("Adrien_Brody"))
    assert decision.outcome in (Outcome.UNRECOGNISED, Outcome.DOUBTFUL)
    assert "PIN" in decision.message
    assert not Event.objects.exists()
    attempt = Attempt.objects.get()
    assert attempt.needs_review and attempt.purge_after > attempt.at
    snapshot = keys.open_snapshot(bytes(attempt.snapshot), attempt_key=str(attempt.key))
    assert Image.open(io.BytesIO(snapshot)).format == "JPEG"
    assert snapshot[:20] not in bytes(attempt.snapshot)


def test_a_challenge_is_used_once_and_bad_frames_are_refused(kiosk, jiang):
    challenge = challenge_issue(kiosk=kiosk)
    frames = turn_frames("Jiang_Zemin")
    checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id="not-a-uuid", direction="in", frames=frames)
    for bad in ([], [b"junk"], [b"x" * (2 * 1024 * 1024)]):
        challenge = challenge_issue(kiosk=kiosk)
        with pytest.raises(AttendanceError, match="no usable pictures"):
            checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=bad)
    other = Kiosk.objects.create(site=kiosk.site, name="Back door")
    challenge = challenge_issue(kiosk=other)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)


def test_pin_fallback_is_flagged_and_locks_after_failures(kiosk, jiang, staff):
    employee_set_pin(employee=jiang, pin="246810", actor=staff["admin"])
    frame = jpeg(kiosk_frame(lfw_photo("Jiang_Zemin", "0006")))
    decision = checkin_pin(
        kiosk=kiosk, number=jiang.number, pin="246810", direction="in", frame=frame
    )
    assert decision.outcome == Outcome.PIN and decision.employee == jiang
    event = Event.objects.get()
    assert event.method == "pin" and event.flagged
    attempt = Attempt.objects.get()
    assert attempt.needs_review and attempt.snapshot  # reviewed by an administrator later
    assert DailyRecord.objects.get(employee=jiang).flagged
    for _ in range(5):
        with pytest.raises(AttendanceError, match="wrong"):
            checkin_pin(kiosk=kiosk, number=jiang.number, pin="000000", direction="in", frame=None)
    with pytest.raises(AttendanceError, match="Too many"):
        checkin_pin(kiosk=kiosk, number=jiang.number, pin="246810", direction="in", frame=None)
    with pytest.raises(AttendanceError, match="4 to 8"):
        employee_set_pin(employee=jiang, pin="12a4", actor=staff["admin"])
