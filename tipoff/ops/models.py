"""The scheduler's memory: when each periodic job is next due, claimed row by row."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobSchedule(models.Model):
    """One periodic job (``<app>.<name>`` from a ``jobs.py``) and when it is next due.

    Several schedulers may run; each claims a due run by moving ``next_run_at``
    forward with a compare-and-set update, so only one of them enqueues it.
    """

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    next_run_at = models.DateTimeField(_("next run at"))
    last_run_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last run at"))
    claimed_by = models.CharField(max_length=100, blank=True, verbose_name=_("claimed by"))
    runs = models.PositiveBigIntegerField(default=0, verbose_name=_("runs"))

    class Meta:
        verbose_name = _("job schedule")
        verbose_name_plural = _("job schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
