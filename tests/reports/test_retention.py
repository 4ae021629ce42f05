"""purge_expired deletes aged-out reports and shreds their evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from tipoff.audit.models import AuditEvent
from tipoff.cases.models import Case
from tipoff.reports.models import Evidence, Report
from tipoff.reports.retention import reports_purge_expired
from tipoff.reports.services import EvidenceFile


def _age_case(case: Case, *, status: str, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=status, updated_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.mark.django_db
def test_old_closed_reports_are_purged_and_files_removed(submit, gps_jpeg):
    old = submit(evidence=[EvidenceFile(data=gps_jpeg)])
    recent = submit()
    still_open = submit()
    _age_case(old.report.case, status="closed", days=800)
    _age_case(recent.report.case, status="closed", days=10)
    _age_case(still_open.report.case, status="investigating", days=800)
    path = Path(storages["evidence"].path(Evidence.objects.get(report=old.report).storage_name))
    assert path.exists()

    assert reports_purge_expired(older_than_days=730) == 1
    assert set(Report.objects.values_list("pk", flat=True)) == {
        recent.report.pk,
        still_open.report.pk,
    }
    assert not path.exists() and Evidence.objects.count() == 0
    assert Case.objects.filter(pk=old.report.case.pk).exists(), "statistics keep the case"
    assert AuditEvent.objects.filter(action="retention.purge").count() == 1


@pytest.mark.django_db
def test_command_uses_the_days_given(submit, capsys):
    result = submit()
    _age_case(result.report.case, status="rejected", days=40)
    call_command("purge_expired", "--days", "60")
    assert Report.objects.count() == 1
    call_command("purge_expired", "--days", "30")
    assert Report.objects.count() == 0
    assert "Purged 1 report" in capsys.readouterr().out


def test_shredding_storage_overwrites_before_deleting(tmp_path):
    from tipoff.lib.storage import ShreddingFileSystemStorage

    storage = ShreddingFileSystemStorage(location=str(tmp_path))
    from django.core.files.base import ContentFile

    name = storage.save("x.bin", ContentFile(b"secret" * 1000))
    handle = open(storage.path(name), "rb")  # keeps the inode readable after unlink  # noqa: SIM115
    storage.delete(name)
    try:
        assert b"secret" not in handle.read()
    finally:
        handle.close()
    assert not storage.exists(name)
