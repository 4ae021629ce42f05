"""Every way a report enters tipoff ends in ``report_submit``.

The order is fixed: validate, sanitise evidence, encrypt, then store the
report, its evidence and its case and issue the receipt in one transaction.
Nothing a reporter sent is stored in clear, and a receipt is returned only
once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.cases.models import Case, EventKind
from tipoff.cases.services import case_event_record, case_open
from tipoff.lib import crypto, evidence, receipts, vault
from tipoff.lib.tasks import enqueue_with_transaction
from tipoff.people.models import Body, Category, District, Unit
from tipoff.people.selectors import intake_catalogue
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Author, Evidence, Message, ReceiptSalt, Report
from tipoff.reports.validation import (
    MAX_SHORT,
    MAX_TEXT,
    MIN_WHAT,
    Problems,
    SubmissionInvalid,
    check_contact,
    check_date,
    check_length,
    clean_answers,
    clean_text,
)

__all__ = ["EvidenceFile", "ReportInput", "SubmissionInvalid", "SubmittedReport", "report_submit"]


@dataclass(frozen=True)
class EvidenceFile:
    data: bytes


@dataclass(frozen=True)
class ReportInput:
    body: Body
    channel: str
    category_id: int | None
    what: str
    unit_id: int | None = None
    unit_other: str = ""
    official_name: str = ""
    official_position: str = ""
    district_id: int | None = None  # from the body's list (people.District)
    occurred_on: dt.date | None = None
    when_detail: str = ""
    place: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    is_named: bool = False
    reporter_name: str = ""
    reporter_contact: str = ""
    language: str = "zh-hans"
    evidence: Sequence[EvidenceFile] = ()
    category_code: str = ""  # instead of category_id: the category's code in the body


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    receipt: str
    data_key: bytes = field(default=b"", repr=False)  # for the caller's next step only

    @property
    def receipt_display(self) -> str:
        return receipts.display(self.receipt)


def receipt_kdf_params() -> crypto.KdfParams:
    return crypto.KdfParams(ops=settings.RECEIPT_KDF_OPS, mem_kib=settings.RECEIPT_KDF_MEM_KIB)


_salt_cache: dict[str, bytes] = {}


def receipt_salt() -> bytes:
    """The deployment's receipt salt (random, made once, then cached)."""
    db_alias = "default"
    if db_alias not in _salt_cache:
        row = ReceiptSalt.objects.filter(pk=1).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = ReceiptSalt.objects.create(pk=1, salt=crypto.new_salt())
            except IntegrityError:
                row = ReceiptSalt.objects.get(pk=1)
        _salt_cache[db_alias] = bytes(row.salt)
    return _salt_cache[db_alias]


@dataclass(frozen=True)
class _Valid:
    category: Category
    unit: Unit | None
    district: District | None
    content: ReportContent


def _validate(data: ReportInput) -> _Valid:
    problems = Problems()
    lists = intake_catalogue(data.body)
    category = None
    if data.category_id is None and not data.category_code:
        problems.add("category", _("Choose what kind of misconduct this is."))
    else:
        category = (
            lists.categories.get(data.category_id)
            if data.category_id is not None
            else lists.category_codes.get(data.category_code)
        )
        if category is None:
            problems.add("category", _("This category does not exist."))
    unit = None
    if data.unit_id is not None:
        unit = lists.units.get(data.unit_id)
        if unit is None:
            problems.add("unit", _("This unit does not exist."))
    district = None
    if data.district_id is not None:
        district = lists.districts.get(data.district_id)
        if district is None:
            problems.add("district", _("Choose a district from the list."))

    what = clean_text(data.what)
    if len(what) < MIN_WHAT:
        problems.add(
            "what",
            _("Please describe what happened in at least %(min)d characters.") % {"min": MIN_WHAT},
        )
    check_length(problems, "what", what, MAX_TEXT)
    short_fields = {
        "unit_other": data.unit_other,
        "official_name": data.official_name,
        "official_position": data.official_position,
        "when_detail": data.when_detail,
        "place": data.place,
        "reporter_name": data.reporter_name,
        "reporter_contact": data.reporter_contact,
    }
    cleaned = {name: clean_text(value) for name, value in short_fields.items()}
    for name, value in cleaned.items():
        check_length(problems, name, value, MAX_SHORT)
    check_date(problems, data.occurred_on)
    if data.is_named:
        if not cleaned["reporter_name"]:
            problems.add("reporter_name", _("A named report needs your name."))
        if not cleaned["reporter_contact"]:
            problems.add(
                "reporter_contact", _("A named report needs a phone number or e-mail address.")
            )
        else:
            check_contact(problems, cleaned["reporter_contact"])
    if len(data.evidence) > settings.EVIDENCE_MAX_FILES:
        problems.add(
            "evidence",
            _("You can attach at most %(count)d files.") % {"count": settings.EVIDENCE_MAX_FILES},
        )
    answers = clean_answers(problems, category, data.answers) if category else {}
    problems.raise_if_any()
    assert category is not None
    content = ReportContent(
        what=what,
        place=cleaned["place"],
        when_detail=cleaned["when_detail"],
        official_name=cleaned["official_name"],
        official_position=cleaned["official_position"],
        unit_other=cleaned["unit_other"],
        answers=answers,
        reporter_name=cleaned["reporter_name"] if data.is_named else "",
        reporter_contact=cleaned["reporter_contact"] if data.is_named else "",
    )
    return _Valid(
        category=category,
        unit=unit,
        district=district or (unit.district if unit else None),
        content=content,
    )


