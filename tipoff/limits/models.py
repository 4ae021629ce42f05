"""Counters for abuse limits, when no Redis holds them (see ``counters.py``).

A row is one counter; ``expires_at`` (Unix seconds) ends its window, after
which the next increment starts it again from zero. Keys are keyed hashes:
no address, user name or receipt is ever stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    key = models.CharField(max_length=120, primary_key=True, verbose_name=_("key"))
    value = models.BigIntegerField(default=0, verbose_name=_("value"))
    expires_at = models.BigIntegerField(db_index=True, verbose_name=_("expires at"))

    class Meta:
        verbose_name = "counter"
