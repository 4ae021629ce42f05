"""Working a case: reading it decrypted, notes, messages, files, conflicts of interest.

Every read of decrypted contents goes through ``case_read`` (or the file
readers here), which writes it to the audit trail. Reading is also when
conflicts of interest are found: a staff member whose name matches a reported
official is excluded from the case before anything is shown, and if that is
the reader, they are shown nothing.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseExclusion, CaseFile, CaseNote, EventKind, ExclusionReason
from tipoff.cases.services import TransitionRefused, case_event_record
from tipoff.lib import crypto, similarity
from tipoff.people.models import User
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Author, Evidence, Message, Report
from tipoff.reports.selectors import (
    ThreadItem,
    case_primary_report,
    case_reports,
    evidence_chunks,
    report_content,
    report_data_key,
    report_initial_evidence,
    report_legacy_district,
    report_thread,
)
from tipoff.reports.services import EvidenceFile, message_post, sanitise_evidence

MAX_NOTE = 5000


@dataclass(frozen=True)
class ReadReport:
    report: Report
    content: ReportContent
    thread: list[ThreadItem]
    evidence: list[Evidence]
    legacy_district: str = ""  # typed freely before districts became a list (sealed)

    def answer_rows(self) -> list[tuple[str, str]]:
        """The category's extra questions with their answers, labelled in the reader's language."""
        english = (get_language() or "").startswith("en")
        labels = {
            q.get("key"): (
                q.get("label_en") if english and q.get("label_en") else q.get("label_zh")
            )
            or q.get("key")
            for q in self.report.category.questions or []
        }
        return [(str(labels.get(key, key)), value) for key, value in self.content.answers.items()]


@dataclass(frozen=True)
class ReadNote:
    note: CaseNote
    text: str


@dataclass(frozen=True)
class ReadFile:
    file: CaseFile
    name: str


@dataclass(frozen=True)
class CaseContents:
    reports: list[ReadReport]
    notes: list[ReadNote]
    files: list[ReadFile]


def _decrypt_text(key: bytes, blob: bytes, label: str) -> str:
    return crypto.decrypt(key, bytes(blob), label=label).decode()


def case_read(*, case: Case, actor: User, body_key: bytes) -> CaseContents:
    """Decrypt everything staff may read about the case, after the conflict check."""
    permissions.require(actor, "view", case)
    keys: dict[int, bytes] = {}
    reports: list[ReadReport] = []
    for report in case_reports(case):
        keys[report.pk] = report_data_key(report=report, body_private_key=body_key)
        reports.append(
            ReadReport(
                report=report,
                content=report_content(report=report, data_key=keys[report.pk]),
                thread=report_thread(report=report, data_key=keys[report.pk]),
                evidence=report_initial_evidence(report=report),
                legacy_district=report_legacy_district(report=report, body_private_key=body_key),
            )
        )
    conflicts_detect(case=case, contents=[r.content for r in reports])
    if permissions.is_excluded(actor, case):
        audit_record(
            actor=actor, action="case.read_refused_conflict", body_id=case.body_id, obj=case
        )
        raise permissions.NotAllowed("view")
    notes = [
        ReadNote(
            note=n,
            text=_decrypt_text(_key_for(keys, n.report, body_key), n.body, f"note:{case.pk}"),
        )
        for n in case.notes.select_related("author", "report")
    ]
    files = [
        ReadFile(
            file=f,
            name=_decrypt_text(
                _key_for(keys, f.report, body_key), f.name, f"casefile-name:{case.pk}"
            ),
        )
        for f in case.files.select_related("added_by", "report")
    ]
    audit_record(
        actor=actor,
        action="case.read",
        body_id=case.body_id,
        obj=case,
        details={
            "reports": [r.report.pk for r in reports],
            "notes": len(notes),
            "files": len(files),
        },
    )
    return CaseContents(reports=reports, notes=notes, files=files)


def _key_for(keys: dict[int, bytes], report: Report, body_key: bytes) -> bytes:
    if report.pk not in keys:
        keys[report.pk] = report_data_key(report=report, body_private_key=body_key)
    return keys[report.pk]


def conflicts_detect(*, case: Case, contents: Sequence[ReportContent]) -> list[User]:
    """Exclude every staff member of the body whose name matches a reported official."""
    names = [c.official_name for c in contents if c.official_name.strip()]
    if not names:
        return []
    excluded: list[User] = []
    already = set(CaseExclusion.objects.filter(case=case).values_list("user_id", flat=True))
    for member in User.objects.filter(body_id=case.body_id, is_active=True).exclude(pk__in=already):
        staff_names = [n for n in (member.display_name, member.get_full_name()) if n.strip()]
        if any(similarity.names_match(name, staff) for name in names for staff in staff_names):
            _exclude(case=case, user=member, reason=ExclusionReason.NAMED, by=None)
            excluded.append(member)
    return excluded


def _exclude(*, case: Case, user: User, reason: str, by: User | None) -> None:
    try:
        with transaction.atomic():
            CaseExclusion.objects.create(
                case=case, user=user, reason=reason, created_at=timezone.now(), created_by=by
            )
    except IntegrityError:
        return  # excluded already
    case_event_record(
        case=case,
        actor=by,
        kind=EventKind.CONFLICT,
        action="excluded",
        details={"user": user.pk, "reason": reason},
    )


def conflict_declare(*, case: Case, actor: User) -> None:
    """A staff member says they have a conflict of interest: they lose sight of the case."""
    permissions.require(actor, "declare_conflict", case)
    _exclude(case=case, user=actor, reason=ExclusionReason.DECLARED, by=actor)
    if case.assignee_id == actor.pk:
        Case.objects.filter(pk=case.pk).update(assignee=None)


def exclusion_lift(*, exclusion: CaseExclusion, actor: User, reason: str) -> None:
    """An administrator lifts a wrong match (a namesake); the reason is recorded."""
    permissions.require(actor, "lift_exclusion", exclusion.case)
    if not reason.strip():
        raise TransitionRefused(_("Give a reason."))
    case, user_id = exclusion.case, exclusion.user_id
    exclusion.delete()
    case_event_record(
        case=case,
        actor=actor,
        kind=EventKind.CONFLICT,
        action="exclusion_lifted",
        reason=reason.strip(),
        details={"user": user_id},
    )


def _primary(case: Case) -> Report:
    report = case_primary_report(case)
    if report is None:
        raise TransitionRefused(_("This case has no report here any more."))
    return report


@transaction.atomic
def note_add(*, case: Case, actor: User, text: str, body_key: bytes) -> CaseNote:
    permissions.require(actor, "note", case)
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise TransitionRefused(
            _("Write a note of up to %(limit)d characters.") % {"limit": MAX_NOTE}
        )
    report = _primary(case)
    key = report_data_key(report=report, body_private_key=body_key)
    note = CaseNote.objects.create(
        case=case,
        report=report,
        author=actor,
        created_at=timezone.now(),
        body=crypto.encrypt(key, text.encode(), label=f"note:{case.pk}"),
    )
    audit_record(
        actor=actor,
        action="case.note_added",
        body_id=case.body_id,
        obj=case,
        details={"note": note.pk},
    )
    return note


def case_message(
    *,
    case: Case,
    actor: User,
    report: Report,
    text: str,
    body_key: bytes,
    files: Sequence[EvidenceFile] = (),
) -> Message:
    """A message to the reporter of one of the case's reports (shown on their follow-up page)."""
    permissions.require(actor, "message", case)
    if not case_reports(case).filter(pk=report.pk).exists():
        raise permissions.NotAllowed("message")
    key = report_data_key(report=report, body_private_key=body_key)
    message = message_post(
        report=report, data_key=key, text=text, author=Author.STAFF, staff=actor, files=files
    )
    audit_record(
        actor=actor,
        action="case.message_sent",
        body_id=case.body_id,
        obj=case,
        details={"report": report.pk, "message": message.pk, "files": len(files)},
    )
    return message


