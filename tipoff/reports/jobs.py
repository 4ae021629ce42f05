"""Periodic work of intake, run by the scheduler (``manage.py scheduler``)."""

from tipoff.reports.tasks import orphan_sweep, retention_purge

JOBS = [
    ("retention_purge", 6 * 3600, retention_purge),
    ("orphan_sweep", 3600, orphan_sweep),
]
