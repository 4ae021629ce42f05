"""Transparency: what a body publishes about its work.

The statistics block (``stats_rollup.py`` keeps it, ``stats.py`` reads it):
per-body publication settings, one *fact* row per report and per case (the
few clear facts statistics need, kept even after retention purges the report),
and the roll-up *cells* the public pages sum, so no request ever scans reports.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- statistics ---------------------------------------------------------------


class StatsSettings(models.Model):
    """How a body publishes its statistics."""

    body = models.OneToOneField(
        "people.Body", on_delete=models.CASCADE, related_name="stats_settings"
    )
    threshold = models.PositiveSmallIntegerField(
        _("smallest published count"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("Counts from 1 to one less than this are withheld, with enough others."),
    )

    class Meta:
        verbose_name = _("statistics settings")
        verbose_name_plural = _("statistics settings")


class Outcome(models.TextChoices):
    """Where a report stands; every report is in exactly one of these."""

    PENDING = "pending", _("Awaiting review")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    HANDLING = "handling", _("Being handled")
    UNFOUNDED = "unfounded", _("Concluded: not founded")
    FOUNDED = "founded", _("Concluded: founded")


class ReportFact(models.Model):
    """The clear facts of one report that statistics count (no contents, no identity)."""

    report_id = models.BigIntegerField(unique=True)  # not a key: the report may be purged
    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month it was received (local time)
    category_id = models.BigIntegerField()
    unit_id = models.BigIntegerField(default=0)  # 0: no unit given
    channel = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)


class CaseFact(models.Model):
    """The clear facts of one case: how fast it was handled and what measures it ended in."""

    case_id = models.BigIntegerField(unique=True)
    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month the case was opened
    ack_days = models.IntegerField(null=True)
    ack_within = models.BooleanField(null=True)
    conclude_days = models.IntegerField(null=True)
    conclude_within = models.BooleanField(null=True)
    sanctions = models.JSONField(default=dict)  # {sanction kind id: measures}


class Dimension(models.TextChoices):
    CATEGORY = "category", _("Category")
    UNIT = "unit", _("Unit")
    CHANNEL = "channel", _("Channel")


class OutcomeCell(models.Model):
    """Reports of one body and month with one value of one dimension, in one outcome."""

    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    dim = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=40)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "month", "dim", "key", "outcome"], name="outcome_cell_once"
            )
        ]


class DurationCell(models.Model):
    """How many cases of one body and month took ``days`` to be acknowledged or concluded."""

    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    measure = models.CharField(max_length=12)  # acknowledge | conclude
    days = models.IntegerField()
    within = models.BooleanField()  # within the deadline that applied
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "month", "measure", "days", "within"], name="duration_cell_once"
            )
        ]


class SanctionCell(models.Model):
    """Measures of one kind imposed by approved decisions on cases opened in one month."""

    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    kind_id = models.BigIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "month", "kind_id"], name="sanction_cell_once")
        ]


class RollupState(models.Model):
    """One row: how far the roll-ups have caught up, and a version that changes with them."""

    caught_up_to = models.DateTimeField(null=True)
    version = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)
