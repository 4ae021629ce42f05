"""Counters for abuse limits, when no Redis holds them (see ``counters.py``).

A row is one counter; ``expires_at`` (Unix seconds) ends its window, after
which the next increment starts it again from zero. Keys are keyed hashes:
no address, user name or receipt is ever stored here.
"""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    key = models.CharField(max_length=120, primary_key=True)
    value = models.BigIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "counter"
