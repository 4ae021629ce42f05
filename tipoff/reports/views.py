"""The public site: home page, team directory, the report form and its receipt.

The reporter's follow-up pages are in ``followup_views``. Views parse input,
call one service and render; nothing a reporter sends is logged, and the
receipt exists only in the one response that shows it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from tipoff.lib.clients import client_key
from tipoff.lib.evidence import ACCEPT_ATTRIBUTE
from tipoff.limits import budgets
from tipoff.limits.counters import forget, once
from tipoff.limits.web import proof_context, proof_from
from tipoff.people.models import Body, Category
from tipoff.people.selectors import body_default, categories_active, teams_directory, units_of
from tipoff.reports.forms import ReportForm, attach_errors, max_request_bytes, uploaded_evidence
from tipoff.reports.models import Evidence
from tipoff.reports.selectors import evidence_chunks
from tipoff.reports.services import SubmissionInvalid, report_submit
from tipoff.views import request_too_large

SUBMITTED_TOKEN_SECONDS = 24 * 3600
R = TypeVar("R", bound=HttpResponseBase)


def no_store(response: R) -> R:
    """Keep a page out of every cache, the browser's back-forward cache included."""
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def evidence_download(item: Evidence, data_key: bytes) -> StreamingHttpResponse:
    """One evidence file for the reporter (web or API): decrypted as it streams, saved as a
    file rather than shown, never sniffed as another type, never cached."""
    response = StreamingHttpResponse(
        evidence_chunks(item=item, data_key=data_key), content_type=item.media_type
    )
    response["Content-Disposition"] = f'attachment; filename="evidence-{item.pk}.{item.extension}"'
    response["Content-Length"] = str(item.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return no_store(response)


def upload_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse an oversized POST before Django reads it, then check CSRF as usual.

    The CSRF middleware would parse the body (files and all) before the view
    runs; exempting the view from the middleware and protecting it here lets
    the size check come first.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_request_bytes():
                return request_too_large(request)
        return protected(request, *args, **kwargs)

    return wrapper


def rate_limited(request: HttpRequest, text: str, retry_after: int) -> HttpResponse:
    response = render(request, "reports/limited.html", {"text": text}, status=429)
    response["Retry-After"] = str(retry_after)
    return no_store(response)


def _body(request: HttpRequest) -> Body:
    body = body_default()
    if body is None:
        raise Http404("no body configured")
    return body


def evidence_limits() -> dict[str, Any]:
    return {
        "accept": ACCEPT_ATTRIBUTE,
        "max_files": settings.EVIDENCE_MAX_FILES,
        "max_file_mb": settings.EVIDENCE_MAX_FILE_MB,
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    body = body_default()
    if body is None:
        return render(request, "reports/not_ready.html", status=503)
    return render(request, "reports/home.html", {"body": body})


@require_safe
def teams(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    return render(request, "reports/teams.html", {"body": body, "teams": teams_directory(body)})


@require_safe
def categories(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    return render(
        request, "reports/categories.html", {"body": body, "categories": categories_active(body)}
    )


def _token_key(token: str) -> str:
    return "submitted:" + hashlib.sha256(token.encode()).hexdigest()[:40]


def busy_message() -> str:
    return _(
        "Many reports are being sent right now. To slow down automated floods, your browser "
        "does a short calculation before it sends the form: press the button again once it "
        "says it is ready. What you wrote is kept."
    )


@upload_view
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: HttpRequest, code: str) -> HttpResponse:
    body = _body(request)
    category = categories_active(body).filter(code=code).first()
    if category is None:
        raise Http404("no such category")
    units = list(units_of(body))
    if request.method != "POST":
        form = ReportForm(body=body, category=category, units=units)
        return _render_form(
            request, body, category, form, token=secrets.token_urlsafe(16), restore=True
        )

    form = ReportForm(request.POST, body=body, category=category, units=units)
    token = str(request.POST.get("submission", ""))[:64] or secrets.token_urlsafe(16)
    gate = budgets.submission_attempt(client=client_key(request), proof=proof_from(request))
    if gate.status == budgets.PROOF:
        form.is_valid()  # keep what was typed, with any other problems shown too
        form.add_error(None, busy_message())
        return _render_form(request, body, category, form, token=token, status=429, gate=gate)
    files, file_problems = uploaded_evidence(request)
    if not form.is_valid() or file_problems:
        return _render_form(
            request, body, category, form, token=token, file_errors=file_problems, status=400
        )
    # One form, one report: a reload or a second tap resends the same token.
    if not once(_token_key(token), ttl=SUBMITTED_TOKEN_SECONDS):
        return no_store(
            render(request, "reports/already_sent.html", {"category": category}, status=409)
        )
    try:
        submitted = report_submit(data=form.to_input(files=files))
    except SubmissionInvalid as exc:
        forget(_token_key(token))
        file_errors = attach_errors(form, exc.errors)
        return _render_form(
            request, body, category, form, token=token, file_errors=file_errors, status=400
        )
    except BaseException:
        forget(_token_key(token))
        raise
    # The report is committed: this response is the only place the receipt ever appears.
    context = {
        "body": body,
        "category": category,
        "receipt": submitted.receipt_display,
        "digits": len(submitted.receipt),
    }
    return no_store(render(request, "reports/receipt.html", context))


def _render_form(
    request: HttpRequest,
    body: Body,
    category: Category,
    form: ReportForm,
    *,
    token: str,
    restore: bool = False,
    file_errors: list[str] | None = None,
    status: int = 200,
    gate: budgets.Gate | None = None,
) -> HttpResponse:
    difficulty = 0 if gate else budgets.submission_difficulty(client=client_key(request))
    context = {
        "body": body,
        "category": category,
        "form": form,
        "token": token,
        "restore": restore,
        "file_errors": file_errors or [],
        **evidence_limits(),
        **proof_context(purpose="submit", difficulty=difficulty, gate=gate),
    }
    return no_store(render(request, "reports/form.html", context, status=status))
