"""The transparency app's tables.

Each part of the app keeps its models in a block of its own below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
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
