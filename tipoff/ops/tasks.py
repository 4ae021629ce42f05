"""Background work of operations: forgetting finished task results, recovering orphaned ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

TASK_RESULTS_KEEP_DAYS = 14
TASK_STALE_MINUTES = 30


@task()
def task_results_prune() -> int:
    """Delete results of tasks that finished more than two weeks ago (failures included)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    return deleted


def tasks_recover_stale(*, older_than: dt.timedelta) -> int:
    """Put tasks back in the queue whose worker died while running them.

    A worker killed mid-task (SIGKILL, a lost machine) leaves its task RUNNING
    for ever. Tasks here take seconds, so one RUNNING for longer than
    ``older_than`` has lost its worker: it becomes READY again and runs once
    more (at least once, rather than never; a notification may go out twice).
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(
        status="READY", started_at=None
    )


@task()
def tasks_recover() -> int:
    return tasks_recover_stale(older_than=dt.timedelta(minutes=TASK_STALE_MINUTES))
