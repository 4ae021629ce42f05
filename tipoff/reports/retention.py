"""Retention: what reporters sent is deleted once a closed case has aged out.

The case row stays (status, category, unit and dates feed statistics); the
reports' encrypted contents, messages and evidence go, and evidence files are
overwritten before removal by the shredding storage.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tipoff.audit.services import audit_record
from tipoff.lib import vault
from tipoff.people.services import body_content_touch
from tipoff.reports.models import Evidence, Report

FINISHED = ("closed", "rejected", "forwarded", "merged")


def reports_purge_expired(*, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Purge reports whose case finished more than ``older_than_days`` ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    expired = Report.objects.filter(case__status__in=FINISHED, case__updated_at__lt=cutoff)
    purged = 0
    for report in expired.iterator(chunk_size=200):
        names = list(Evidence.objects.filter(report=report).values_list("storage_name", flat=True))
        with transaction.atomic():
            audit_record(
                actor=None,
                action="retention.purge",
                body_id=report.body_id,
                obj=report,
                details={"case": report.case_id, "evidence_files": len(names)},
            )
            report.delete()
            body_content_touch(body_id=report.body_id)
        for name in names:  # after commit: a failed delete must not keep a live row
            vault.blob_shred(name)
        purged += 1
    return purged
