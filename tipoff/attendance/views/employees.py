"""Administrators' pages about employees: the list, the form, and one employee's page
with consent, enrollment, PIN, leave, manual punches and corrections."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.attendance import devices, records, selectors, services
from tipoff.attendance.consent import CONSENT_VERSION, consent_paragraphs
from tipoff.attendance.forms import (
    CorrectionForm,
    EmployeeForm,
    LeaveForm,
    PhotosForm,
    PinForm,
    PunchForm,
)
from tipoff.attendance.models import Employee, Leave
from tipoff.attendance.monthly import month_bounds
from tipoff.attendance.views.access import admin_required, employee_of, site_of, staff
from tipoff.attendance.views.uploads import pictures_in_memory, read_files
from tipoff.audit.services import audit_record
from tipoff.lib.digits import number
from tipoff.people.models import Unit

PHOTO_MAX_BYTES = 8 * 1024 * 1024


@admin_required
def employee_list(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_of(request, site_id)
    unit_id = number(request.GET.get("unit", "")) or None
    query = request.GET.get("q", "").strip()[:50]
    rows = selectors.employees_of(site, unit_id=unit_id, query=query)
    units = Unit.objects.filter(body_id=site.body_id)
    return render(
        request,
        "attendance/employees.html",
        {"site": site, "employees": rows, "units": units, "unit_id": unit_id, "q": query},
    )


@admin_required
def employee_edit(
    request: HttpRequest, site_id: int, employee_id: int | None = None
) -> HttpResponse:
    site = site_of(request, site_id)
    user = staff(request)
    assert user.body is not None
    employee = employee_of(request, employee_id) if employee_id else None
    initial = {} if employee else {"site": site}
    form = EmployeeForm(request.POST or None, instance=employee, initial=initial, body=user.body)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            moving_to = (
                form.cleaned_data["site"]
                if employee and form.cleaned_data["site"].pk != employee.site_id
                else None
            )
            saved = form.save(commit=False)
            if moving_to is not None:
                saved.site_id = employee.site_id  # type: ignore[union-attr]
            saved.save()
            if moving_to is not None:
                services.employee_move(employee=saved, site=moving_to, actor=user)
            audit_record(
                actor=user,
                action="attendance.employee.save",
                body_id=user.body_id,
                obj=saved,
                details={"fields": sorted(form.changed_data)},
            )
        messages.success(request, _("Saved."))
        return redirect("attendance:employee", saved.pk)
    title = _("Edit employee") if employee else _("New employee")
    return render(
        request,
        "attendance/form.html",
        {"form": form, "title": title, "site": site},
        status=400 if form.errors else 200,
    )


def _month(request: HttpRequest) -> dt.date:
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1)
    except (ValueError, OverflowError):  # not "2026-05", or a year no calendar has
        return timezone.localdate().replace(day=1)


@admin_required
def employee_page(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    return _page(request, employee)


def _page(
    request: HttpRequest, employee: Employee, status: int = 200, **forms_: object
) -> HttpResponse:
    month = _month(request)
    first, last = month_bounds(month)
    context = {
        "employee": employee,
        "site": employee.site,
        "consent": services.consent_active(employee),
        "consent_text": consent_paragraphs(),
        "consent_version": CONSENT_VERSION,
        "enrollment": selectors.enrollment_of(employee),
        "records": selectors.records_of_employee(employee, first, last),
        "leaves": employee.leaves.all()[:20],
        "month": month,
        "photos_form": forms_.get("photos_form") or PhotosForm(),
        "pin_form": forms_.get("pin_form") or PinForm(),
        "leave_form": forms_.get("leave_form") or LeaveForm(),
        "punch_form": forms_.get("punch_form") or PunchForm(),
        "correction_form": forms_.get("correction_form") or CorrectionForm(),
        "problems": forms_.get("problems") or [],
    }
    return render(request, "attendance/employee.html", context, status=status)


@require_POST
@admin_required
def consent(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    if request.POST.get("action") == "withdraw":
        removed = services.consent_withdraw(employee=employee, actor=staff(request))
        messages.success(
            request,
            _("Consent withdrawn; %(count)d face template(s) deleted.") % {"count": removed},
        )
    return redirect("attendance:employee", employee.pk)


@pictures_in_memory(limit_mb=45)
@require_POST
@admin_required
def photos(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    form = PhotosForm(request.POST)
    if not form.is_valid():
        return _page(request, employee, 400, photos_form=form)
    try:
        with transaction.atomic():
            services.consent_record(employee=employee, how="paper", actor=staff(request))
            services.enrollment_create(
                employee=employee,
                photos=read_files(request, "photos", limit=PHOTO_MAX_BYTES),
                actor=staff(request),
                via="upload",
            )
    except services.AttendanceError as exc:
        return _page(
            request, employee, 400, photos_form=form, problems=[exc.message, *exc.problems]
        )
    messages.success(request, _("The face is enrolled. The photos were not kept."))
    return redirect("attendance:employee", employee.pk)


@require_POST
@admin_required
def enrollment_code(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    code = services.enrollment_code_issue(employee=employee, actor=staff(request))
    return render(
        request,
        "attendance/code.html",
        {
            "code": code,
            "employee": employee,
            "minutes": services.ENROLLMENT_CODE_MINUTES,
            "site": employee.site,
        },
    )


@require_POST
@admin_required
def pin(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    form = PinForm(request.POST)
    if not form.is_valid():
        return _page(request, employee, 400, pin_form=form)
    devices.employee_set_pin(employee=employee, pin=form.cleaned_data["pin"], actor=staff(request))
    messages.success(request, _("The PIN was set. Give it to the employee in person."))
    return redirect("attendance:employee", employee.pk)


def _apply(request: HttpRequest, employee: Employee, form_name: str, form, action) -> HttpResponse:
    if not form.is_valid():
        return _page(request, employee, 400, **{form_name: form})
    try:
        action(form.cleaned_data)
    except (services.AttendanceError, ValidationError) as exc:
        form.add_error(None, getattr(exc, "message", str(exc)))
        return _page(request, employee, 400, **{form_name: form})
    messages.success(request, _("Saved."))
    return redirect("attendance:employee", employee.pk)


@require_POST
@admin_required
def leave(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    user = staff(request)
    if request.POST.get("action") == "delete":
        raw = request.POST.get("leave", "")
        entry = get_object_or_404(Leave, pk=number(raw) or 0, employee=employee)
        records.leave_delete(leave=entry, actor=user)
        messages.success(request, _("Removed."))
        return redirect("attendance:employee", employee.pk)
    return _apply(
        request,
        employee,
        "leave_form",
        LeaveForm(request.POST),
        lambda d: records.leave_add(
            employee=employee,
            start=d["start"],
            end=d["end"],
            kind=d["kind"],
            reason=d["reason"],
            actor=user,
        ),
    )


@require_POST
@admin_required
def punch(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    user = staff(request)
    return _apply(
        request,
        employee,
        "punch_form",
        PunchForm(request.POST),
        lambda d: records.punch_add(
            employee=employee, at=d["at"], direction=d["direction"], reason=d["reason"], actor=user
        ),
    )


@require_POST
@admin_required
def correction(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = employee_of(request, employee_id)
    user = staff(request)
    return _apply(
        request,
        employee,
        "correction_form",
        CorrectionForm(request.POST),
        lambda d: records.correction_add(
            employee=employee, day=d["day"], status=d["status"], reason=d["reason"], actor=user
        ),
    )
