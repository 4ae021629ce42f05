"""Cases: the matter being handled, grouping one or more reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Under investigation")
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    FORWARDED = "forwarded", _("Forwarded")
    MERGED = "merged", _("Merged")


class Case(models.Model):
    body = models.ForeignKey("people.Body", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    acknowledge_due = models.DateTimeField()
    conclude_due = models.DateTimeField()
    team = models.ForeignKey("people.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_cases"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    @property
    def reference(self) -> str:
        return f"{self.created_at:%Y}-{self.pk:06d}"

    def __str__(self) -> str:
        return self.reference
