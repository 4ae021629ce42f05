"""Periodic work of transparency, run by the scheduler (``manage.py scheduler``)."""

from tipoff.transparency.stats_tasks import stats_rollup_reconcile, stats_rollup_refresh

# Every 30 s: with the scheduler's 15-second passes, published figures are at most
# about a minute behind. The daily reconcile recomputes everything from the cases.
JOBS = [
    ("stats_refresh", 30, stats_rollup_refresh),
    ("stats_reconcile", 24 * 3600, stats_rollup_reconcile),
]
