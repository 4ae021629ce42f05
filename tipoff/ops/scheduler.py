"""The built-in scheduler: every app's periodic jobs, enqueued on time, once.

Each app lists its periodic work in ``tipoff/<app>/jobs.py``::

    JOBS = [("deadline_reminders", 3600, deadline_reminders)]

(name, seconds between runs, a django-tasks task). ``jobs_discover`` finds
those modules by name, as ``demo_load`` finds ``<app>.demo``, so no app is
imported from here. ``scheduler_tick`` enqueues every job that is due. Any
number of schedulers may run (one per host is usual): a due run is claimed by
a compare-and-set update of its row (``next_run_at`` moves forward only if it
still holds the value this scheduler read), in the same transaction as the
task row, so exactly one scheduler enqueues it and a crash in between leaves
neither. The workers (``manage.py db_worker``) then run the task.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from tipoff.ops.models import JobSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str  # "<app label>.<job name>"
    every: dt.timedelta
    task: Any  # a django_tasks Task


def jobs_discover() -> list[Job]:
    """Every ``JOBS`` entry of every tipoff app's ``jobs`` module."""
    found: list[Job] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tipoff."):
            continue
        module_name = f"{config.name}.jobs"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for name, seconds, task_obj in module.JOBS:
            if int(seconds) < 1:
                raise ValueError(f"{module_name}: job {name!r} must run at most once a second")
            found.append(
                Job(
                    name=f"{config.label}.{name}",
                    every=dt.timedelta(seconds=seconds),
                    task=task_obj,
                )
            )
    names = [job.name for job in found]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate job names: {sorted(names)}")
    return found


def _row(job: Job, now: dt.datetime) -> JobSchedule:
    row = JobSchedule.objects.filter(name=job.name).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return JobSchedule.objects.create(name=job.name, next_run_at=now)
    except IntegrityError:  # another scheduler made it first
        return JobSchedule.objects.get(name=job.name)


def job_claim_and_enqueue(job: Job, *, now: dt.datetime, instance: str) -> bool:
    """Enqueue ``job`` if it is due and no other scheduler claimed this run; True if we did."""
    row = _row(job, now)
    if row.next_run_at > now:
        return False
    with transaction.atomic():
        claimed = JobSchedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=now + job.every,
            last_run_at=now,
            claimed_by=instance[:100],
            runs=row.runs + 1,
        )
        if claimed != 1:
            return False
        job.task.enqueue()
    logger.info("scheduler enqueued %s", job.name)
    return True


def scheduler_tick(*, instance: str, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every due job once; returns the names this instance enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs_discover():
        try:
            if job_claim_and_enqueue(job, now=now, instance=instance):
                enqueued.append(job.name)
        except Exception:  # one broken job must not stop the others
            logger.exception("scheduler could not enqueue %s", job.name)
    return enqueued


def jobs_overview(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each known job with its interval and when it last ran and runs next."""
    now = now or timezone.now()
    rows = {row.name: row for row in JobSchedule.objects.all()}
    overview = []
    for job in jobs_discover():
        row = rows.get(job.name)
        overview.append(
            {
                "name": job.name,
                "every_seconds": int(job.every.total_seconds()),
                "last_run_at": row.last_run_at if row else None,
                "next_run_at": row.next_run_at if row else now,
                "runs": row.runs if row else 0,
            }
        )
    return overview
