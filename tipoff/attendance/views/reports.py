"""Records of a day, monthly reports with charts and CSV, and repeated lateness."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.attendance import monthly, records, selectors, services
from tipoff.attendance.forms import MonthForm
from tipoff.attendance.views.access import (
    admin_required,
    employee_of,
    reader_required,
    site_of,
    staff,
)
from tipoff.people.models import Unit

MIN_LATE, MIN_ABSENT = 3, 1


@reader_required
def day(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_of(request, site_id)
    try:
        chosen = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        chosen = timezone.localdate()
    rows = selectors.records_of_day(site, chosen).order_by("employee__number")
    return render(request, "attendance/day.html", {"site": site, "day": chosen, "records": rows})


def _report(request: HttpRequest, site_id: int) -> monthly.MonthReport:
    site = site_of(request, site_id)
    form = MonthForm(request.GET)
    month = form.month_start(timezone.localdate())
    unit_id = form.cleaned_data.get("unit") if form.is_valid() else None
    return monthly.month_report(site, month, unit_id=unit_id)


@reader_required
def report(request: HttpRequest, site_id: int) -> HttpResponse:
    result = _report(request, site_id)
    previous = (result.month - dt.timedelta(days=1)).replace(day=1)
    following = (result.month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "attendance/report.html",
        {
            "site": result.site,
            "report": result,
            "days_chart": monthly.days_chart(result),
            "units_chart": monthly.units_chart(result),
            "labels": monthly.series_labels(),
            "units": Unit.objects.filter(body_id=result.site.body_id),
            "unit_id": request.GET.get("unit", ""),
            "month_text": result.month.strftime("%Y-%m"),
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
        },
    )


@reader_required
def report_csv(request: HttpRequest, site_id: int) -> HttpResponse:
    result = _report(request, site_id)
    response = HttpResponse(monthly.report_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{result.site.pk}-{result.month:%Y-%m}.csv"'
    )
    return response


@reader_required
def lateness(request: HttpRequest, site_id: int) -> HttpResponse:
    result = _report(request, site_id)
    referrals = selectors.referrals_of(result.site, result.month)
    rows = [
        (employee, tally, referrals.get(employee.pk))
        for employee, tally in monthly.repeated_lateness(
            result, min_late=MIN_LATE, min_absent=MIN_ABSENT
        )
    ]
    return render(
        request,
        "attendance/lateness.html",
        {
            "site": result.site,
            "rows": rows,
            "month_text": result.month.strftime("%Y-%m"),
            "min_late": MIN_LATE,
            "min_absent": MIN_ABSENT,
            "can_refer": staff(request).role == "admin",
        },
    )


@require_POST
@admin_required
def refer(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    form = MonthForm(request.POST)
    month = form.month_start(timezone.localdate())
    try:
        referral = records.referral_create(
            employee=employee,
            month=month,
            actor=staff(request),
            language=get_language() or "zh-hans",
        )
    except services.AttendanceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("A case was opened (report %(report)d).") % {"report": referral.report_id}
        )
    return redirect(f"{redirect('attendance:lateness', employee.site_id).url}?month={month:%Y-%m}")
