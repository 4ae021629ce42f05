"""Kiosk attempts from real frames to a decision: genuine sequences rendered from LFW
photos (tipoff.attendance.pad.genuine), prints, strangers, the PIN fallback."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from PIL import Image

from tests.attendance.helpers import (
    attack_frames,
    enrollment_photos,
    jpeg,
    kiosk_frame,
    lfw_photo,
    rendered_frames,
)
from tipoff.attendance import liveness, sealed
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
def spencer(make_employee, staff):
    employee = make_employee("Spencer")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment_create(
        employee=employee,
        photos=enrollment_photos("Spencer_Abraham"),
        actor=staff["admin"],
        via="upload",
    )
    return employee


LEFT, RIGHT = "blink,turn_left", "turn_right,blink"


def _attempt(kiosk, frames, kind=LEFT, direction="in"):
    challenge = challenge_issue(kiosk=kiosk)
    challenge.kind = kind
    challenge.save()
    return checkin_attempt(
        kiosk=kiosk, challenge_id=str(challenge.pk), direction=direction, frames=frames
    )


def test_an_enrolled_person_doing_the_challenge_is_recognised_and_recorded(kiosk, spencer):
    # Rendered from photos that were not among the enrollment photos.
    with time_machine.travel(dt.datetime(2026, 9, 14, 8, 50, tzinfo=TZ), tick=False):
        decision = _attempt(kiosk, rendered_frames("Spencer_Abraham", "0003", LEFT))
    assert decision.outcome == Outcome.RECOGNISED, decision.message
    assert decision.employee == spencer and decision.distance is not None
    assert decision.distance < 0.44
    assert "Spencer" in decision.message and "08:50" in decision.message
    assert decision.detail == "Late by 20 minutes."
    event = Event.objects.get(employee=spencer)
    assert event.method == "face" and not event.flagged and event.direction == "in"
    assert DailyRecord.objects.get(employee=spencer, date=MONDAY).late_minutes == 20
    # An accepted check-in keeps an encrypted snapshot for the site's short retention.
    attempt = Attempt.objects.get()
    assert attempt.snapshot and not attempt.needs_review
    assert attempt.purge_after == attempt.at + dt.timedelta(days=kiosk.site.checkin_snapshot_days)
    sheet = Image.open(
        io.BytesIO(sealed.open_snapshot(bytes(attempt.snapshot), attempt_key=str(attempt.key)))
    )
    assert sheet.format == "JPEG" and sheet.width > 2 * sheet.height  # three frames side by side

    with time_machine.travel(dt.datetime(2026, 9, 14, 17, 0, tzinfo=TZ), tick=False):
        decision = _attempt(
            kiosk,
            rendered_frames("Spencer_Abraham", "0006", RIGHT, seed=2),
            kind=RIGHT,
            direction="out",
        )
    assert decision.outcome == Outcome.RECOGNISED, decision.message
    assert decision.detail == "Leaving 30 minutes early."
    record = DailyRecord.objects.get(employee=spencer, date=MONDAY)
    assert (record.status, record.late_minutes, record.early_minutes) == ("late_and_early", 20, 30)


def test_prints_are_refused_and_kept_for_review(kiosk, spencer):
    decision = _attempt(
        kiosk, rendered_frames("Spencer_Abraham", "0005", LEFT), kind="blink,turn_right"
    )
    assert decision.outcome == Outcome.NOT_LIVE and "other way" in decision.message
    sheared = attack_frames("sheared", "Spencer_Abraham", "0005", LEFT, seed=2)
    decision = _attempt(kiosk, sheared)
    assert decision.outcome == Outcome.NOT_LIVE and "turn your head" in decision.message
    swapped = attack_frames("swap", "Spencer_Abraham", "0005", LEFT, seed=1, other="0002")
    assert _attempt(kiosk, swapped).outcome == Outcome.NOT_LIVE
    still = [jpeg(kiosk_frame(lfw_photo("Spencer_Abraham", "0005")))] * liveness.Plan.parse(
        LEFT
    ).frames
    decision = _attempt(kiosk, still)
    assert decision.outcome == Outcome.NOT_LIVE and "blink" in decision.message
    assert not Event.objects.exists()
    attempts = Attempt.objects.filter(outcome=Outcome.NOT_LIVE)
    assert attempts.count() == 4 and all(a.needs_review and a.snapshot for a in attempts)


def test_a_stranger_is_not_recognised_and_kept_for_review(kiosk, spencer):
    decision = _attempt(kiosk, rendered_frames("Adrien_Brody", "0003", RIGHT, seed=2), kind=RIGHT)
    assert decision.outcome in (Outcome.UNRECOGNISED, Outcome.DOUBTFUL), decision.message
    assert "PIN" in decision.message
    assert not Event.objects.exists()
    attempt = Attempt.objects.get()
    assert attempt.needs_review and attempt.purge_after > attempt.at
    snapshot = sealed.open_snapshot(bytes(attempt.snapshot), attempt_key=str(attempt.key))
    assert Image.open(io.BytesIO(snapshot)).format == "JPEG"
    assert snapshot[:20] not in bytes(attempt.snapshot)


def test_a_challenge_is_used_once_and_bad_frames_are_refused(kiosk, spencer):
    challenge = challenge_issue(kiosk=kiosk)
    count = liveness.Plan.parse(challenge.kind).frames
    frame = jpeg(kiosk_frame(lfw_photo("Spencer_Abraham", "0005")))
    frames = [frame] * count
    checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id="not-a-uuid", direction="in", frames=frames)
    for bad in ([], [b"junk"] * count, [b"x" * (2 * 1024 * 1024)] * count, frames[:-1]):
        challenge = challenge_issue(kiosk=kiosk)
        with pytest.raises(AttendanceError, match="no usable pictures"):
            checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=bad)
    other = Kiosk.objects.create(site=kiosk.site, name="Back door")
    challenge = challenge_issue(kiosk=other)
    with pytest.raises(AttendanceError, match="expired"):
        checkin_attempt(kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames)


def test_pictures_without_a_face_are_not_live_and_never_a_500(kiosk, spencer):
    rng = np.random.default_rng(0)
    count = liveness.Plan.parse(LEFT).frames
    noise = [
        jpeg(Image.fromarray(rng.integers(0, 255, (120 + i, 160, 3), dtype=np.uint8)))
        for i in range(count)
    ]
    decision = _attempt(kiosk, noise)
    assert decision.outcome == Outcome.NOT_LIVE and "inside the frame" in decision.message
    assert Attempt.objects.get().snapshot is None  # nobody to see


def test_pin_fallback_is_flagged_and_locks_after_failures(kiosk, spencer, staff):
    jiang = spencer
    employee_set_pin(employee=jiang, pin="246810", actor=staff["admin"])
    frame = jpeg(kiosk_frame(lfw_photo("Spencer_Abraham", "0005")))
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
