"""Reading a case decrypted: its reports, notes and files, and downloading evidence.

Every read of decrypted contents goes through ``case_read`` (or the file
readers here), which writes it to the audit trail. Reading is also when
conflicts of interest are found: a staff member whose name matches a reported
official is excluded from the case before anything is shown, and if that is
the reader, they are shown nothing.

Notes and files are under the case's own key (``cases.selectors.case_key``);
the reports under their own keys. Rows from before cases had keys are moved
under the case key here, the first time the case is read (``rekey``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseFile, CaseNote
from tipoff.cases.selectors import case_key
from tipoff.lib import vault
from tipoff.lib.evidence.thumbnails import thumbnail as make_thumbnail
from tipoff.office.conflicts import conflicts_detect
from tipoff.office.rekey import case_legacy_rekey
from tipoff.people.models import User
from tipoff.reports.content import ReportContent
from tipoff.reports.forms import answer_text, question_label
from tipoff.reports.models import Evidence, Report
from tipoff.reports.selectors import (
    ThreadItem,
    case_reports,
    evidence_chunks,
    report_content,
    report_data_key,
    report_initial_evidence,
    report_legacy_district,
    report_thread,
)


@dataclass(frozen=True)
class ReadReport:
    report: Report
    content: ReportContent
    thread: list[ThreadItem]
    evidence: list[Evidence]
    legacy_district: str = ""  # typed freely before districts became a list (sealed)

    def answer_rows(self) -> list[tuple[str, str]]:
        """The category's extra questions with their answers, labelled in the reader's language."""
        questions = {q.get("key"): q for q in self.report.category.questions or []}
        return [
            (
                question_label(questions.get(key, {})) or key,
                answer_text(questions.get(key, {}), value),
            )
            for key, value in self.content.answers.items()
        ]


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
    key: bytes  # the case key, for decisions shown on the same page


def _lost() -> str:
    return gettext(
        "(Written before this case's reports were forwarded, under a key that went with "
        "them: it can no longer be read here.)"
    )


def _text(key: bytes, blob: bytes | memoryview, label: str) -> str:
    return vault.unseal(key, blob, label=label).decode()


def case_read(*, case: Case, actor: User, body_key: bytes) -> CaseContents:
    """Decrypt everything staff may read about the case, after the conflict check."""
    permissions.require(actor, "view", case)
    reports: list[ReadReport] = []
    for report in case_reports(case):
        data_key = report_data_key(report=report, body_private_key=body_key)
        reports.append(
            ReadReport(
                report=report,
                content=report_content(report=report, data_key=data_key),
                thread=report_thread(report=report, data_key=data_key),
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
    key = case_key(case=case, body_private_key=body_key)
    case_legacy_rekey(case=case, case_key=key, body_key=body_key)
    notes = [
        ReadNote(
            note=n,
            text=_text(key, n.body, f"note:{case.pk}") if n.legacy_report_id is None else _lost(),
        )
        for n in case.notes.select_related("author")
    ]
    files = [
        ReadFile(
            file=f,
            name=_text(key, f.name, f"casefile-name:{case.pk}")
            if f.legacy_report_id is None
            else _lost(),
        )
        for f in case.files.select_related("added_by")
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
    return CaseContents(reports=reports, notes=notes, files=files, key=key)


def case_file_open(*, case: Case, actor: User, item: CaseFile, body_key: bytes) -> Iterator[bytes]:
    permissions.require(actor, "view", case)
    key = case_key(case=case, body_private_key=body_key)
    case_legacy_rekey(case=case, case_key=key, body_key=body_key)
    item.refresh_from_db(fields=["storage_name"])
    audit_record(
        actor=actor,
        action="case.file_read",
        body_id=case.body_id,
        obj=case,
        details={"file": item.pk},
    )
    return vault.blob_open(key, item.storage_name)


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


def report_evidence_preview(
    *, case: Case, actor: User, item: Evidence, body_key: bytes, thumbnail: bool = False
) -> bytes:
    """The decrypted file (or a thumbnail of a photo) in memory, to show in the browser.

    Audited like a download: looking at evidence is reading it.
    """
    permissions.require(actor, "view", case)
    key = report_data_key(report=item.report, body_private_key=body_key)
    audit_record(
        actor=actor,
        action="case.evidence_thumbnail" if thumbnail else "case.evidence_previewed",
        body_id=case.body_id,
        obj=case,
        details={"evidence": item.pk, "report": item.report_id},
    )
    data = b"".join(evidence_chunks(item=item, data_key=key))
    return make_thumbnail(data) if thumbnail else data
