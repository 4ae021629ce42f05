"""Daily records from events, leave and corrections; settling past days; cases from lateness."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tipoff.attendance.models import CalendarDay, CaseReferral, DailyRecord, Leave, Schedule
from tipoff.attendance.records import (
    correction_add,
    event_record,
    leave_add,
    leave_delete,
    punch_add,
    records_settle,
    referral_create,
)
from tipoff.attendance.services import AttendanceError
from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify
from tipoff.reports.models import Report

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


SEPT = [dt.date(2026, 9, d) for d in range(1, 31)]


def test_events_leave_corrections_and_settlement(make_employee, site, staff):
    admin = staff["admin"]
    employee = make_employee("Li")
    tuesday, wednesday, thursday = SEPT[0], SEPT[1], SEPT[2]
    with time_machine.travel(at(dt.date(2026, 10, 1), 9), tick=False):
        event_record(
            employee=employee, at=at(tuesday, 8, 42), direction="in", method="face", distance=0.3
        )
        event_record(
            employee=employee, at=at(tuesday, 17, 31), direction="out", method="face", distance=0.3
        )
        leave_add(
            employee=employee,
            start=wednesday,
            end=wednesday,
            kind="sick",
            reason="Flu",
            actor=admin,
        )
        CalendarDay.objects.create(
            body=site.body, date=SEPT[4], kind="holiday", name="Holiday"
        )  # a Saturday anyway
        CalendarDay.objects.create(
            body=site.body, date=SEPT[6], kind="holiday", name="Mid-Autumn"
        )  # Monday
        CalendarDay.objects.create(
            body=site.body, date=SEPT[5], kind="workday", name="Swapped"
        )  # Sunday
        count = records_settle(site=site, first=SEPT[0], last=SEPT[7])
        assert count == 8
        records = {r.date: r for r in DailyRecord.objects.filter(employee=employee)}
        assert (records[tuesday].status, records[tuesday].late_minutes) == ("late", 12)
        assert records[wednesday].status == "leave"
        assert records[thursday].status == "absent"
        assert records[SEPT[5]].status == "absent"  # the swapped Sunday was a working day
        assert records[SEPT[6]].status == "rest"  # the Monday holiday was not

        # The administrator adds a forgotten check-in, then excuses a day, both with reasons.
        punch_add(
            employee=employee,
            at=at(thursday, 8, 20),
            direction="in",
            reason="Card reader down",
            actor=admin,
        )
        assert DailyRecord.objects.get(employee=employee, date=thursday).status == "missing_punch"
        record = correction_add(
            employee=employee,
            day=thursday,
            status="on_time",
            reason="Confirmed by the head of unit",
            actor=admin,
        )
        assert record.status == "on_time" and record.corrected and record.flagged
        with pytest.raises(AttendanceError, match="reason"):
            correction_add(
                employee=employee, day=thursday, status="late", reason="   ", actor=admin
            )
        with pytest.raises(AttendanceError, match="status"):
            correction_add(
                employee=employee, day=thursday, status="pending", reason="x", actor=admin
            )
        with pytest.raises(AttendanceError, match="before"):
            leave_add(
                employee=employee,
                start=thursday,
                end=tuesday,
                kind="annual",
                reason="x",
                actor=admin,
            )
        with pytest.raises(AttendanceError, match="future"):
            punch_add(
                employee=employee,
                at=at(dt.date(2026, 10, 2), 8),
                direction="in",
                reason="x",
                actor=admin,
            )

        leave_delete(leave=Leave.objects.get(), actor=admin)
        assert DailyRecord.objects.get(employee=employee, date=wednesday).status == "absent"

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        "attendance.leave.add",
        "attendance.punch.add",
        "attendance.record.correct",
        "attendance.leave.delete",
    ):
        assert action in actions
    assert audit_verify() is None


def test_overnight_schedule_records_the_night_on_the_day_it_started(make_employee, site, body):
    night = Schedule.objects.create(
        body=body.body,
        name="Night",
        start=dt.time(20),
        end=dt.time(8),
        grace_minutes=10,
        rest_weekdays=[],
    )
    guard = make_employee("Guard", schedule=night)
    with time_machine.travel(at(SEPT[2], 9), tick=False):
        event_record(employee=guard, at=at(SEPT[0], 20, 5), direction="in", method="face")
        _event, record = event_record(
            employee=guard, at=at(SEPT[1], 7, 45), direction="out", method="face"
        )
    assert record.date == SEPT[0]
    assert (record.status, record.late_minutes, record.early_minutes) == ("left_early", 0, 15)


def test_repeated_lateness_becomes_a_report_in_the_absenteeism_category(make_employee, site, staff):
    admin = staff["admin"]
    employee = make_employee("Zhao", position="Section chief")
    with time_machine.travel(at(dt.date(2026, 10, 2), 9), tick=False):
        for day in SEPT[:5]:
            event_record(employee=employee, at=at(day, 9, 5), direction="in", method="face")
            event_record(employee=employee, at=at(day, 17, 40), direction="out", method="face")
        records_settle(site=site, first=SEPT[0], last=SEPT[-1])
        referral = referral_create(employee=employee, month=SEPT[10], actor=admin)
        assert referral.month == SEPT[0]
        assert referral.late_days == 4  # Sept 5 was a Saturday
        assert referral.absent_days > 10
        report = Report.objects.get(pk=referral.report_id)
        assert (
            report.category.code == "absenteeism"
            and report.channel == "api"
            and report.unit_id == employee.unit_id
        )
        assert referral.case_id == report.case_id
        with pytest.raises(AttendanceError, match="already"):
            referral_create(employee=employee, month=SEPT[0], actor=admin)
    assert CaseReferral.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.referral.create").exists()


def test_nothing_to_refer_for_a_punctual_month(make_employee, staff):
    employee = make_employee("Punctual")
    with pytest.raises(AttendanceError, match="neither late nor absent"):
        referral_create(employee=employee, month=SEPT[0], actor=staff["admin"])
