"""Issue 9.5: two administrators referring the same month at the same moment.

The second used to pass the "already referred?" check while the first was
still filing, file a second report, then fail on the unique constraint (500).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tipoff.attendance.models import CaseReferral
from tipoff.attendance.records import event_record, records_settle, referral_create
from tipoff.attendance.services import AttendanceError
from tipoff.reports import services
from tipoff.reports.models import Report

pytestmark = pytest.mark.django_db
SEPT = [dt.date(2026, 9, d) for d in range(1, 31)]
TZ = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_a_second_referral_during_the_first_is_refused_and_files_nothing(
    make_employee, site, staff, monkeypatch
):
    from tests.attendance.test_records import at

    employee = make_employee("Qian")
    real_submit = services.report_submit
    refused: list[str] = []

    def submit_while_someone_else_refers(**kwargs):
        try:
            referral_create(employee=employee, month=SEPT[0], actor=staff["admin"])
        except AttendanceError as exc:
            refused.append(str(exc))
        return real_submit(**kwargs)

    with time_machine.travel(at(dt.date(2026, 10, 2), 9), tick=False):
        for day in SEPT[:3]:
            event_record(employee=employee, at=at(day, 9, 20), direction="in", method="face")
        records_settle(site=site, first=SEPT[0], last=SEPT[-1])
        monkeypatch.setattr(services, "report_submit", submit_while_someone_else_refers)
        referral_create(employee=employee, month=SEPT[0], actor=staff["admin"])
    assert refused and "already" in refused[0]
    assert CaseReferral.objects.count() == 1 and Report.objects.count() == 1
