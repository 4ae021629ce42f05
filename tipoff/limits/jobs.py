"""Periodic work of the abuse limits, run by the scheduler (``manage.py scheduler``)."""

from tipoff.limits.tasks import counters_purge

JOBS = [("counters_purge", 3600, counters_purge)]
