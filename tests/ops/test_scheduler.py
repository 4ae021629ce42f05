"""The scheduler: discovers every app's JOBS, enqueues each due job once, even with rivals."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tipoff.ops.models import JobSchedule
from tipoff.ops.scheduler import jobs_discover, scheduler_tick

EXPECTED = {
    "cases.deadline_reminders",
    "reports.retention_purge",
    "reports.orphan_sweep",
    "channels.purge_conversations",
    "channels.poll_mailboxes",
    "channels.submissions_finish",
    "attendance.housekeeping",
    "limits.counters_purge",
    "audit.chain_verify",
    "ops.task_results_prune",
    "transparency.stats_refresh",
}


def test_every_apps_jobs_are_discovered():
    names = {job.name for job in jobs_discover()}
    assert names >= EXPECTED


@pytest.mark.django_db
def test_a_job_runs_once_per_interval():
    start = timezone.now()
    first = scheduler_tick(instance="a", now=start)
    assert set(first) >= EXPECTED
    # The statistics roll-up runs every 30 seconds (figures at most a minute old).
    every_half_minute = {
        job.name for job in jobs_discover() if job.every <= dt.timedelta(seconds=30)
    }
    assert "transparency.stats_refresh" in every_half_minute
    assert scheduler_tick(instance="a", now=start + dt.timedelta(seconds=29)) == []
    assert set(scheduler_tick(instance="a", now=start + dt.timedelta(seconds=30))) == (
        every_half_minute
    )
    later = scheduler_tick(instance="b", now=start + dt.timedelta(seconds=61))
    every_minute = {job.name for job in jobs_discover() if job.every <= dt.timedelta(seconds=61)}
    assert (
        "channels.poll_mailboxes" in every_minute and "cases.deadline_reminders" not in every_minute
    )
    assert set(later) == every_minute
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths.count("tipoff.channels.tasks.poll_mailboxes") == 2
    assert paths.count("tipoff.cases.tasks.deadline_reminders") == 1
    row = JobSchedule.objects.get(name="channels.poll_mailboxes")
    assert row.runs == 2 and row.claimed_by == "b"


@pytest.mark.django_db(transaction=True)
def test_rival_schedulers_enqueue_each_run_once():
    """Four schedulers tick at the same instant, five times over: one enqueue per due run."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims are exercised on PostgreSQL (SQLite serialises writers)")
    start = timezone.now()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def rival(index: int) -> None:
        try:
            for step in range(5):
                barrier.wait()
                scheduler_tick(instance=f"s{index}", now=start + dt.timedelta(seconds=61 * step))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rival, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths.count("tipoff.channels.tasks.poll_mailboxes") == 5
    assert paths.count("tipoff.cases.tasks.deadline_reminders") == 1


@pytest.mark.django_db
def test_the_command_lists_and_runs_once(capsys):
    from django.core.management import call_command

    call_command("scheduler", "--once")
    assert "enqueued cases.deadline_reminders" in capsys.readouterr().out
    call_command("scheduler", "--list")
    assert "channels.poll_mailboxes" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)  # the service closes old connections between passes
def test_the_service_logs_each_job_once(capsys, caplog):
    """Issue 15: it printed each job and logged it too, so its log had every line twice."""
    import logging

    from django.core.management import call_command

    caplog.set_level(logging.INFO, logger="tipoff.ops.scheduler")
    call_command("scheduler", "--passes", "1", "--interval", "0")
    logged = [r.getMessage() for r in caplog.records if r.name == "tipoff.ops.scheduler"]
    assert logged.count("scheduler enqueued cases.deadline_reminders") == 1
    assert "deadline_reminders" not in capsys.readouterr().out
