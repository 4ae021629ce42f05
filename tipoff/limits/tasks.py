"""Background work of the abuse limits: forgetting counters whose window has ended."""

from __future__ import annotations

from django_tasks import task

from tipoff.limits.counters import counters


@task()
def counters_purge() -> int:
    """Delete expired counters (the database backend; Redis expires them itself)."""
    return counters().purge()
