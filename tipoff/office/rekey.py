"""Moving a case's older notes, files and decisions under the case's own key.

Before cases had keys, what staff wrote was encrypted with the key of one of
the case's reports (``legacy_report``). The server cannot re-encrypt that on
its own — it holds no key — so it happens the first time someone reads the
case with the body key: each such row is decrypted with its report's key and
sealed again under the case key, and the pointer to the report is dropped.

A row whose report was forwarded to another body before this change can no
longer be opened here (its report key now belongs to the other body); it is
left as it is and shown as unreadable.
"""

from __future__ import annotations

from django.db import transaction

from tipoff.cases.models import Case, CaseFile, CaseNote, Decision, DecisionSanction
from tipoff.lib import vault
from tipoff.reports.models import Report
from tipoff.reports.selectors import report_data_key


def _report_key(report: Report | None, case: Case, body_key: bytes) -> bytes | None:
    if report is None or report.body_id != case.body_id:
        return None
    try:
        return report_data_key(report=report, body_private_key=body_key)
    except vault.DecryptionError:
        return None


def _reseal(old: bytes, new: bytes, blob: bytes | memoryview, label: str) -> bytes:
    return vault.seal(new, vault.unseal(old, blob, label=label), label=label)


def case_legacy_rekey(*, case: Case, case_key: bytes, body_key: bytes) -> int:
    """Re-encrypt the case's legacy rows under ``case_key``; returns how many moved."""
    moved = 0
    with transaction.atomic():
        for note in CaseNote.objects.filter(case=case, legacy_report__isnull=False).select_related(
            "legacy_report"
        ):
            old = _report_key(note.legacy_report, case, body_key)
            if old is None:
                continue
            note.body = _reseal(old, case_key, note.body, f"note:{case.pk}")
            note.legacy_report = None
            note.save(update_fields=["body", "legacy_report"])
            moved += 1
        for decision in Decision.objects.filter(
            case=case, legacy_report__isnull=False
        ).select_related("legacy_report"):
            old = _report_key(decision.legacy_report, case, body_key)
            if old is None:
                continue
            decision.reasoning = _reseal(old, case_key, decision.reasoning, f"reasoning:{case.pk}")
            for sanction in DecisionSanction.objects.filter(decision=decision):
                sanction.official = _reseal(old, case_key, sanction.official, f"official:{case.pk}")
                sanction.save(update_fields=["official"])
            decision.legacy_report = None
            decision.save(update_fields=["reasoning", "legacy_report"])
            moved += 1
    for item in CaseFile.objects.filter(case=case, legacy_report__isnull=False).select_related(
        "legacy_report"
    ):
        old = _report_key(item.legacy_report, case, body_key)
        if old is None:
            continue
        with vault.Blobs() as blobs:
            plain = b"".join(vault.blob_open(old, item.storage_name))
            new_name = blobs.put(case_key, plain)
            previous = item.storage_name
            item.name = _reseal(old, case_key, item.name, f"casefile-name:{case.pk}")
            item.storage_name = new_name
            item.legacy_report = None
            item.save(update_fields=["name", "storage_name", "legacy_report"])
        vault.blob_shred(previous)
        moved += 1
    return moved
