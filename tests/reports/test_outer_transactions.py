"""Issue 9.6: a report is committed on its own, so a caller's rollback cannot undo a
report whose receipt was given, nor leave its encrypted files behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from PIL import Image

from tipoff.reports.models import Evidence, Message, Report
from tipoff.reports.selectors import report_data_key
from tipoff.reports.services import EvidenceFile, message_post


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(out, "JPEG")
    return out.getvalue()


def _stored() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.django_db(transaction=True)
def test_inside_another_transaction_a_report_is_refused_and_nothing_is_left(submit):
    before = _stored()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        submit(evidence=[EvidenceFile(data=_jpeg())])
    assert not Report.objects.exists()
    assert _stored() == before


@pytest.mark.django_db(transaction=True)
def test_on_its_own_a_report_with_files_is_committed(submit):
    before = _stored()
    filed = submit(evidence=[EvidenceFile(data=_jpeg())])
    assert Report.objects.filter(pk=filed.report.pk).exists()
    assert Evidence.objects.filter(report=filed.report).count() == 1
    assert len(_stored() - before) == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_with_files_also_commits_on_its_own(submit, body):
    filed = submit()
    key = report_data_key(report=filed.report, body_private_key=body.private_key)
    before = _stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        message_post(
            report=filed.report,
            data_key=key,
            text="more",
            author="reporter",
            files=[EvidenceFile(data=_jpeg())],
        )
    assert not Message.objects.exists() and _stored() == before
    # Without files a message may be part of a larger transaction (staff replies are).
    with transaction.atomic():
        message_post(report=filed.report, data_key=key, text="a note", author="staff")
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_files_are_written_removes_them(submit, monkeypatch):
    from tipoff.reports import services

    before = _stored()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_evidence_rows", broken)
    with pytest.raises(OSError):
        submit(evidence=[EvidenceFile(data=_jpeg())])
    assert _stored() == before and not Report.objects.exists()
