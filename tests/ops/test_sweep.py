"""The orphan sweep: unreferenced ciphertext older than the grace period is shredded."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from tipoff.lib import vault
from tipoff.reports.models import Evidence
from tipoff.reports.services import EvidenceFile
from tipoff.reports.sweep import orphans_sweep


def _age(name: str, hours: float) -> None:
    path = storages["evidence"].path(name)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.django_db
def test_only_old_unreferenced_blobs_go(own_evidence_storage, submit, gps_jpeg):
    kept = submit(evidence=[EvidenceFile(data=gps_jpeg)])
    referenced = Evidence.objects.get(report=kept.report).storage_name
    old_orphan = vault.blob_put(vault.new_key(), b"left by a crash")
    young_orphan = vault.blob_put(vault.new_key(), b"a submission still in flight")
    storages["evidence"].save("not-a-blob.txt", __import__("io").BytesIO(b"someone else's"))
    for name in (referenced, old_orphan):
        _age(name, 10)

    assert orphans_sweep(grace=dt.timedelta(hours=6)) == 1
    assert storages["evidence"].exists(referenced)
    assert not storages["evidence"].exists(old_orphan)
    assert storages["evidence"].exists(young_orphan)
    assert storages["evidence"].exists("not-a-blob.txt"), "only names the vault gives are swept"
    assert orphans_sweep(grace=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1)) == 1
    assert not storages["evidence"].exists(young_orphan)


@pytest.mark.django_db
def test_case_files_count_as_referenced(own_evidence_storage, body, staff, submit, gps_jpeg):
    from tipoff.office.investigation import case_file_add

    result = submit()
    item = case_file_add(
        case=result.report.case,
        actor=staff["intake"],
        name="scan.jpg",
        data=gps_jpeg,
        body_key=body.private_key,
    )
    assert orphans_sweep(grace=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1)) == 0
    assert storages["evidence"].exists(item.storage_name)