def sanitise_evidence(
    files: Sequence[EvidenceFile], *, field_name: str = "evidence"
) -> list[evidence.SanitisedFile]:
    problems = Problems()
    clean: list[evidence.SanitisedFile] = []
    limit = settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024
    for index, item in enumerate(files, start=1):
        try:
            clean.append(evidence.sanitise(item.data, max_bytes=limit))
        except evidence.RejectedFile as exc:
            problems.add(
                field_name, _("File %(n)d: %(reason)s") % {"n": index, "reason": exc.message}
            )
    problems.raise_if_any()
    return clean


def _store_files(
    blobs: vault.Blobs, data_key: bytes, files: list[evidence.SanitisedFile]
) -> list[tuple[str, evidence.SanitisedFile]]:
    return [(blobs.put(data_key, item.content), item) for item in files]


def _evidence_rows(
    report: Report,
    stored: list[tuple[str, evidence.SanitisedFile]],
    *,
    added_by: str,
    message: Message | None,
) -> None:
    now = timezone.now()
    Evidence.objects.bulk_create(
        Evidence(
            report=report,
            message=message,
            added_by=added_by,
            storage_name=name,
            kind=item.kind,
            media_type=item.media_type,
            extension=item.extension,
            size=len(item.content),
            created_at=now,
        )
        for name, item in stored
    )


def report_check(*, data: ReportInput) -> None:
    """Raise ``SubmissionInvalid`` if ``report_submit`` would refuse ``data``; write nothing.

    For an edge that must answer before it submits (a channel's turn, which
    commits first and submits after). Files are only counted here.
    """
    _validate(data)


def report_submit(*, data: ReportInput, receipt: str = "") -> SubmittedReport:
    """Validate, sanitise, encrypt and store a report; return it with its receipt.

    Raises ``SubmissionInvalid`` (with per-field messages) and writes nothing
    when any part of the input is unacceptable. The report, its case and its
    evidence rows are committed in a transaction of their own before the
    receipt is returned, so this refuses to run inside another transaction
    (``RuntimeError``): a caller's rollback would otherwise undo a report
    whose receipt the reporter already holds, or leave its files behind.

    ``receipt`` lets a caller choose the code (a channel keeps it, encrypted,
    until it has told the reporter, so a crash in between cannot lose it);
    by default a fresh one is drawn.
    """
    valid = _validate(data)
    files = sanitise_evidence(data.evidence)

    data_key = vault.new_key()
    sealed_key = vault.seal_to(data.body.public_key, data_key)
    encrypted_content = vault.seal(data_key, valid.content.to_bytes(), label="report")
    salt = receipt_salt()
    params = receipt_kdf_params()
    codes = [receipts.normalise(receipt)] if receipt else []
    with vault.Blobs() as blobs:
        stored = _store_files(blobs, data_key, files)
        for _attempt in range(3):
            code = codes.pop() if codes else receipts.generate(settings.RECEIPT_DIGITS)
            secrets_ = receipts.derive(code, salt=salt, params=params)
            try:
                with transaction.atomic(durable=True):
                    now = timezone.now()
                    case = case_open(body=data.body, at=now)
                    report = Report.objects.create(
                        body=data.body,
                        case=case,
                        channel=data.channel,
                        category=valid.category,
                        unit=valid.unit,
                        district=valid.district,
                        occurred_on=data.occurred_on,
                        is_named=data.is_named,
                        language=data.language if data.language in ("zh-hans", "en") else "zh-hans",
                        received_at=now,
                        receipt_lookup=secrets_.lookup,
                        sealed_key=sealed_key,
                        reporter_wrapped_key=vault.seal(
                            secrets_.reporter_key, data_key, label="reporter"
                        ),
                        content=encrypted_content,
                    )
                    _evidence_rows(report, stored, added_by=Author.REPORTER, message=None)
                    # Staff hear of the report exactly when it exists: see below.
                    enqueue_with_transaction(partial(_after_submit, report.pk))
                return SubmittedReport(report=report, receipt=code, data_key=data_key)
            except IntegrityError:
                # A receipt collision (astronomically unlikely): draw another code.
                if receipt or not Report.objects.filter(receipt_lookup=secrets_.lookup).exists():
                    raise
        raise RuntimeError("could not issue a unique receipt")


