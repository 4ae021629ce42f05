"""The reporter's follow-up: sign in with the receipt, read the status and thread, reply.

Signing in turns the receipt into the report's data key once; the key then
lives in a sealed session (half in the session store, half in a cookie), never
the receipt itself. Every page here is ``no-store``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tipoff.cases.selectors import case_status_for_reporter
from tipoff.lib import crypto, receipts, sealed_session
from tipoff.lib.clients import client_key
from tipoff.limits import budgets
from tipoff.limits.web import proof_context, proof_from
from tipoff.reports.forms import (
    ReceiptForm,
    ReplyForm,
    answer_text,
    attach_errors,
    question_label,
    uploaded_evidence,
)
from tipoff.reports.models import Author, Report
from tipoff.reports.selectors import (
    report_content,
    report_initial_evidence,
    report_thread,
)
from tipoff.reports.services import ReporterAccess, SubmissionInvalid, message_post, reporter_open
from tipoff.reports.views import (
    evidence_download,
    evidence_limits,
    no_store,
    rate_limited,
    upload_view,
)

SESSION_REPORT = "followup_report"
SEALED_NAME = "report"


def _signed_in(request: HttpRequest) -> ReporterAccess | None:
    report_id = request.session.get(SESSION_REPORT)
    data_key = sealed_session.get(request, SEALED_NAME)
    if not report_id or data_key is None:
        return None
    report = (
        Report.objects.filter(pk=report_id)
        .select_related("case", "category", "body", "unit", "district")
        .first()
    )
    if report is None:
        return None
    return ReporterAccess(report=report, data_key=data_key)


def _session_ended(request: HttpRequest) -> HttpResponse:
    messages.info(
        request, _("Your follow-up session has ended. Please enter your receipt code again.")
    )
    return no_store(redirect("reports:followup"))


def _login_page(
    request: HttpRequest, form: ReceiptForm, *, status: int = 200, gate: budgets.Gate | None = None
) -> HttpResponse:
    difficulty = budgets.receipt_difficulty(client=client_key(request)) if gate is None else 0
    context = {"form": form, **proof_context(purpose="receipt", difficulty=difficulty, gate=gate)}
    return no_store(render(request, "reports/followup_login.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def followup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _login_page(request, ReceiptForm())
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form, status=400)
    code = receipts.normalise(form.cleaned_data["code"])
    if not receipts.is_well_formed(code, settings.RECEIPT_DIGITS):
        # Costs nothing to check and cannot match any report, so it is not counted.
        form.add_error(
            "code",
            _("A receipt code has %(digits)d digits; you entered %(count)d.")
            % {"digits": settings.RECEIPT_DIGITS, "count": len(code)},
        )
        return _login_page(request, form, status=400)
    window = settings.RECEIPT_ATTEMPT_WINDOW_SECONDS
    gate = budgets.receipt_attempt(client=client_key(request), code=code, proof=proof_from(request))
    if gate.status == budgets.REFUSED:
        too_many = _(
            "Too many attempts. For your protection, please wait %(minutes)d minutes and try again."
        ) % {"minutes": max(1, window // 60)}
        return rate_limited(request, too_many, retry_after=gate.retry_after)
    if gate.status == budgets.PROOF:
        form.add_error(None, busy_message())
        return _login_page(request, form, status=429, gate=gate)
    access = reporter_open(code=code)
    if access is None:
        form.add_error(
            "code", _("No report has this receipt code. Check the digits and try again.")
        )
        return _login_page(request, form, status=400)
    gate.succeeded()
    request.session.cycle_key()
    request.session[SESSION_REPORT] = access.report.pk
    response = redirect("reports:followup_report")
    sealed_session.put(request, response, SEALED_NAME, access.data_key)
    return no_store(response)


def busy_message() -> str:
    return _(
        "Many attempts are being made right now. To slow down automated guessing, your "
        "browser does a short calculation before it sends the form: press the button again "
        "once it says it is ready."
    )


@upload_view
@require_http_methods(["GET", "HEAD", "POST"])
def followup_report(request: HttpRequest) -> HttpResponse:
    access = _signed_in(request)
    if access is None:
        return _session_ended(request)
    form = ReplyForm()
    file_errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if not budgets.reply_allowed(report_id=access.report.pk):
            return rate_limited(
                request,
                _("Too many messages in the last hour. Please try again later."),
                retry_after=3600,
            )
        files, file_errors = uploaded_evidence(request)
        if form.is_valid() and not file_errors:
            try:
                message_post(
                    report=access.report,
                    data_key=access.data_key,
                    text=form.cleaned_data["text"],
                    author=Author.REPORTER,
                    files=files,
                )
            except SubmissionInvalid as exc:
                file_errors = attach_errors(form, exc.errors)
            else:
                messages.success(request, _("Your message has been sent."))
                return no_store(redirect(reverse("reports:followup_report") + "#thread"))
        status = 400
    try:
        context = _report_context(access)
    except crypto.DecryptionError:
        return _session_ended(request)
    context.update(form=form, file_errors=file_errors, **evidence_limits())
    return no_store(render(request, "reports/followup_report.html", context, status=status))


def _report_context(access: ReporterAccess) -> dict:
    report = access.report
    content = report_content(report=report, data_key=access.data_key)
    labels = {q.get("key"): q for q in report.category.questions or []}
    answers = [
        (question_label(labels.get(key, {})) or key, answer_text(labels.get(key, {}), value))
        for key, value in content.answers.items()
    ]
    return {
        "report": report,
        "status": case_status_for_reporter(report.case),
        "content": content,
        "answers": answers,
        "evidence": report_initial_evidence(report=report),
        "thread": report_thread(report=report, data_key=access.data_key),
        "author_reporter": Author.REPORTER,
        "acknowledge_days": report.body.acknowledge_days,
    }


@require_safe
def followup_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    access = _signed_in(request)
    if access is None:
        return _session_ended(request)
    item = access.report.evidence.filter(pk=pk).first()
    if item is None:
        raise Http404("no such file")
    return evidence_download(item, access.data_key)


@require_POST
def followup_signout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_REPORT, None)
    response = redirect("reports:followup")
    sealed_session.forget(request, response, SEALED_NAME)
    request.session.cycle_key()
    messages.info(request, _("You have signed out. Your report stays with the commission."))
    return no_store(response)
