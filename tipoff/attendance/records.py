"""Writes about time: check-in events, daily records, leave, corrections, the
settlement of past days, and turning repeated lateness into a report.

A daily record is always recomputed from its inputs (events in the day's
window, leave, the working calendar, the latest correction), so it can be
refreshed any number of times with the same result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.attendance import schedule as rules
from tipoff.attendance.models import (
    CalendarDay,
    CaseReferral,
    Correction,
    DailyRecord,
    Employee,
    Event,
    Kiosk,
    Leave,
    Method,
    Schedule,
    Site,
    Status,
)
from tipoff.attendance.services import AttendanceError
from tipoff.audit.services import audit_record
from tipoff.people.models import User

REASON_MAX = 300


def rule_of(schedule: Schedule) -> rules.ShiftRule:
    return rules.ShiftRule(
        start=schedule.start,
        end=schedule.end,
        grace_minutes=schedule.grace_minutes,
        early_grace_minutes=schedule.early_grace_minutes,
        rest_weekdays=frozenset(int(d) for d in schedule.rest_weekdays or []),
        follows_calendar=schedule.follows_calendar,
    )


def site_zone(site: Site) -> ZoneInfo:
    return ZoneInfo(site.timezone)


def calendar_of(body_id: int, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    rows = CalendarDay.objects.filter(body_id=body_id, date__gte=first, date__lte=last)
    return {row.date: row.kind for row in rows}


def record_refresh(
    *, employee: Employee, day: dt.date, now: dt.datetime | None = None
) -> DailyRecord:
    """Recompute and store one employee's record for one day."""
    now = now or timezone.now()
    site, schedule = employee.site, employee.schedule
    rule, tz = rule_of(schedule), site_zone(site)
    opens, closes = rules.day_window(day, rule, tz)
    events = list(Event.objects.filter(employee=employee, at__gte=opens, at__lt=closes))
    on_leave = Leave.objects.filter(employee=employee, start__lte=day, end__gte=day).exists()
    result = rules.evaluate_day(
        day,
        rule,
        tz,
        calendar=calendar_of(site.body_id, day, day),
        events=[(e.at, e.direction) for e in events],
        on_leave=on_leave,
        now=now,
    )
    status, late, early = result.status, result.late_minutes, result.early_minutes
    correction = (
        Correction.objects.filter(employee=employee, date=day)
        .order_by("-created_at", "-id")
        .first()
    )
    if correction is not None:
        status = correction.status
        late = late if status in (Status.LATE, Status.LATE_AND_EARLY) else 0
        early = early if status in (Status.LEFT_EARLY, Status.LATE_AND_EARLY) else 0
    record, _created = DailyRecord.objects.update_or_create(
        employee=employee,
        date=day,
        defaults={
            "status": status,
            "arrival": result.arrival,
            "departure": result.departure,
            "late_minutes": late,
            "early_minutes": early,
            "corrected": correction is not None,
            "flagged": any(e.flagged for e in events),
        },
    )
    return record


def day_of_event(employee: Employee, at: dt.datetime) -> dt.date:
    return rules.day_of(at, rule_of(employee.schedule), site_zone(employee.site))


@transaction.atomic
def event_record(
    *,
    employee: Employee,
    at: dt.datetime,
    direction: str,
    method: str,
    distance: float | None = None,
    kiosk: Kiosk | None = None,
    attempt_id: int | None = None,
    actor: User | None = None,
    reason: str = "",
) -> tuple[Event, DailyRecord]:
    event = Event.objects.create(
        employee=employee,
        at=at,
        direction=direction,
        method=method,
        distance=distance,
        flagged=method != Method.FACE,
        kiosk=kiosk,
        attempt_id=attempt_id,
        entered_by=actor,
        reason=reason[:REASON_MAX],
    )
    record = record_refresh(employee=employee, day=day_of_event(employee, at))
    return event, record


