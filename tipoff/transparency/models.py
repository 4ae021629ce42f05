"""The transparency app's tables.

Each part of the app keeps its models in a block of its own below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tipoff.cases.models import Finding

if TYPE_CHECKING:
    from tipoff.people.models import Unit

# --- Notices of typical cases (典型案例通报) ------------------------------------------
#
# A notice is a public, anonymised account of a decided case. Its structured
# facts (category, unit, finding, kinds of measure, dates) are copied from the
# case's clear fields when the draft is started; its words are written by
# staff. Nothing is filled in from a report's encrypted contents. See
# ``notices.py`` for the workflow (draft → awaiting approval → published →
# withdrawn) and docs/transparency.md.


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Notice(models.Model):
    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="notices")
    # The case it tells of, for staff only; never shown or exported publicly.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    state = models.CharField(
        max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT, db_index=True
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_zh = models.TextField(_("account (Chinese)"))
    text_en = models.TextField(_("account (English)"), blank=True)
    # Structured facts, copied from the case's clear fields.
    category = models.ForeignKey(
        "people.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "people.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    show_unit = models.BooleanField(_("name the unit"), default=True)
    finding = models.CharField(max_length=10, choices=Finding.choices)
    sanction_kinds = models.ManyToManyField("cases.SanctionKind", blank=True, related_name="+")
    reported_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    # Who did what, when: the drafter never approves (``notices.notice_approve``).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    return_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["body", "state", "-published_at"], name="notice_body_published")
        ]

    def __str__(self) -> str:
        return self.title()

    def _english(self) -> bool:
        return (get_language() or "zh-hans").startswith("en")

    def title(self) -> str:
        return self.title_en if self._english() and self.title_en else self.title_zh

    def text(self) -> str:
        return self.text_en if self._english() and self.text_en else self.text_zh

    def public_unit(self) -> Unit | None:
        return self.unit if self.show_unit else None


# --- end of notices ---------------------------------------------------------------------


# --- Statistics ------------------------------------------------------------------------
#
# Per-body publication settings, one *fact* row per report and per case (the
# few clear facts statistics need, kept even after retention purges the
# report), and the roll-up *cells* the public pages sum, so no request ever
# scans reports. ``stats_rollup.py`` keeps them, ``stats.py`` reads them.


class StatsSettings(models.Model):
    """How a body publishes its statistics."""

    body = models.OneToOneField(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="stats_settings",
        verbose_name=_("body"),
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
