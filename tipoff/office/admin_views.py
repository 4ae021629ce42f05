"""Back-office pages for administrators and auditors: audit trail, settings, exclusions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.audit.services import audit_record, audit_verify
from tipoff.cases import permissions
from tipoff.cases.models import CaseExclusion, SanctionKind
from tipoff.cases.services import TransitionRefused
from tipoff.office.audit_log import (
    AuditFilterForm,
    audit_csv_response,
    audit_events,
    audit_rows,
    filters_used,
)
from tipoff.office.conflicts import exclusion_lift
from tipoff.office.decisions import sanction_kinds_seed
from tipoff.office.forms import DeadlinesForm, ReasonForm, SanctionKindForm
from tipoff.people.models import User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _audit_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not permissions.can_read_audit(user):
        raise PermissionDenied
    return user


def _audit_form(request: HttpRequest, user: User) -> AuditFilterForm:
    query = request.GET.copy()
    for name in ("page", "verify"):
        query.pop(name, None)
    assert user.body_id is not None
    return AuditFilterForm(query or None, body_id=user.body_id)


@permissions.staff_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = _audit_reader(request)
    form = _audit_form(request, user)
    assert user.body_id is not None
    events = audit_events(body_id=user.body_id, form=form)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    problem = audit_verify() if request.GET.get("verify") else None
    audit_record(
        actor=user,
        action="audit.viewed",
        body_id=user.body_id,
        details={"verify": bool(request.GET.get("verify")), "filters": filters_used(form)},
    )
    query = request.GET.copy()
    for name in ("page", "verify"):
        query.pop(name, None)
    return render(
        request,
        "office/audit.html",
        {
            "page": page,
            "rows": audit_rows(page),
            "form": form,
            "verified": bool(request.GET.get("verify")),
            "problem": problem,
            "query_string": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@permissions.staff_required
def audit_csv(request: HttpRequest) -> HttpResponseBase:
    user = _audit_reader(request)
    return audit_csv_response(user=user, form=_audit_form(request, user))


@permissions.staff_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_configure(user):
        raise PermissionDenied
    body = user.body
    assert body is not None
    sanction_kinds_seed(body=body)
    form = DeadlinesForm(
        request.POST if request.POST.get("form") == "deadlines" else None,
        initial={"acknowledge_days": body.acknowledge_days, "conclude_days": body.conclude_days},
    )
    kind_form = SanctionKindForm(request.POST if request.POST.get("form") == "sanction" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        before = {"acknowledge_days": body.acknowledge_days, "conclude_days": body.conclude_days}
        body.acknowledge_days, body.conclude_days = (
            form.cleaned_data["acknowledge_days"],
            form.cleaned_data["conclude_days"],
        )
        body.save(update_fields=["acknowledge_days", "conclude_days"])
        audit_record(
            actor=user,
            action="config.deadlines",
            body_id=body.pk,
            obj=body,
            details={"before": before, "after": form.cleaned_data},
        )
        messages.success(request, _("Deadlines saved. They apply to reports received from now on."))
        return redirect("office:settings")
    if request.method == "POST" and kind_form.is_bound and kind_form.is_valid():
        try:
            with transaction.atomic():
                kind = SanctionKind.objects.create(
                    body=body,
                    order=SanctionKind.objects.filter(body=body).count(),
                    **kind_form.cleaned_data,
                )
        except IntegrityError:
            kind_form.add_error("code", _("This code exists already."))
        else:
            audit_record(
                actor=user,
                action="config.sanction_added",
                body_id=body.pk,
                obj=kind,
                details=kind_form.cleaned_data,
            )
            messages.success(request, _("Measure added."))
            return redirect("office:settings")
    status = 400 if request.method == "POST" else 200
    kinds = SanctionKind.objects.filter(body=body)
    return render(
        request,
        "office/settings.html",
        {"form": form, "kind_form": kind_form, "kinds": kinds, "body": body},
        status=status,
    )


@require_POST
@permissions.staff_required
def sanction_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not permissions.can_configure(user):
        raise PermissionDenied
    kind = get_object_or_404(SanctionKind, pk=pk, body_id=user.body_id)
    kind.active = not kind.active
    kind.save(update_fields=["active"])
    audit_record(
        actor=user,
        action="config.sanction_toggled",
        body_id=user.body_id,
        obj=kind,
        details={"active": kind.active},
    )
    return redirect("office:settings")


@permissions.staff_required
def exclusions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_see_exclusions(user):
        raise PermissionDenied
    rows = (
        CaseExclusion.objects.filter(case__body=user.body)
        .select_related("case", "user", "created_by")
        .order_by("-created_at")
    )
    return render(request, "office/exclusions.html", {"rows": rows, "form": ReasonForm()})


@require_POST
@permissions.staff_required
def exclusion_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    exclusion = get_object_or_404(
        CaseExclusion.objects.select_related("case"), pk=pk, case__body_id=user.body_id
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("office:exclusions")
    try:
        exclusion_lift(exclusion=exclusion, actor=user, reason=form.cleaned_data["reason"])
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("office:exclusions")
    messages.success(request, _("The exclusion is lifted."))
    return redirect("office:exclusions")
