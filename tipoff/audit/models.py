"""Audit events, each carrying the hash of the one before it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, editable=False, verbose_name=_("seq"))
    at = models.DateTimeField(editable=False, verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(max_length=150, verbose_name=_("actor label"))
    action = models.CharField(max_length=60, verbose_name=_("action"))
    body_id = models.BigIntegerField(null=True, verbose_name=_("body id"))
    object_type = models.CharField(max_length=40, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    details = models.JSONField(default=dict, verbose_name=_("details"))
    prev_hash = models.CharField(max_length=64, editable=False, verbose_name=_("prev hash"))
    hash = models.CharField(max_length=64, editable=False, verbose_name=_("hash"))

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]


class AuditHead(models.Model):
    """One row, locked while appending, so the chain never forks."""

    last_seq = models.BigIntegerField(default=0, verbose_name=_("last seq"))
    last_hash = models.CharField(max_length=64, default="0" * 64, verbose_name=_("last hash"))

    class Meta:
        verbose_name = _("audit head")
        verbose_name_plural = _("audit heads")