def _after_submit(report_id: int) -> None:
    from tipoff.reports.tasks import notify_new_report

    notify_new_report.enqueue(report_id)


# --- the reporter's side, after signing in with the receipt ---------------------


@dataclass(frozen=True)
class ReporterAccess:
    report: Report
    data_key: bytes


def reporter_open(*, code: str) -> ReporterAccess | None:
    """The report a receipt belongs to and its data key, or None."""
    normalised = receipts.normalise(code)
    if not receipts.is_well_formed(normalised, settings.RECEIPT_DIGITS):
        return None
    secrets_ = receipts.derive(normalised, salt=receipt_salt(), params=receipt_kdf_params())
    report = (
        Report.objects.filter(receipt_lookup=secrets_.lookup).select_related("case", "body").first()
    )
    if report is None:
        return None
    data_key = vault.unseal(secrets_.reporter_key, report.reporter_wrapped_key, label="reporter")
    return ReporterAccess(report=report, data_key=data_key)


def message_post(
    *,
    report: Report,
    data_key: bytes,
    text: str,
    author: str,
    staff=None,
    files: Sequence[EvidenceFile] = (),
) -> Message:
    """Add a message (and optional evidence) to a report's thread.

    With files it commits on its own (refusing an outer transaction, like
    ``report_submit``), so its files are never left behind by a caller's
    rollback; a message without files may be part of a larger transaction.
    """
    problems = Problems()
    cleaned = clean_text(text)
    if not cleaned and not files:
        problems.add("text", _("Write a message or attach a file."))
    check_length(problems, "text", cleaned, MAX_TEXT)
    if _files_over_limit(report, len(files)):
        problems.add("evidence", _("This report already has as many files as it can take."))
    problems.raise_if_any()
    sanitised = sanitise_evidence(files)
    with vault.Blobs() as blobs:
        stored = _store_files(blobs, data_key, sanitised)
        with transaction.atomic(durable=bool(files)):
            if files:
                # Count again under the report's lock: two uploads at once must
                # not both pass the limit.
                Report.objects.select_for_update().filter(pk=report.pk).first()
                if _files_over_limit(report, len(files)):
                    raise SubmissionInvalid(
                        {"evidence": [_("This report already has as many files as it can take.")]}
                    )
            message = Message.objects.create(
                report=report,
                author=author,
                staff=staff,
                created_at=timezone.now(),
                body=vault.seal(data_key, cleaned.encode(), label=f"message:{report.pk}"),
            )
            _evidence_rows(report, stored, added_by=author, message=message)
            if author == Author.REPORTER:
                enqueue_with_transaction(partial(_after_reporter_message, report.pk))
    return message


def _files_over_limit(report: Report, adding: int) -> bool:
    return report.evidence.count() + adding > settings.EVIDENCE_MAX_FILES * 2


def _after_reporter_message(report_id: int) -> None:
    from tipoff.reports.tasks import notify_reporter_message

    notify_reporter_message.enqueue(report_id)


def report_transfer(*, report: Report, body_private_key: bytes, to_case: Case) -> None:
    """Move a report to a case of another body (forwarding), keeping its receipt.

    The data key is re-sealed to the new body's public key; category, unit and
    district are matched in the new body by code and name, or kept when it has none.
    """
    target_body = to_case.body
    data_key = vault.open_sealed(body_private_key, report.sealed_key)
    category = Category.objects.filter(body=target_body, code=report.category.code).first()
    unit = (
        Unit.objects.filter(body=target_body, name_zh=report.unit.name_zh).first()
        if report.unit
        else None
    )
    district = (
        District.objects.filter(body=target_body, name_zh=report.district.name_zh).first()
        if report.district
        else None
    )
    Report.objects.filter(pk=report.pk).update(
        body=target_body,
        case=to_case,
        sealed_key=vault.seal_to(target_body.public_key, data_key),
        category=category or report.category,
        unit=unit or report.unit,
        district=district or report.district,
    )


def report_intake_note(*, report: Report, action: str, note: str) -> None:
    """Tell the staff handling a report something about its intake (no person wrote it).

    Channels use it to say that a file the reporter sent could not be fetched.
    The note is kept in clear in the case's history: it must never contain
    anything the reporter wrote or who they are.
    """
    case_event_record(
        case=report.case, actor=None, kind=EventKind.INTAKE, action=action, reason=note
    )
