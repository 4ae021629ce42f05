"""One handler per case action: parse the posted form, call one service.

A handler returns ``None`` when the action was done, or a dict of bound
forms with errors, which the view shows again on the case page with a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tipoff.cases import deadlines
from tipoff.cases.models import Case, SanctionKind
from tipoff.cases.services import TransitionRefused
from tipoff.office import conflicts, decisions, forms, investigation, triage
from tipoff.office.presenters import assign_choices
from tipoff.people.models import User
from tipoff.reports.selectors import case_reports
from tipoff.reports.services import SubmissionInvalid

Bound = dict[str, Any]
Handler = Callable[[HttpRequest, Case, User, bytes | None], Bound | None]

# Actions that decrypt or encrypt, and so need the body key in the session.
NEEDS_KEY = {
    "accept",
    "reject",
    "forward",
    "merge",
    "note",
    "message",
    "file",
    "propose",
    "approve",
}


class KeyMissing(Exception):
    """The signed-in session holds no key for this body."""


def _key(body_key: bytes | None) -> bytes:
    if body_key is None:
        raise KeyMissing
    return body_key


def _accept(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    triage.case_accept(case=case, actor=user, body_key=_key(key))
    return None


def _reject(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        return {"reject": form}
    triage.case_reject(
        case=case, actor=user, reason=form.cleaned_data["reason"], body_key=_key(key)
    )
    return None


def _forward(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.ForwardForm(request.POST, case=case)
    if not form.is_valid():
        return {"forward": form}
    triage.case_forward(
        case=case,
        actor=user,
        target_body=form.cleaned_data["target"],
        reason=form.cleaned_data["reason"],
        body_key=_key(key),
    )
    return None


def _merge(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.MergeForm(request.POST, case=case, actor=user)
    if not form.is_valid():
        return {"merge": form}
    triage.case_merge(
        case=case,
        actor=user,
        target=form.cleaned_data["target"],
        reason=form.cleaned_data["reason"],
        body_key=_key(key),
    )
    return None


def _assign(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    teams, people = assign_choices(case, user)
    form = forms.AssignForm(request.POST, case=case, teams=teams, people=people)
    if not form.is_valid():
        return {"assign": form}
    triage.case_assign(
        case=case,
        actor=user,
        team=form.cleaned_data["team"],
        inspector=form.cleaned_data["inspector"],
        reason=form.cleaned_data["reason"],
    )
    return None


def _start(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    decisions.case_start(case=case, actor=user)
    return None


def _note(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return {"note": form}
    investigation.note_add(
        case=case, actor=user, text=form.cleaned_data["text"], body_key=_key(key)
    )
    return None


def _message(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    reports = {r.pk: r for r in case_reports(case)}
    form = forms.MessageForm(request.POST, report_choices=[(pk, str(pk)) for pk in reports])
    if not form.is_valid():
        return {"message": form}
    investigation.case_message(
        case=case,
        actor=user,
        report=reports[form.cleaned_data["report"]],
        text=form.cleaned_data["text"],
        body_key=_key(key),
    )
    return None


def _file(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return {"file": form}
    upload = form.cleaned_data["file"]
    investigation.case_file_add(
        case=case, actor=user, name=upload.name or "", data=upload.read(), body_key=_key(key)
    )
    return None


def _propose(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    kinds = SanctionKind.objects.filter(body_id=case.body_id, active=True)
    form = forms.DecisionForm(request.POST)
    formset = forms.SanctionFormSet(request.POST, prefix="sanction", form_kwargs={"kinds": kinds})
    if not (form.is_valid() and formset.is_valid()):
        return {"propose": form, "sanctions": formset}
    sanctions = [
        decisions.SanctionInput(
            official_name=row["official_name"],
            official_position=row.get("official_position", ""),
            kind_id=row["kind"].pk,
        )
        for row in formset.cleaned_data
        if row and row.get("official_name") and row.get("kind")
    ]
    decisions.decision_propose(
        case=case,
        actor=user,
        finding=form.cleaned_data["finding"],
        summary=form.cleaned_data["summary"],
        reasoning=form.cleaned_data["reasoning"],
        sanctions=sanctions,
        body_key=_key(key),
    )
    return None


def _approve(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    decisions.decision_approve(case=case, actor=user, body_key=_key(key))
    return None


def _with_reason(action: str, form_class: type, run: Callable[..., Any]) -> Handler:
    def handler(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
        form = form_class(request.POST)
        if not form.is_valid():
            return {action: form}
        run(case=case, actor=user, reason=form.cleaned_data["reason"])
        return None

    return handler


def _extend(request: HttpRequest, case: Case, user: User, key: bytes | None) -> Bound | None:
    form = forms.ExtendForm(request.POST)
    if not form.is_valid():
        return {"extend": form}
    deadlines.deadline_extend(
        case=case, actor=user, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
    )
    return None


def _declare_conflict(
    request: HttpRequest, case: Case, user: User, key: bytes | None
) -> Bound | None:
    conflicts.conflict_declare(case=case, actor=user)
    return None


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "reject": _reject,
    "forward": _forward,
    "merge": _merge,
    "assign": _assign,
    "start": _start,
    "note": _note,
    "message": _message,
    "file": _file,
    "propose": _propose,
    "approve": _approve,
    "return": _with_reason("return", forms.ReasonForm, decisions.decision_return),
    "close": _with_reason("close", forms.OptionalReasonForm, decisions.case_close),
    "reopen": _with_reason("reopen", forms.ReasonForm, decisions.case_reopen),
    "extend": _extend,
    "declare_conflict": _declare_conflict,
}

DONE = {
    "accept": _("The report is accepted and the reporter was told."),
    "reject": _("The report is not accepted; the reporter was told why."),
    "forward": _("The report was forwarded."),
    "merge": _("The case was merged."),
    "assign": _("The case is assigned."),
    "start": _("Investigation started."),
    "note": _("Note added."),
    "message": _("Message sent to the reporter."),
    "file": _("File added."),
    "propose": _("Decision proposed for approval."),
    "approve": _("Decision approved; the reporter was told the outcome."),
    "return": _("Decision returned to the inspector."),
    "close": _("Case closed."),
    "reopen": _("Case reopened."),
    "extend": _("Deadline extended."),
    "declare_conflict": _("You are excluded from this case."),
}

__all__ = ["DONE", "HANDLERS", "NEEDS_KEY", "KeyMissing", "SubmissionInvalid", "TransitionRefused"]
