"""Background work of the statistics: keeping the roll-ups fresh (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tipoff.transparency.stats_rollup import stats_reconcile, stats_refresh


@task()
def stats_rollup_refresh() -> int:
    return stats_refresh()


@task()
def stats_rollup_reconcile() -> int:
    return stats_reconcile()
