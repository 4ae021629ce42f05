"""Retention: what reporters sent and staff wrote is deleted once a finished case has aged out.

Each body keeps finished cases' contents for its own period
(``Body.retention_days``, or the deployment's ``RETENTION_DAYS``). Then, in one
transaction per case: its reports go (contents, messages, evidence rows), its
notes and files go, its decisions lose their reasoning and the officials they
name (``cases.retention``), and the purge is written to the audit trail.
Storage blobs are shredded after the commit: a crash in between leaves only
unreferenced ciphertext, which the orphan sweep (``reports.sweep``) removes.
The case row stays (status, category, unit and dates feed statistics).

Channel identifiers and attendance snapshots have shorter lives of their own
(``channels.services.channels_purge``, ``attendance.tasks.snapshots_purge``);
the scheduler runs those jobs too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tipoff.audit.services import audit_record
from tipoff.cases.models import Case
from tipoff.cases.retention import case_contents_purge
from tipoff.lib import vault
from tipoff.people.models import Body
from tipoff.people.services import body_content_touch
from tipoff.reports.models import Evidence, Report

FINISHED = ("closed", "rejected", "forwarded", "merged")


def _expired_case_ids(*, now: dt.datetime, older_than_days: int | None) -> list[int]:
    ids: list[int] = []
    for body in Body.objects.all():
        days = older_than_days or body.retention_days or settings.RETENTION_DAYS
        cutoff = now - dt.timedelta(days=days)
        ids.extend(
            Case.objects.filter(body=body, status__in=FINISHED, updated_at__lt=cutoff)
            .filter(Q(reports__isnull=False) | Q(notes__isnull=False) | Q(files__isnull=False))
            .values_list("pk", flat=True)
            .distinct()
        )
    return ids


def case_purge(*, case_id: int) -> int:
    """Purge one finished case's contents; returns how many reports went."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        reports = Report.objects.filter(case=case)
        names = list(
            Evidence.objects.filter(report__case=case).values_list("storage_name", flat=True)
        )
        report_count = reports.count()
        reports.delete()  # messages and evidence rows go with them
        staff_part = case_contents_purge(case=case)
        audit_record(
            actor=None,
            action="retention.purge",
            body_id=case.body_id,
            obj=case,
            details={
                "reports": report_count,
                "evidence_files": len(names),
                "notes": staff_part.notes,
                "case_files": len(staff_part.file_names),
                "decisions": staff_part.decisions,
            },
        )
        body_content_touch(body_id=case.body_id)  # the search index drops what went
    for name in [*names, *staff_part.file_names]:  # after commit: see the module's docstring
        vault.blob_shred(name)
    return report_count


def reports_purge_expired(
    *, older_than_days: int | None = None, now: dt.datetime | None = None
) -> int:
    """Purge every case whose body's retention period has passed since it finished.

    ``older_than_days`` overrides every body's period (the ``--days`` of
    ``manage.py purge_expired``). Returns the number of reports purged.
    """
    now = now or timezone.now()
    return sum(
        case_purge(case_id=case_id)
        for case_id in _expired_case_ids(now=now, older_than_days=older_than_days)
    )
