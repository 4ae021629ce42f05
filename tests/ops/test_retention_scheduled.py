"""Retention, run by the scheduler with a moved clock: each body's period, everything purged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import storages
from django.utils import timezone

from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify
from tipoff.cases.models import Case, CaseFile, CaseNote
from tipoff.ops.scheduler import scheduler_tick
from tipoff.reports.models import Evidence, Message, Report
from tipoff.reports.services import EvidenceFile


def _run_enqueued_tasks() -> None:
    """What a db_worker does with each ready task (in this test's transaction)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim("test")
        worker.run_task(result)
    failed = DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "traceback")
    assert list(failed) == []


def _close(case: Case, at: dt.datetime) -> None:
    Case.objects.filter(pk=case.pk).update(status="closed", updated_at=at, closed_at=at)


@pytest.mark.django_db
def test_scheduled_purge_follows_the_bodys_period(body, staff, submit, gps_jpeg):
    from tipoff.office.investigation import case_file_add, note_add
    from tipoff.reports.services import message_post, reporter_open

    body.body.retention_days = 30
    body.body.save(update_fields=["retention_days"])
    done = submit(evidence=[EvidenceFile(data=gps_jpeg)])
    ongoing = submit()
    case = done.report.case
    access = reporter_open(code=done.receipt)
    assert access is not None
    message_post(
        report=done.report, data_key=access.data_key, text="One more thing.", author="reporter"
    )
    note_add(case=case, actor=staff["intake"], text="Internal note", body_key=body.private_key)
    case_file_add(
        case=case,
        actor=staff["intake"],
        name="minutes.jpg",
        data=gps_jpeg,
        body_key=body.private_key,
    )
    names = [
        *Evidence.objects.filter(report=done.report).values_list("storage_name", flat=True),
        *CaseFile.objects.filter(case=case).values_list("storage_name", flat=True),
    ]
    assert len(names) == 2 and all(storages["evidence"].exists(n) for n in names)
    closed_at = timezone.now()
    _close(case, closed_at)

    with time_machine.travel(closed_at + dt.timedelta(days=29), tick=False):
        scheduler_tick(instance="test")
        _run_enqueued_tasks()
    assert Report.objects.filter(pk=done.report.pk).exists(), "29 days: still kept"

    with time_machine.travel(closed_at + dt.timedelta(days=31), tick=False):
        scheduler_tick(instance="test")
        _run_enqueued_tasks()
    assert not Report.objects.filter(pk=done.report.pk).exists()
    assert Report.objects.filter(pk=ongoing.report.pk).exists(), "an open case is never purged"
    assert Message.objects.filter(report_id=done.report.pk).count() == 0
    assert not CaseNote.objects.filter(case=case).exists()
    assert not CaseFile.objects.filter(case=case).exists()
    assert not any(storages["evidence"].exists(n) for n in names)
    assert Case.objects.filter(pk=case.pk).exists(), "statistics keep the case row"
    event = AuditEvent.objects.get(action="retention.purge")
    assert event.object_type == "case" and event.object_id == str(case.pk)
    assert event.details == {
        "reports": 1,
        "evidence_files": 1,
        "notes": 1,
        "case_files": 1,
        "decisions": 0,
    }
    assert audit_verify() is None


@pytest.mark.django_db
def test_the_deployment_default_applies_without_a_body_period(body, submit, settings):
    settings.RETENTION_DAYS = 100
    result = submit()
    closed_at = timezone.now()
    _close(result.report.case, closed_at)
    from tipoff.reports.retention import reports_purge_expired

    assert reports_purge_expired(now=closed_at + dt.timedelta(days=99)) == 0
    assert reports_purge_expired(now=closed_at + dt.timedelta(days=101)) == 1


@pytest.mark.django_db
def test_channel_conversations_and_attendance_snapshots_expire_by_the_scheduler(body):
    """The other purges the scheduler runs: chat conversations after a day of silence."""
    from tipoff.channels.models import ChannelAccount, Conversation

    account = ChannelAccount.objects.create(body=body.body, kind="telegram", credentials=b"")
    now = timezone.now()
    Conversation.objects.create(
        account=account,
        sender_lookup=b"x" * 32,
        sender=b"sealed",
        state=b"sealed",
        updated_at=now,
        expires_at=now + dt.timedelta(hours=24),
    )
    with time_machine.travel(now + dt.timedelta(hours=25), tick=False):
        scheduler_tick(instance="test")
        _run_enqueued_tasks()
    assert Conversation.objects.count() == 0
