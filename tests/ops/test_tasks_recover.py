"""A task left RUNNING by a killed worker goes back to the queue; a running one stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tipoff.ops.tasks import tasks_recover_stale


@pytest.mark.django_db
def test_only_stale_running_tasks_are_requeued(submit):
    submit()
    submit()
    first, second = DBTaskResult.objects.order_by("enqueued_at")[:2]
    first.claim("dead-worker")
    second.claim("live-worker")
    DBTaskResult.objects.filter(pk=first.pk).update(
        started_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks_recover_stale(older_than=dt.timedelta(minutes=30)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "READY" and first.started_at is None
    assert second.status == "RUNNING"
