"""Reads for the attendance pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from tipoff.attendance.models import (
    Attempt,
    CalendarDay,
    CaseReferral,
    DailyRecord,
    Employee,
    Enrollment,
    Kiosk,
    Schedule,
    Site,
)
from tipoff.people.models import Body


def sites_of(body: Body) -> QuerySet[Site]:
    return Site.objects.filter(body=body).annotate(
        employee_count=Count("employees", filter=Q(employees__active=True), distinct=True),
        review_count=Count("attempts", filter=Q(attempts__needs_review=True), distinct=True),
    )


def schedules_of(body: Body) -> QuerySet[Schedule]:
    return Schedule.objects.filter(body=body)


def calendar_of(body: Body, *, since: dt.date) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(body=body, date__gte=since).order_by("date")


def employees_of(site: Site, *, unit_id: int | None = None, query: str = "") -> QuerySet[Employee]:
    rows = Employee.objects.filter(site=site).select_related("unit", "schedule", "user")
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(number__icontains=query))
    enrolled = Enrollment.objects.filter(site=site, active=True).values_list(
        "employee_id", flat=True
    )
    return rows.annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__in=enrolled))
    ).order_by("number")


def enrollment_of(employee: Employee) -> Enrollment | None:
    return Enrollment.objects.filter(
        employee=employee, site_id=employee.site_id, active=True
    ).first()


def kiosks_of(site: Site) -> QuerySet[Kiosk]:
    return Kiosk.objects.filter(site=site).order_by("name")


def attempts_to_review(site: Site) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(site=site, needs_review=True)
        .select_related("employee", "kiosk")
        .order_by("-at")
    )


def checkins_with_snapshots(site: Site) -> QuerySet[Attempt]:
    """Accepted check-ins whose snapshot is still kept (for disputes and spotting spoofs)."""
    return (
        Attempt.objects.filter(site=site, needs_review=False, snapshot__isnull=False)
        .select_related("employee", "kiosk")
        .order_by("-at")
    )


def records_of_day(site: Site, day: dt.date) -> QuerySet[DailyRecord]:
    return DailyRecord.objects.filter(employee__site=site, date=day).select_related(
        "employee", "employee__unit"
    )


def records_of_employee(employee: Employee, first: dt.date, last: dt.date) -> QuerySet[DailyRecord]:
    return DailyRecord.objects.filter(employee=employee, date__gte=first, date__lte=last).order_by(
        "date"
    )


def referrals_of(site: Site, month: dt.date) -> dict[int, CaseReferral]:
    return {r.employee_id: r for r in CaseReferral.objects.filter(employee__site=site, month=month)}
