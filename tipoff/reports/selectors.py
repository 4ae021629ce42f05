"""Reading reports: decrypting what a reporter wrote for someone who holds the key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from tipoff.cases.models import Case
from tipoff.cases.selectors import ReporterStatus, case_status_for_reporter
from tipoff.lib import vault
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Evidence, Message, Report


def report_status(report: Report) -> ReporterStatus:
    """What the reporter is told about their report's handling (channels ask here, not cases)."""
    return case_status_for_reporter(report.case)


def report_data_key(*, report: Report, body_private_key: bytes) -> bytes:
    """Staff side: open the report's data key with the body's private key."""
    return vault.open_sealed(body_private_key, report.sealed_key)


def report_legacy_district(*, report: Report, body_private_key: bytes) -> str:
    """A district typed as free text before districts became a list (sealed by the migration)."""
    blob = bytes(report.legacy_district or b"")
    return vault.open_sealed(body_private_key, blob).decode() if blob else ""


def report_content(*, report: Report, data_key: bytes) -> ReportContent:
    return ReportContent.from_bytes(vault.unseal(data_key, report.content, label="report"))


@dataclass(frozen=True)
class ThreadItem:
    message: Message
    text: str
    evidence: list[Evidence]


def report_thread(*, report: Report, data_key: bytes) -> list[ThreadItem]:
    messages = list(report.messages.select_related("staff").prefetch_related("evidence"))
    return [
        ThreadItem(
            message=m,
            text=vault.unseal(data_key, m.body, label=f"message:{report.pk}").decode(),
            evidence=list(m.evidence.all()),
        )
        for m in messages
    ]


def report_initial_evidence(*, report: Report) -> list[Evidence]:
    return list(report.evidence.filter(message__isnull=True))


def evidence_chunks(*, item: Evidence, data_key: bytes) -> Iterator[bytes]:
    """The decrypted bytes of one evidence file, chunk by chunk."""
    yield from vault.blob_open(data_key, item.storage_name)


def case_reports(case: Case) -> QuerySet[Report]:
    """The reports of the matter: the case's own and those of cases merged into it.

    Two indexed lookups rather than one ``OR`` across a join, which no index
    serves (40 ms at 50,000 reports, for every candidate of a duplicate check).
    """
    ids = [case.pk, *Case.objects.filter(merged_into=case).values_list("pk", flat=True)]
    return (
        Report.objects.filter(case_id__in=ids)
        .select_related("category", "unit", "district", "case")
        .order_by("received_at", "id")
    )


def case_primary_report(case: Case) -> Report | None:
    return case_reports(case).first()
