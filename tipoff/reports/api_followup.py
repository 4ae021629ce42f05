"""Follow-up endpoints of the JSON API: everything a receipt opens.

The reporter sends the receipt code in the ``X-Receipt`` header with every
call (the API keeps no session); ``ReceiptHeader`` turns it into the report
and its data key, rate-limited per client and per receipt. Answers are never
cached and never carry the reporter's name or contact.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, UploadedFile
from ninja.decorators import decorate_view
from ninja.params import functions as param
from ninja.responses import Status

from tipoff.cases.selectors import case_status_for_reporter
from tipoff.limits import budgets
from tipoff.reports.api import ERRORS, EVIDENCE_DESCRIPTION, is_english, question_out
from tipoff.reports.api_errors import ApiProblem, invalid_input, rate_limited
from tipoff.reports.api_guards import ReceiptHeader, guarded, read_uploads
from tipoff.reports.models import Author, Evidence, Message
from tipoff.reports.schemas import MAX_ID, ErrorOut, FollowupOut, MessageIn, MessageOut
from tipoff.reports.selectors import report_content, report_thread
from tipoff.reports.services import EvidenceFile, ReporterAccess, SubmissionInvalid, message_post
from tipoff.reports.validation import clean_text
from tipoff.reports.views import evidence_download

router = Router(tags=["follow-up"])
receipt_auth = ReceiptHeader()

_RECEIPT_ERRORS = {**ERRORS, 401: ErrorOut}
EVIDENCE_FILES_REQUIRED = param.File(..., description=EVIDENCE_DESCRIPTION)
MESSAGE_TEXT = param.Form("", description="A message to go with the files (optional).")
EVIDENCE_ID = param.Path(..., ge=1, le=MAX_ID, description="The file's `id`, from `GET /followup`.")


def _access(request: HttpRequest) -> ReporterAccess:
    access = request.auth  # type: ignore[attr-defined]
    assert isinstance(access, ReporterAccess)
    return access


def _evidence_out(item: Evidence) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "media_type": item.media_type,
        "size": item.size,
        "added_by": item.added_by,
        "created_at": item.created_at,
    }


def _message_out(message: Message, text: str, evidence_ids: list[int]) -> dict[str, Any]:
    return {
        "author": message.author,
        "author_label": _("You") if message.author == Author.REPORTER else _("Inspectors"),
        "created_at": message.created_at,
        "text": text,
        "evidence": evidence_ids,
    }


@router.get(
    "/followup",
    auth=receipt_auth,
    response={200: FollowupOut, **_RECEIPT_ERRORS},
    summary="Read a report's status and messages",
)
@decorate_view(guarded())
def followup_read(request: HttpRequest) -> dict[str, Any]:
    """Where the report stands, what you reported, and the messages between you and the
    inspectors. Send the receipt code in the `X-Receipt` header (spaces are allowed)."""
    access = _access(request)
    report = access.report
    content = report_content(report=report, data_key=access.data_key)
    english = is_english(request)
    questions = {q.get("key"): question_out(q, english) for q in report.category.questions or []}
    return {
        "status": case_status_for_reporter(report.case),
        "received_on": timezone.localdate(report.received_at),
        "body": report.body.name(),
        "category": {"code": report.category.code, "name": report.category.name()},
        "content": {
            "what": content.what,
            "unit": report.unit.name() if report.unit else content.unit_other,
            "official_name": content.official_name,
            "official_position": content.official_position,
            "district": report.district.name() if report.district else "",
            "occurred_on": report.occurred_on,
            "when_detail": content.when_detail,
            "place": content.place,
            "answers": [
                {"key": key, "label": questions.get(key, {}).get("label", key), "value": value}
                for key, value in content.answers.items()
            ],
            "named": report.is_named,
        },
        "messages": [
            _message_out(item.message, item.text, [e.pk for e in item.evidence])
            for item in report_thread(report=report, data_key=access.data_key)
        ],
        "evidence": [_evidence_out(e) for e in report.evidence.all()],
    }


@router.post(
    "/followup/messages",
    auth=receipt_auth,
    response={201: MessageOut, **_RECEIPT_ERRORS},
    summary="Send a message to the inspectors",
)
@decorate_view(guarded(content_type="application/json"))
def followup_message(request: HttpRequest, message: MessageIn) -> Status:
    """Reply to the inspectors or tell them more. Needs the receipt in `X-Receipt`."""
    return _post(request, message.text, [])


@router.post(
    "/followup/evidence",
    auth=receipt_auth,
    response={201: MessageOut, **_RECEIPT_ERRORS},
    summary="Add evidence files",
)
@decorate_view(guarded(content_type="multipart/form-data", uploads=True))
def followup_evidence(
    request: HttpRequest,
    evidence: list[UploadedFile] = EVIDENCE_FILES_REQUIRED,
    text: str = MESSAGE_TEXT,
) -> Status:
    """Add files to the report, as multipart/form-data parts named `evidence`, with an
    optional `text` to go with them. Needs the receipt in `X-Receipt`."""
    return _post(request, text, read_uploads(evidence, max_files=settings.EVIDENCE_MAX_FILES))


def _post(request: HttpRequest, text: str, files: list[EvidenceFile]) -> Status:
    access = _access(request)
    # The web follow-up's limit on replies per report, shared with it.
    if not budgets.reply_allowed(report_id=access.report.pk):
        raise rate_limited(3600, _("Too many messages in the last hour. Please try again later."))
    try:
        message = message_post(
            report=access.report,
            data_key=access.data_key,
            text=text,
            author=Author.REPORTER,
            files=files,
        )
    except SubmissionInvalid as exc:
        raise invalid_input(exc.errors) from None
    evidence_ids = list(message.evidence.values_list("pk", flat=True))
    return Status(201, _message_out(message, clean_text(text), evidence_ids))


@router.get(
    "/followup/evidence/{evidence_id}",
    auth=receipt_auth,
    response=_RECEIPT_ERRORS,
    summary="Download an evidence file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, decrypted.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
@decorate_view(guarded())
def followup_evidence_file(
    request: HttpRequest,
    evidence_id: int = EVIDENCE_ID,
) -> StreamingHttpResponse:
    """One file attached to your report (by you or by the inspectors), decrypted. Files
    of other reports are not found. Needs the receipt in `X-Receipt`."""
    access = _access(request)
    item = access.report.evidence.filter(pk=evidence_id).first()
    if item is None:
        raise ApiProblem(404, _("This report has no file with this number."))
    return evidence_download(item, access.data_key)
