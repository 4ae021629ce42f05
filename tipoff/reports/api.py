"""Intake endpoints of the JSON API (mounted at /api/v1/).

Public configuration (bodies, categories, units, teams) and submitting a
report with or without evidence; following a report up by receipt is in
``api_followup``. Every report goes through ``report_submit``, the same
service as the web form, with the same rules. Nothing here writes to the
database itself, so a failed request leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, UploadedFile
from ninja.decorators import decorate_view
from ninja.params import functions as param
from ninja.responses import Status

from tipoff.cases.selectors import status_of_new_report
from tipoff.people.models import Body, Category
from tipoff.people.selectors import (
    body_by_slug,
    body_default,
    categories_active,
    districts_of,
    teams_directory,
    units_of,
)
from tipoff.reports.api_errors import ApiProblem, invalid_input
from tipoff.reports.api_guards import guarded, read_uploads
from tipoff.reports.schemas import (
    Answers,
    BodyOut,
    CategoryOut,
    DistrictOut,
    ErrorOut,
    ReceiptOut,
    ReportIn,
    TeamOut,
    UnitOut,
)
from tipoff.reports.services import EvidenceFile, ReportInput, SubmissionInvalid, report_submit

router = Router(tags=["reports"])

ERRORS = {400: ErrorOut, 404: ErrorOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut}
EVIDENCE_DESCRIPTION = (
    "Evidence files, one part each: photos (JPEG, PNG, GIF, WebP), PDF, office documents "
    "(.docx, .xlsx, .pptx, .odt, .ods, .odp), audio or video. Recognised by content, "
    "stripped of metadata, stored encrypted."
)
EVIDENCE_FILES = param.File(None, description=EVIDENCE_DESCRIPTION)
REPORT_PART = param.Body(..., description="The report: the same JSON object as `POST /reports`.")
BODY_QUERY = param.Query(
    None,
    description="Slug of the body (see `GET /bodies`); the default body if omitted.",
    max_length=50,
)


def _body_named(slug: str | None) -> Body:
    body = body_by_slug(slug) if slug else body_default()
    if body is None:
        raise ApiProblem(
            404, _("There is no body with this name.") if slug else _("No body is set up yet.")
        )
    return body


def question_out(question: dict[str, Any], english: bool) -> dict[str, Any]:
    def label(item: dict[str, Any]) -> str:
        text = item.get("label_en") if english else item.get("label_zh")
        return str(text or item.get("label_zh") or item.get("label_en") or item.get("value") or "")

    return {
        "key": str(question.get("key", "")),
        "label": label(question),
        "type": question.get("type", "text"),
        "essential": bool(question.get("essential")),
        "required": bool(question.get("essential")),
        "choices": [
            {"value": str(c.get("value", "")), "label": label(c)}
            for c in question.get("choices", [])
        ],
    }


def is_english(request: HttpRequest) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


def _category_out(category: Category, english: bool) -> dict[str, Any]:
    return {
        "id": category.pk,
        "code": category.code,
        "name": category.name(),
        "description": category.description(),
        "questions": [question_out(q, english) for q in category.questions or []],
    }


# --- public configuration ------------------------------------------------------------


@router.get("/bodies", response=list[BodyOut], summary="List the bodies that take reports")
def bodies_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every body this deployment hosts, with its name in the request's language."""
    return [
        {"slug": b.slug, "name": b.name(), "is_default": b.is_default}
        for b in Body.objects.order_by("id")
    ]


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="List categories")
def categories_list(request: HttpRequest, body: str | None = BODY_QUERY) -> list[dict[str, Any]]:
    """The kinds of misconduct a body takes reports about, each with its extra questions."""
    english = is_english(request)
    return [_category_out(c, english) for c in categories_active(_body_named(body))]


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="List units")
def units_list(request: HttpRequest, body: str | None = BODY_QUERY) -> list[dict[str, Any]]:
    """Government departments and workplaces whose officials can be reported to this body."""
    return [
        {
            "id": u.pk,
            "name": u.name(),
            "district": u.district.name() if u.district else "",
            "district_id": u.district_id,
            "parent_id": u.parent_id,
        }
        for u in units_of(_body_named(body))
    ]


