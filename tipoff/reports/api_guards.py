"""What the JSON API checks before it reads a request: receipt, rate limits, size, type.

These run ahead of ninja's parsing of the body, so a flood, a wrong content
type or an oversized upload is turned away before anything is read or spooled
to disk, and a guessed receipt costs the guesser an attempt before it costs
the server a key derivation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import UploadedFile
from ninja.security import APIKeyHeader

from tipoff.lib import receipts
from tipoff.lib.clients import client_key
from tipoff.lib.evidence import RejectedFile
from tipoff.limits import budgets
from tipoff.limits.web import proof_from_header
from tipoff.reports.api_errors import (
    ApiProblem,
    invalid_input,
    problem_response,
    proof_needed,
    rate_limited,
)
from tipoff.reports.services import EvidenceFile, ReporterAccess, reporter_open


def _too_many_receipt_attempts(window: int) -> str:
    return _(
        "Too many attempts. For your protection, please wait %(minutes)d minutes and try again."
    ) % {"minutes": max(1, window // 60)}


class ReceiptHeader(APIKeyHeader):
    """The reporter's receipt code, sent in the ``X-Receipt`` header (spaces allowed).

    Unlike the web page, the API has no session: every call carries the code.
    So per client only failed attempts count (a reporter reading their report
    is not locked out by their own use), while per receipt every attempt
    counts, which bounds the work any one code can cause.
    """

    param_name = "X-Receipt"
    openapi_description = (
        "The receipt code given when the report was submitted; spaces and dashes are ignored."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> ReporterAccess:
        if not key or not key.strip():
            raise ApiProblem(401, _("This needs your receipt code in the X-Receipt header."))
        code = receipts.normalise(key)
        if not receipts.is_well_formed(code, settings.RECEIPT_DIGITS):
            # Costs nothing to check and cannot match any report, so it is not counted.
            raise ApiProblem(
                401,
                _("A receipt code has %(digits)d digits. Please check it and try again.")
                % {"digits": settings.RECEIPT_DIGITS},
            )
        gate = budgets.receipt_attempt(
            client=client_key(request), code=code, proof=proof_from_header(request)
        )
        if gate.status == budgets.REFUSED:
            window = settings.RECEIPT_ATTEMPT_WINDOW_SECONDS
            raise rate_limited(window, _too_many_receipt_attempts(window))
        if gate.status == budgets.PROOF:
            raise proof_needed(gate.challenge, gate.difficulty)
        access = reporter_open(code=code)
        if access is None:
            raise ApiProblem(
                404, _("No report has this receipt code. Please check it and try again.")
            )
        gate.succeeded()
        return access


def _upload_limit() -> int:
    per_file = settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024
    return settings.EVIDENCE_MAX_FILES * per_file + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _check_request(
    request: HttpRequest, *, content_type: str | None, uploads: bool, submission: bool
) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiProblem(400, _("The request could not be understood.")) from None
    if content_type == "application/json" and not length:
        raise ApiProblem(400, _("The request body is empty: send a JSON object."))
    # An empty multipart body has no type to check; validation lists what is missing.
    if content_type and length and request.content_type != content_type:
        raise ApiProblem(415, _("Send this request as %(type)s.") % {"type": content_type})
    if uploads and length > _upload_limit():
        raise ApiProblem(413, _("The request is too large."))
    if submission:
        gate = budgets.submission_attempt(
            client=client_key(request), proof=proof_from_header(request)
        )
        if gate.status == budgets.PROOF:
            raise proof_needed(gate.challenge, gate.difficulty)


def guarded(
    *, content_type: str | None = None, uploads: bool = False, submission: bool = False
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Wrap an operation's ``run``: checks first, and never let an answer be cached.

    Every answer of these endpoints may hold a receipt or what a reporter wrote.
    """

    def decorator(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                _check_request(
                    request, content_type=content_type, uploads=uploads, submission=submission
                )
            except ApiProblem as problem:
                response: HttpResponseBase = problem_response(problem)
            else:
                response = run(request, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorator


def read_uploads(files: list[UploadedFile] | None, *, max_files: int) -> list[EvidenceFile]:
    """The uploaded files' bytes, refusing too many or too large before reading any."""
    files = files or []
    if len(files) > max_files:
        raise invalid_input(
            {"evidence": [_("You can attach at most %(count)d files.") % {"count": max_files}]}
        )
    limit = settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024
    too_large = [
        _("File %(n)d: %(reason)s") % {"n": n, "reason": RejectedFile("too_large").message}
        for n, item in enumerate(files, start=1)
        if (item.size or 0) > limit
    ]
    if too_large:
        raise invalid_input({"evidence": too_large})
    return [EvidenceFile(data=item.read()) for item in files]
