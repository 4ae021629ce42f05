"""Working a case: internal notes, messages to the reporter, files, officials' names.

What staff write here is encrypted under the case's own key (see
``cases.models``), so it stays readable by the body that worked the case even
after the reports move on (forwarding). Messages to the reporter go into the
report's own thread, under the report's key, so the reporter can read them.
Reading all of it is ``reading.case_read``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseFile, CaseNote
from tipoff.cases.selectors import case_key
from tipoff.cases.services import TransitionRefused
from tipoff.lib import vault
from tipoff.people.models import User
from tipoff.reports.models import Author, Message, Report
from tipoff.reports.selectors import case_reports, report_data_key
from tipoff.reports.services import EvidenceFile, message_post, sanitise_evidence

MAX_NOTE = 5000


@transaction.atomic
def note_add(*, case: Case, actor: User, text: str, body_key: bytes) -> CaseNote:
    permissions.require(actor, "note", case)
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise TransitionRefused(
            _("Write a note of up to %(limit)d characters.") % {"limit": MAX_NOTE}
        )
    key = case_key(case=case, body_private_key=body_key)
    note = CaseNote.objects.create(
        case=case,
        author=actor,
        created_at=timezone.now(),
        body=vault.seal(key, text.encode(), label=f"note:{case.pk}"),
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
    """A message to the reporter of one of the case's reports (shown on their follow-up page).

    The message and its audit record are one transaction.
    """
    permissions.require(actor, "message", case)
    if not case_reports(case).filter(pk=report.pk).exists():
        raise permissions.NotAllowed("message")
    key = report_data_key(report=report, body_private_key=body_key)
    with transaction.atomic():
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
    key = case_key(case=case, body_private_key=body_key)
    safe_name = (name.replace("/", "_").replace("\\", "_").strip() or "file")[:150]
    with vault.Blobs() as blobs:
        stored = blobs.put(key, clean.content)
        with transaction.atomic():
            item = CaseFile.objects.create(
                case=case,
                added_by=actor,
                created_at=timezone.now(),
                storage_name=stored,
                name=vault.seal(key, safe_name.encode(), label=f"casefile-name:{case.pk}"),
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
    return item


def official_blob(*, key: bytes, case: Case, name: str, position: str) -> bytes:
    """An official's name and position, sealed under the case key."""
    payload = json.dumps({"name": name, "position": position}, ensure_ascii=False).encode()
    return vault.seal(key, payload, label=f"official:{case.pk}")


def official_read(*, key: bytes, case: Case, blob: bytes | memoryview) -> dict[str, str]:
    data: dict[str, str] = json.loads(vault.unseal(key, blob, label=f"official:{case.pk}"))
    return data
