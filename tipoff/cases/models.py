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
    body = models.ForeignKey("people.Body", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    acknowledge_due = models.DateTimeField()
    conclude_due = models.DateTimeField()
    team = models.ForeignKey(
        "people.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    # Forwarding moves the reports to a new case of the other body; this points there.
    forwarded_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_from"
    )
    # Written by staff for the reporter (the reason a report was not accepted,
    # or the outcome) and shown on the follow-up page without a key, so it is
    # kept in clear; the form tells staff not to name people in it.
    reporter_note = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    sealed_key = models.BinaryField(default=b"", editable=False)  # case key sealed to the body

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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class CaseNote(models.Model):
    """An internal note, never shown to the reporter; encrypted under the case key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    legacy_report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    body = models.BinaryField()

    class Meta:
        ordering = ["created_at", "id"]


class CaseFile(models.Model):
    """Evidence staff gathered; bytes and file name encrypted under the case key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    legacy_report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    storage_name = models.CharField(max_length=100, unique=True)
    name = models.BinaryField()  # encrypted original file name
    kind = models.CharField(max_length=10)
    media_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["created_at", "id"]


class ExclusionReason(models.TextChoices):
    NAMED = "named", _("Named in a report")
    DECLARED = "declared", _("Declared a conflict")


class CaseExclusion(models.Model):
    """A staff member who must not see a case (named in it, or declared a conflict)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_exclusions"
    )
    reason = models.CharField(max_length=10, choices=ExclusionReason.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_exclusion_per_user")
        ]


class SanctionKind(models.Model):
    """A measure a decision can impose on an official; each body keeps its own list."""

    body = models.ForeignKey("people.Body", on_delete=models.CASCADE, related_name="sanction_kinds")
    code = models.SlugField(max_length=50)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
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
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    legacy_report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    finding = models.CharField(max_length=10, choices=Finding.choices)
    summary = models.TextField()  # plain language, for the reporter (clear, like reporter_note)
    reasoning = models.BinaryField()  # encrypted, internal
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]


class DecisionSanction(models.Model):
    """One measure on one official; who the official is stays encrypted."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.ForeignKey(SanctionKind, on_delete=models.PROTECT, related_name="+")
    official = models.BinaryField()  # encrypted JSON {"name", "position"}

    class Meta:
        ordering = ["id"]


class DeadlineExtension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    deadline = models.CharField(max_length=12)  # acknowledge | conclude
    old_due = models.DateTimeField()
    new_due = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