def _reason(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise AttendanceError(_("Give a reason."))
    if len(cleaned) > REASON_MAX:
        raise AttendanceError(_("The reason is too long (at most 300 characters)."))
    return cleaned


@transaction.atomic
def punch_add(
    *, employee: Employee, at: dt.datetime, direction: str, reason: str, actor: User
) -> Event:
    """An administrator records a check-in or check-out the employee missed."""
    why = _reason(reason)
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise AttendanceError(_("A check-in cannot be in the future."))
    event, record = event_record(
        employee=employee, at=at, direction=direction, method=Method.MANUAL, actor=actor, reason=why
    )
    audit_record(
        actor=actor,
        action="attendance.punch.add",
        body_id=employee.site.body_id,
        obj=employee,
        details={
            "at": at.isoformat(),
            "direction": direction,
            "reason": why,
            "day": record.date.isoformat(),
        },
    )
    return event


@transaction.atomic
def leave_add(
    *, employee: Employee, start: dt.date, end: dt.date, kind: str, reason: str, actor: User
) -> Leave:
    why = _reason(reason)
    if end < start:
        raise AttendanceError(_("The last day of leave is before the first."))
    if (end - start).days > 366:
        raise AttendanceError(_("Leave can be entered for at most a year at a time."))
    leave = Leave.objects.create(
        employee=employee, start=start, end=end, kind=kind, reason=why, entered_by=actor
    )
    _refresh_range(employee, start, end)
    audit_record(
        actor=actor,
        action="attendance.leave.add",
        body_id=employee.site.body_id,
        obj=employee,
        details={"start": start.isoformat(), "end": end.isoformat(), "kind": kind, "reason": why},
    )
    return leave


@transaction.atomic
def leave_delete(*, leave: Leave, actor: User) -> None:
    employee, start, end = leave.employee, leave.start, leave.end
    audit_record(
        actor=actor,
        action="attendance.leave.delete",
        body_id=employee.site.body_id,
        obj=employee,
        details={"start": start.isoformat(), "end": end.isoformat(), "kind": leave.kind},
    )
    leave.delete()
    _refresh_range(employee, start, end)


@transaction.atomic
def correction_add(
    *, employee: Employee, day: dt.date, status: str, reason: str, actor: User
) -> DailyRecord:
    why = _reason(reason)
    if status not in Status.values or status == Status.PENDING:
        raise AttendanceError(_("Choose a status."))
    previous = (
        DailyRecord.objects.filter(employee=employee, date=day)
        .values_list("status", flat=True)
        .first()
    )
    Correction.objects.create(
        employee=employee, date=day, status=status, reason=why, entered_by=actor
    )
    record = record_refresh(employee=employee, day=day)
    audit_record(
        actor=actor,
        action="attendance.record.correct",
        body_id=employee.site.body_id,
        obj=employee,
        details={"day": day.isoformat(), "from": previous, "to": status, "reason": why},
    )
    return record


def _refresh_range(employee: Employee, start: dt.date, end: dt.date) -> None:
    today = timezone.now().astimezone(site_zone(employee.site)).date()
    day = start
    while day <= min(end, today):
        record_refresh(employee=employee, day=day)
        day += dt.timedelta(days=1)


def records_settle(
    *, site: Site, first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> int:
    """Recompute every active employee's records for ``first``..``last`` (marks absences)."""
    count = 0
    for employee in Employee.objects.filter(site=site, active=True).select_related(
        "site", "schedule"
    ):
        day = first
        while day <= last:
            with transaction.atomic():
                record_refresh(employee=employee, day=day, now=now)
            count += 1
            day += dt.timedelta(days=1)
    return count


def referral_create(
    *, employee: Employee, month: dt.date, actor: User, language: str = "zh-hans"
) -> CaseReferral:
    """File a report (category "absenteeism") about an employee's month through intake.

    The report is filed on its own (``report_submit`` commits before anything
    else); a claim on the employee and month, taken first, makes a second
    referral made at the same moment a clear refusal instead of a second report.
    """
    from tipoff.limits.counters import forget, once
    from tipoff.people.models import Category
    from tipoff.reports.services import ReportInput, SubmissionInvalid, report_submit

    month = month.replace(day=1)
    if CaseReferral.objects.filter(employee=employee, month=month).exists():
        raise AttendanceError(_("A case was already opened about this employee for this month."))
    body = employee.site.body
    category = Category.objects.filter(body=body, code="absenteeism", active=True).first()
    if category is None:
        raise AttendanceError(_('This body has no active "absenteeism" category.'))
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    records = list(
        DailyRecord.objects.filter(
            employee=employee, date__gte=month, date__lt=next_month
        ).order_by("date")
    )
    late = [r for r in records if r.status in (Status.LATE, Status.LATE_AND_EARLY)]
    absent = [r for r in records if r.status == Status.ABSENT]
    if not late and not absent:
        raise AttendanceError(_("This employee was neither late nor absent that month."))
    lines = [
        f"{r.date.isoformat()} {r.get_status_display()} {r.late_minutes or ''}".strip()
        for r in late + absent
    ]
    what = _(
        "Attendance records of %(month)s: late on %(late)d days (%(minutes)d minutes in all), "
        "absent without leave on %(absent)d days. Recorded by the attendance kiosks of %(site)s; "
        "referred by an administrator."
    ) % {
        "month": month.strftime("%Y-%m"),
        "late": len(late),
        "minutes": sum(r.late_minutes for r in late),
        "absent": len(absent),
        "site": employee.site.name(),
    }
    claim = f"attendance-referral:{employee.pk}:{month.isoformat()}"
    if CaseReferral.objects.filter(employee=employee, month=month).exists() or not once(
        claim, ttl=3600
    ):
        raise AttendanceError(_("A case was already opened about this employee for this month."))
    try:
        submitted = report_submit(
            data=ReportInput(
                body=body,
                channel="api",
                category_id=category.pk,
                unit_id=employee.unit_id,
                what=what,
                official_name=employee.name,
                official_position=employee.position,
                occurred_on=min(records[-1].date, timezone.localdate()) if records else None,
                when_detail=month.strftime("%Y-%m"),
                answers={"dates": "\n".join(sorted(lines))},
                language=language,
            )
        )
    except SubmissionInvalid as exc:
        forget(claim)
        raise AttendanceError(
            _("The report could not be filed: %(reason)s") % {"reason": exc}
        ) from exc
    except BaseException:
        forget(claim)
        raise
    with transaction.atomic():
        return _referral_record(employee, month, actor, submitted, late, absent)


def _referral_record(
    employee: Employee,
    month: dt.date,
    actor: User,
    submitted: Any,
    late: list[DailyRecord],
    absent: list[DailyRecord],
) -> CaseReferral:
    body = employee.site.body
    referral = CaseReferral.objects.create(
        employee=employee,
        month=month,
        late_days=len(late),
        absent_days=len(absent),
        report_id=submitted.report.pk,
        case_id=submitted.report.case_id,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="attendance.referral.create",
        body_id=body.pk,
        obj=employee,
        details={
            "month": month.isoformat(),
            "report": submitted.report.pk,
            "case": submitted.report.case_id,
        },
    )
    return referral
