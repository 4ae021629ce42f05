"""Staff pages for notices of typical cases, under /office/notices/.

Views parse input and call one service of ``notices.py``, which checks who
may do what; a page only hides buttons a person could not use anyway.
Every lookup is limited to the member's own body, so another body's ids
are not found.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tipoff.audit.models import AuditEvent
from tipoff.cases import permissions
from tipoff.people.access import body_object
from tipoff.people.models import User
from tipoff.transparency import notices, notices_selectors
from tipoff.transparency.models import Notice
from tipoff.transparency.notices_forms import NoticeForm, NoticeReasonForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not notices.can_read_notices(user):
        raise PermissionDenied
    return user


def _notice(request: HttpRequest, notice_id: int) -> Notice:
    return body_object(request, notices_selectors.notices_for_staff(_user(request)), notice_id)


@permissions.staff_required
def notice_index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "transparency/office/notices.html",
        {
            "notices": notices_selectors.notices_for_staff(user),
            "cases": notices_selectors.cases_to_notice(user)[:50],
            "can_draft": notices.can_work_on_notices(user),
        },
    )


@permissions.staff_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _reader(request)
    case = get_object_or_404(permissions.visible_cases(user), pk=case_id)
    if not notices.can_draft(user, case):
        raise PermissionDenied
    if request.method == "POST":
        try:
            notice = notices.notice_draft(case=case, actor=user)
        except notices.NoticeRefused as exc:
            messages.error(request, exc.message)
            return redirect("notices_office:index")
        messages.success(request, _("Draft started from the case's structured facts."))
        return redirect("notices_office:edit", notice.pk)
    return render(
        request,
        "transparency/office/notice_new.html",
        {"case": case, "facts": notices.notice_facts(case)},
    )


def _history(notice: Notice) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            body_id=notice.body_id, object_type="notice", object_id=str(notice.pk)
        )
        .select_related("actor")
        .order_by("seq")
    )


@permissions.staff_required
def notice_page(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = _reader(request)
    notice = _notice(request, notice_id)
    return render(
        request,
        "transparency/office/notice.html",
        {
            "notice": notice,
            "preview": notice,
            "history": _history(notice),
            "reason_form": NoticeReasonForm(),
            "may": {
                "edit": notices.can_edit(user, notice),
                "approve": notices.can_approve(user, notice),
                "return": notices.can_return(user, notice),
                "withdraw": notices.can_withdraw(user, notice),
            },
            "drafter_waits": notice.state == "pending" and notice.drafted_by_id == user.pk,
            "case_changed": notice.state != "withdrawn" and notices.case_changed(notice),
        },
    )


@permissions.staff_required
@require_http_methods(["GET", "POST"])
def notice_edit_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = _reader(request)
    notice = _notice(request, notice_id)
    if not notices.can_edit(user, notice):
        raise PermissionDenied
    initial = {
        "title_zh": notice.title_zh,
        "text_zh": notice.text_zh,
        "title_en": notice.title_en,
        "text_en": notice.text_en,
        "show_unit": notice.show_unit,
    }
    form = NoticeForm(request.POST or None, initial=initial)
    preview = notice
    status = 200
    if request.method == "POST":
        if form.is_valid():
            wording = form.wording()
            if "save" in request.POST:
                try:
                    notices.notice_edit(notice=notice, actor=user, wording=wording)
                except notices.NoticeRefused as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("notices_office:notice", notice.pk)
            # "Preview": what would be published, not saved.
            preview = _unsaved(notice, wording)
        if not form.is_valid():
            status = 400
    return render(
        request,
        "transparency/office/notice_edit.html",
        {"notice": notice, "form": form, "preview": preview},
        status=status,
    )


def _unsaved(notice: Notice, wording: notices.NoticeWording) -> Notice:
    """A copy with the new words for the preview; never saved."""
    shown = copy.copy(notice)
    wording = wording.cleaned()
    shown.title_zh, shown.text_zh = wording.title_zh, wording.text_zh
    shown.title_en, shown.text_en = wording.title_en, wording.text_en
    shown.show_unit = wording.show_unit
    return shown


STEPS: dict[str, Any] = {
    "submit": lambda notice, user, reason: notices.notice_submit(notice=notice, actor=user),
    "approve": lambda notice, user, reason: notices.notice_approve(notice=notice, actor=user),
    "return": lambda notice, user, reason: notices.notice_return(
        notice=notice, actor=user, reason=reason
    ),
    "withdraw": lambda notice, user, reason: notices.notice_withdraw(
        notice=notice, actor=user, reason=reason
    ),
}
DONE = {
    "submit": gettext_lazy("Sent for approval."),
    "approve": gettext_lazy("Approved and published."),
    "return": gettext_lazy("Returned to the drafter."),
    "withdraw": gettext_lazy("Withdrawn from the public site."),
}


@permissions.staff_required
@require_POST
def notice_step(request: HttpRequest, notice_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    user = _reader(request)
    notice = _notice(request, notice_id)
    if not notices.can_work_on_notices(user):
        raise PermissionDenied
    try:
        STEPS[step](notice, user, request.POST.get("reason", ""))
    except notices.NoticeRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(DONE[step]))
    return redirect("notices_office:notice", notice.pk)
