"""The scheduler's memory: when each periodic job is next due, claimed row by row."""

from __future__ import annotations

from django.db import models


class JobSchedule(models.Model):
    """One periodic job (``<app>.<name>`` from a ``jobs.py``) and when it is next due.

    Several schedulers may run; each claims a due run by moving ``next_run_at``
    forward with a compare-and-set update, so only one of them enqueues it.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