@router.get("/districts", response={200: list[DistrictOut], **ERRORS}, summary="List districts")
def districts_list(request: HttpRequest, body: str | None = BODY_QUERY) -> list[dict[str, Any]]:
    """The districts of the body's area: a report's `district` is one of these."""
    return [{"id": d.pk, "name": d.name()} for d in districts_of(_body_named(body))]


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, summary="List inspection teams")
def teams_list(request: HttpRequest, body: str | None = BODY_QUERY) -> list[dict[str, Any]]:
    """The public directory of a body's inspection teams and how to reach them."""
    return [
        {
            "name": t.name(),
            "jurisdiction": t.jurisdiction(),
            "districts": t.district_list(),
            "phone": t.phone,
            "email": t.email,
            "address": t.address(),
        }
        for t in teams_directory(_body_named(body))
    ]


# --- submitting --------------------------------------------------------------------------


def _submit(request: HttpRequest, report: ReportIn, files: list[EvidenceFile]) -> Status:
    try:
        body = _body_named(report.body)
    except ApiProblem as problem:
        raise invalid_input({"body": [problem.detail]}) from None
    district_id, unknown_district = _district_id(body, report.district)
    by_id = isinstance(report.category, int)
    data = ReportInput(
        body=body,
        channel="api",
        category_id=report.category if isinstance(report.category, int) else None,
        category_code="" if by_id else str(report.category),
        what=report.what,
        unit_id=report.unit,
        unit_other=report.unit_other,
        official_name=report.official_name,
        official_position=report.official_position,
        # A name not on the list becomes an id no district has, so the service
        # reports it together with every other problem of the report.
        district_id=0 if unknown_district else district_id,
        occurred_on=report.occurred_on,
        when_detail=report.when_detail,
        place=report.place,
        answers=_answer_texts(report.answers),
        is_named=report.named,
        reporter_name=report.reporter_name,
        reporter_contact=report.reporter_contact,
        language="en" if is_english(request) else "zh-hans",
        evidence=files,
    )
    try:
        submitted = report_submit(data=data)
    except SubmissionInvalid as exc:
        raise invalid_input(dict(exc.errors)) from None
    status = status_of_new_report()
    return Status(
        201,
        {
            "receipt": submitted.receipt,
            "receipt_display": submitted.receipt_display,
            "status": status,
            "acknowledge_within_days": body.acknowledge_days,
        },
    )


def _district_id(body: Body, ref: int | str | None) -> tuple[int | None, bool]:
    """The district's id, and whether a name was given that is not on the list."""
    if ref is None or isinstance(ref, int):
        return ref, False
    name = ref.strip()
    found = (
        districts_of(body).filter(Q(name_zh=name) | Q(name_en__iexact=name)).first()
        if name
        else None
    )
    return (found.pk if found else None), bool(name) and found is None


def _answer_texts(answers: Answers) -> dict[str, str]:
    # Numbers are welcome in JSON; the service checks answers as text.
    return {key: "" if value is None else str(value) for key, value in answers.items()}


@router.post(
    "/reports",
    response={201: ReceiptOut, **ERRORS},
    summary="Submit a report",
)
@decorate_view(guarded(content_type="application/json", submission=True))
def report_create(request: HttpRequest, report: ReportIn) -> Status:
    """File a report, anonymously or by name. The answer carries the receipt code, shown
    only this once: it is the only way to follow the report up. To attach files, use
    `POST /reports/with-evidence`."""
    return _submit(request, report, [])


@router.post(
    "/reports/with-evidence",
    response={201: ReceiptOut, **ERRORS},
    summary="Submit a report with evidence files",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"encoding": {"report": {"contentType": "application/json"}}}
            }
        }
    },
)
@decorate_view(guarded(content_type="multipart/form-data", submission=True, uploads=True))
def report_create_with_evidence(
    request: HttpRequest,
    report: ReportIn = REPORT_PART,
    evidence: list[UploadedFile] = EVIDENCE_FILES,
) -> Status:
    """File a report with photos, documents, audio or video, as multipart/form-data: the
    field `report` holds the same JSON object as `POST /reports`, and each file is a part
    named `evidence`. Files are recognised by their content, stripped of metadata (photo
    locations included) and stored encrypted."""
    return _submit(request, report, read_uploads(evidence, max_files=settings.EVIDENCE_MAX_FILES))
