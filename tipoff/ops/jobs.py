"""Periodic work of operations, run by the scheduler (``manage.py scheduler``)."""

from tipoff.ops.tasks import task_results_prune, tasks_recover

JOBS = [
    ("task_results_prune", 24 * 3600, task_results_prune),
    ("tasks_recover", 600, tasks_recover),
]
