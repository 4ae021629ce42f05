"""Reviewing doubtful attempts: see the snapshot, confirm who it was or dismiss it; and
the snapshots of recent accepted check-ins, kept briefly for disputes.

Opening a snapshot is audited; once an attempt is reviewed its snapshot is deleted.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tipoff.attendance import records, sealed, selectors
from tipoff.attendance.models import Attempt, Employee
from tipoff.attendance.views.access import admin_required, site_of, staff
from tipoff.audit.services import audit_record
from tipoff.lib.crypto import DecryptionError
from tipoff.lib.digits import is_number
from tipoff.people.models import User


@admin_required
def review(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_of(request, site_id)
    attempts = selectors.attempts_to_review(site)[:100]
    checkins = selectors.checkins_with_snapshots(site)[:100]
    employees = Employee.objects.filter(site=site, active=True).order_by("number")
    return render(
        request,
        "attendance/review.html",
        {"site": site, "attempts": attempts, "checkins": checkins, "employees": employees},
    )


def _attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("site", "employee"),
        pk=attempt_id,
        site__body_id=staff(request).body_id,
    )


@require_safe
@admin_required
def snapshot(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    if not attempt.snapshot:
        return HttpResponse(status=404)
    try:
        picture = sealed.open_snapshot(bytes(attempt.snapshot), attempt_key=str(attempt.key))
    except DecryptionError:
        return HttpResponse(status=404)
    audit_record(
        actor=staff(request),
        action="attendance.snapshot.view",
        body_id=attempt.site.body_id,
        obj=attempt,
    )
    response = HttpResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@admin_required
def decide(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Confirm (optionally naming the employee, which records the check-in) or dismiss."""
    attempt = _attempt(request, attempt_id)
    user = staff(request)
    action = request.POST.get("action")
    with transaction.atomic():
        # Two administrators (or a double click) deciding at once: one decides, the other
        # finds it reviewed already.
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=attempt.pk)
        )
        if action not in ("confirm", "dismiss") or not attempt.needs_review:
            return redirect("attendance:review", attempt.site_id)
        return _decide(request, attempt, user, action)


def _decide(request: HttpRequest, attempt: Attempt, user: User, action: str) -> HttpResponse:
    result = "dismissed"
    if action == "confirm":
        employee = attempt.employee
        chosen = request.POST.get("employee", "")
        if chosen:
            if not is_number(chosen):
                messages.error(request, _("Choose who it was."))
                return redirect("attendance:review", attempt.site_id)
            employee = get_object_or_404(Employee, pk=int(chosen), site=attempt.site)
        if employee is None:
            messages.error(request, _("Choose who it was."))
            return redirect("attendance:review", attempt.site_id)
        already = attempt.events.exists()  # a PIN check-in is already recorded
        if not already:
            records.event_record(
                employee=employee,
                at=attempt.at,
                direction=attempt.direction,
                method="manual",
                attempt_id=attempt.pk,
                actor=user,
                reason=_("Confirmed from a kiosk snapshot"),
            )
        result = "confirmed"
    elif attempt.events.exists():
        # A dismissed PIN check-in was not the person: the event goes, the day is recomputed.
        for event in attempt.events.select_related(
            "employee", "employee__site", "employee__schedule"
        ):
            day = records.day_of_event(event.employee, event.at)
            event.delete()
            records.record_refresh(employee=event.employee, day=day)
    attempt.needs_review = False
    attempt.snapshot = None
    attempt.reviewed_by = user
    attempt.reviewed_at = timezone.now()
    attempt.review_result = result
    attempt.save()
    audit_record(
        actor=user, action=f"attendance.attempt.{result}", body_id=attempt.site.body_id, obj=attempt
    )
    messages.success(request, _("Reviewed; the snapshot was deleted."))
    return redirect("attendance:review", attempt.site_id)