def case_file_add(*, case: Case, actor: User, name: str, data: bytes, body_key: bytes) -> CaseFile:
    """Internal evidence: sanitised like a reporter's, encrypted, never shown to the reporter."""
    permissions.require(actor, "file", case)
    clean = sanitise_evidence([EvidenceFile(data=data)], field_name="file")[0]
    report = _primary(case)
    key = report_data_key(report=report, body_private_key=body_key)
    storage = storages["evidence"]
    blob = b"".join(crypto.encrypt_stream(key, io.BytesIO(clean.content)))
    stored = storage.save(f"{uuid.uuid4().hex}.bin", ContentFile(blob))
    safe_name = (name.replace("/", "_").replace("\\", "_").strip() or "file")[:150]
    try:
        with transaction.atomic():
            item = CaseFile.objects.create(
                case=case,
                report=report,
                added_by=actor,
                created_at=timezone.now(),
                storage_name=stored,
                name=crypto.encrypt(key, safe_name.encode(), label=f"casefile-name:{case.pk}"),
                kind=clean.kind,
                media_type=clean.media_type,
                extension=clean.extension,
                size=len(clean.content),
            )
            audit_record(
                actor=actor,
                action="case.file_added",
                body_id=case.body_id,
                obj=case,
                details={"file": item.pk},
            )
    except BaseException:
        storage.delete(stored)
        raise
    return item


def case_file_open(*, case: Case, actor: User, item: CaseFile, body_key: bytes) -> Iterator[bytes]:
    permissions.require(actor, "view", case)
    key = report_data_key(report=item.report, body_private_key=body_key)
    audit_record(
        actor=actor,
        action="case.file_read",
        body_id=case.body_id,
        obj=case,
        details={"file": item.pk},
    )
    return _decrypted(item.storage_name, key)


def _decrypted(storage_name: str, key: bytes) -> Iterator[bytes]:
    with storages["evidence"].open(storage_name, "rb") as handle:
        yield from crypto.decrypt_stream(key, handle)


def report_evidence_open(
    *, case: Case, actor: User, item: Evidence, body_key: bytes
) -> Iterator[bytes]:
    permissions.require(actor, "view", case)
    key = report_data_key(report=item.report, body_private_key=body_key)
    audit_record(
        actor=actor,
        action="case.evidence_read",
        body_id=case.body_id,
        obj=case,
        details={"evidence": item.pk, "report": item.report_id},
    )
    return evidence_chunks(item=item, data_key=key)


def official_blob(*, key: bytes, case: Case, name: str, position: str) -> bytes:
    payload = json.dumps({"name": name, "position": position}, ensure_ascii=False).encode()
    return crypto.encrypt(key, payload, label=f"official:{case.pk}")


def official_read(*, key: bytes, case: Case, blob: bytes) -> dict[str, str]:
    data: dict[str, str] = json.loads(crypto.decrypt(key, bytes(blob), label=f"official:{case.pk}"))
    return data
