"""Cases: the matter being handled, grouping one or more reports, and its record.

Each case has its own random key, sealed to its body's public key like a
report's key. What staff write about the case (internal notes, reasoning,
names of officials in a decision, files and their names) is encrypted under
it. So the case's record stays with the case: when its reports are forwarded
to another body (their keys re-sealed to that body), the case left behind can
still be read by the body that worked on it. Statuses, dates, finding and
sanction kinds stay in clear: they drive queues, deadlines and statistics.

Rows written before cases had keys were encrypted with one report's key
(``legacy_report``); the office re-encrypts them under the case key the
first time the case is read with the body key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # A context keeps these apart from the same English words used elsewhere
    # ("Received" as a date column, say), which translate differently.
    RECEIVED = "received", pgettext_lazy("case status", "Received")
    TRIAGED = "triaged", pgettext_lazy("case status", "Triaged")
    ASSIGNED = "assigned", pgettext_lazy("case status", "Assigned")
    INVESTIGATING = "investigating", pgettext_lazy("case status", "Under investigation")
    DECISION_PROPOSED = "decision_proposed", pgettext_lazy("case status", "Decision proposed")
    DECIDED = "decided", pgettext_lazy("case status", "Decided")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    REJECTED = "rejected", pgettext_lazy("case status", "Not accepted")
    FORWARDED = "forwarded", pgettext_lazy("case status", "Forwarded")
    MERGED = "merged", pgettext_lazy("case status", "Merged")


# A case in one of these is finished with, for deadlines and queues.
ENDED = frozenset({Status.CLOSED, Status.REJECTED, Status.FORWARDED, Status.MERGED})


class Case(models.Model):
    body = models.ForeignKey(
        "people.Body", on_delete=models.PROTECT, related_name="cases", verbose_name=_("body")
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.RECEIVED,
        db_index=True,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    acknowledge_due = models.DateTimeField(_("acknowledge due"))
    conclude_due = models.DateTimeField(_("conclude due"))
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    # Forwarding moves the reports to a new case of the other body; this points there.
    forwarded_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_from",
        verbose_name=_("forwarded to"),
    )
    # Written by staff for the reporter (the reason a report was not accepted,
    # or the outcome) and shown on the follow-up page without a key, so it is
    # kept in clear; the form tells staff not to name people in it.
    reporter_note = models.TextField(blank=True, verbose_name=_("reporter note"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded at"))
    sealed_key = models.BinaryField(
        default=b"", editable=False, verbose_name=_("sealed key")
    )  # case key sealed to the body

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Queues list a body's cases newest first, often by status.
            models.Index(fields=["body", "-created_at"], name="case_body_newest"),
            models.Index(fields=["body", "status", "created_at"], name="case_body_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.created_at:%Y}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status changed")
    ASSIGNMENT = "assignment", _("Assigned")
    EXTENSION = "extension", _("Deadline extended")
    CONFLICT = "conflict", _("Conflict of interest")
    MERGE = "merge", _("Reports merged in")
    FORWARD = "forward", _("Forwarded from another body")
    INTAKE = "intake", _("About the intake")


class CaseEvent(models.Model):
    """One entry of a case's history: who did what, when and why."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    at = models.DateTimeField(db_index=True, verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, verbose_name=_("kind"))
    action = models.CharField(max_length=30, verbose_name=_("action"))
    from_status = models.CharField(max_length=20, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=20, blank=True, verbose_name=_("to status"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]


class CaseNote(models.Model):
    """An internal note, never shown to the reporter; encrypted under the case key."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    legacy_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legacy report"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    body = models.BinaryField(_("body"))

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]


class CaseFile(models.Model):
    """Evidence staff gathered; bytes and file name encrypted under the case key."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="files", verbose_name=_("case")
    )
    legacy_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legacy report"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"))
    storage_name = models.CharField(max_length=100, unique=True, verbose_name=_("storage name"))
    name = models.BinaryField(_("name"))  # encrypted original file name
    kind = models.CharField(max_length=10, verbose_name=_("kind"))
    media_type = models.CharField(max_length=100, verbose_name=_("media type"))
    extension = models.CharField(max_length=10, verbose_name=_("extension"))
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["created_at", "id"]


class ExclusionReason(models.TextChoices):
    NAMED = "named", _("Named in a report")
    DECLARED = "declared", _("Declared a conflict")


class CaseExclusion(models.Model):
    """A staff member who must not see a case (named in it, or declared a conflict)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="case_exclusions",
        verbose_name=_("user"),
    )
    reason = models.CharField(
        max_length=10, choices=ExclusionReason.choices, verbose_name=_("reason")
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("case exclusion")
        verbose_name_plural = _("case exclusions")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_exclusion_per_user")
        ]


class SanctionKind(models.Model):
    """A measure a decision can impose on an official; each body keeps its own list."""

    body = models.ForeignKey(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="sanction_kinds",
        verbose_name=_("body"),
    )
    code = models.SlugField(max_length=50, verbose_name=_("code"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("sanction kind")
        verbose_name_plural = _("sanction kinds")
        ordering = ["body", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="sanction_code_per_body")
        ]

    def __str__(self) -> str:
        return self.name()

    def name(self) -> str:
        lang = get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class Finding(models.TextChoices):
    FOUNDED = "founded", _("Founded")
    PARTLY = "partly", _("Partly founded")
    UNFOUNDED = "unfounded", _("Unfounded")


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for more work")


class Decision(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case")
    )
    legacy_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legacy report"),
    )
    state = models.CharField(
        max_length=10,
        choices=DecisionState.choices,
        default=DecisionState.PROPOSED,
        verbose_name=_("state"),
    )
    finding = models.CharField(max_length=10, choices=Finding.choices, verbose_name=_("finding"))
    summary = models.TextField(
        _("summary")
    )  # plain language, for the reporter (clear, like reporter_note)
    reasoning = models.BinaryField(_("reasoning"))  # encrypted, internal
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["proposed_at", "id"]


class DecisionSanction(models.Model):
    """One measure on one official; who the official is stays encrypted."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="sanctions", verbose_name=_("decision")
    )
    kind = models.ForeignKey(
        SanctionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    official = models.BinaryField(_("official"))  # encrypted JSON {"name", "position"}

    class Meta:
        verbose_name = _("decision sanction")
        verbose_name_plural = _("decision sanctions")
        ordering = ["id"]


class DeadlineExtension(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("case")
    )
    deadline = models.CharField(max_length=12, verbose_name=_("deadline"))  # acknowledge | conclude
    old_due = models.DateTimeField(_("old due"))
    new_due = models.DateTimeField(_("new due"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["at", "id"]
