"""Administrators' pages: sites, schedules, the working calendar and kiosks."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.attendance import devices, selectors
from tipoff.attendance.forms import CalendarDayForm, KioskForm, ScheduleForm, SiteForm
from tipoff.attendance.models import CalendarDay, Kiosk, Schedule
from tipoff.attendance.views.access import admin_required, reader_required, site_of, staff
from tipoff.audit.services import audit_record


@reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    assert user.body is not None
    return render(
        request,
        "attendance/dashboard.html",
        {"sites": selectors.sites_of(user.body), "is_admin": user.role == "admin"},
    )


def _save(request: HttpRequest, form, action: str, **extra) -> None:
    user = staff(request)
    with transaction.atomic():
        obj = form.save(commit=False)
        for name, value in extra.items():
            setattr(obj, name, value)
        obj.save()
        form.save_m2m()
        audit_record(
            actor=user,
            action=action,
            body_id=user.body_id,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )


def _edit(request: HttpRequest, form, action: str, done: str, title: str, **extra) -> HttpResponse:
    """Save a valid posted form (audited), or show it again with its errors (400)."""
    if request.method == "POST" and form.is_valid():
        _save(request, form, action, **extra)
        messages.success(request, _("Saved."))
        return redirect(done)
    return render(
        request,
        "attendance/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@admin_required
def site_edit(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    site = site_of(request, site_id) if site_id else None
    form = SiteForm(request.POST or None, instance=site)
    title = _("Edit site") if site else _("New site")
    return _edit(
        request,
        form,
        "attendance.site.save",
        "attendance:dashboard",
        title,
        body_id=staff(request).body_id,
    )


@admin_required
def schedules(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    assert user.body is not None
    return render(
        request, "attendance/schedules.html", {"schedules": selectors.schedules_of(user.body)}
    )


@admin_required
def schedule_edit(request: HttpRequest, schedule_id: int | None = None) -> HttpResponse:
    user = staff(request)
    schedule = (
        get_object_or_404(Schedule, pk=schedule_id, body_id=user.body_id) if schedule_id else None
    )
    form = ScheduleForm(request.POST or None, instance=schedule)
    title = _("Edit schedule") if schedule else _("New schedule")
    return _edit(
        request,
        form,
        "attendance.schedule.save",
        "attendance:schedules",
        title,
        body_id=user.body_id,
    )


@admin_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    assert user.body is not None
    form = CalendarDayForm(request.POST or None, body=user.body)
    if request.method == "POST" and form.is_valid():
        _save(request, form, "attendance.calendar.add", body_id=user.body_id)
        messages.success(request, _("Saved."))
        return redirect("attendance:calendar")
    since = timezone.localdate().replace(month=1, day=1)
    days = selectors.calendar_of(user.body, since=since)
    return render(
        request,
        "attendance/calendar.html",
        {"form": form, "days": days},
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
@transaction.atomic  # the removal and its audit record commit together
def calendar_delete(request: HttpRequest, day_id: int) -> HttpResponse:
    user = staff(request)
    day = get_object_or_404(CalendarDay, pk=day_id, body_id=user.body_id)
    audit_record(
        actor=user,
        action="attendance.calendar.delete",
        body_id=user.body_id,
        obj=day,
        details={"date": day.date.isoformat()},
    )
    day.delete()
    messages.success(request, _("Removed."))
    return redirect("attendance:calendar")


@admin_required
def kiosks(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_of(request, site_id)
    form = KioskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _save(request, form, "attendance.kiosk.add", site=site)
        messages.success(request, _("Kiosk added. Give it a pairing code to connect a device."))
        return redirect("attendance:kiosks", site.pk)
    return render(
        request,
        "attendance/kiosks.html",
        {"site": site, "kiosks": selectors.kiosks_of(site), "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
def kiosk_action(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    kiosk = get_object_or_404(
        Kiosk.objects.select_related("site"), pk=kiosk_id, site__body_id=staff(request).body_id
    )
    action = request.POST.get("action")
    if action == "code":
        code = devices.kiosk_pairing_code(kiosk=kiosk, actor=staff(request))
        return render(
            request,
            "attendance/code.html",
            {"code": code, "kiosk": kiosk, "minutes": devices.PAIRING_MINUTES, "site": kiosk.site},
        )
    if action == "unpair":
        devices.kiosk_unpair(kiosk=kiosk, actor=staff(request))
        messages.success(request, _("The device was disconnected."))
    return redirect("attendance:kiosks", kiosk.site_id)
