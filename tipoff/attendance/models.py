"""Attendance data: sites, schedules, the working calendar, employees, consent,
encrypted face templates, kiosks, attempts, check-in events and daily records.

No photo is ever stored. Face embeddings are encrypted under a key derived
from the ``ATTENDANCE_KEY`` setting (never in the database); so are the
snapshots of doubtful attempts, which exist only until they are reviewed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipoff.people.models import Bilingual

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class Site(Bilingual):
    """A place with kiosks: a court, an office building."""

    body = models.ForeignKey(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="attendance_sites",
        verbose_name=_("body"),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    # A stricter threshold for a large site (see docs/attendance.md); empty = the engine's.
    match_threshold = models.FloatField(_("match threshold"), null=True, blank=True)
    review_days = models.PositiveSmallIntegerField(
        _("keep doubtful attempts for (days)"), default=7
    )
    # Accepted check-ins keep a few frames too, for disputes and spotting spoofs; briefly.
    checkin_snapshot_days = models.PositiveSmallIntegerField(
        _("keep check-in snapshots for (days)"), default=3
    )
    # Bumped by every enrollment change, so each web process knows when to reload.
    gallery_version = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name=_("gallery version")
    )
    # Tells a recreated site from an old one with the same id (cached galleries).
    gallery_epoch = models.UUIDField(
        default=uuid.uuid4, editable=False, verbose_name=_("gallery epoch")
    )

    class Meta:
        verbose_name = _("attendance site")
        verbose_name_plural = _("attendance sites")
        ordering = ["body", "id"]


class Schedule(models.Model):
    """Working hours. An end at or before the start means the shift runs overnight."""

    body = models.ForeignKey(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="attendance_schedules",
        verbose_name=_("body"),
    )
    name = models.CharField(_("name"), max_length=100)
    start = models.TimeField(_("starts at"))
    end = models.TimeField(_("ends at"))
    grace_minutes = models.PositiveSmallIntegerField(
        _("grace period for arriving (minutes)"), default=5
    )
    early_grace_minutes = models.PositiveSmallIntegerField(
        _("grace period for leaving (minutes)"), default=0
    )
    rest_weekdays = models.JSONField(_("weekly rest days"), default=list, blank=True)
    follows_calendar = models.BooleanField(
        _("follows the working calendar"),
        default=True,
        help_text=_("Public holidays are days off and swapped working days are working days."),
    )

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["body", "start", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Swapped working day")


class CalendarDay(models.Model):
    """An exception to the weekly pattern: a public holiday or a swapped working day (调休)."""

    body = models.ForeignKey(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="attendance_calendar",
        verbose_name=_("body"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="attendance_one_day_per_body")
        ]


class Employee(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="employees", verbose_name=_("site")
    )
    unit = models.ForeignKey(
        "people.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendance_employee",
        verbose_name=_("staff account"),
    )
    number = models.CharField(_("staff number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, related_name="employees", verbose_name=_("schedule")
    )
    pin_hash = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("pin hash")
    )
    pin_failures = models.PositiveSmallIntegerField(
        default=0, editable=False, verbose_name=_("pin failures")
    )
    pin_locked_until = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("pin locked until")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="attendance_number_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Consent(models.Model):
    """An employee's consent to face recognition: who recorded it, when, which text."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="consents", verbose_name=_("employee")
    )
    text_version = models.CharField(max_length=20, verbose_name=_("text version"))
    given_at = models.DateTimeField(_("given at"))
    how = models.CharField(
        max_length=20, verbose_name=_("how")
    )  # "kiosk" (the employee tapped) or "paper" (admin recorded)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("withdrawn at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]


class Enrollment(models.Model):
    """An employee's face template at one site, encrypted.

    Withdrawing consent empties the ciphertexts and keeps the row as a
    tombstone (``active`` false) so every process's gallery drops the person.
    """

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("employee")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("site")
    )
    engine = models.CharField(max_length=40, verbose_name=_("engine"))
    photo_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("photo count"))
    template = models.BinaryField(
        default=b"", verbose_name=_("template")
    )  # encrypted float32 vector
    embeddings = models.BinaryField(
        default=b"", verbose_name=_("embeddings")
    )  # encrypted float32 matrix, one row per photo
    active = models.BooleanField(default=True, verbose_name=_("active"))
    version = models.PositiveBigIntegerField(
        db_index=True, verbose_name=_("version")
    )  # the site's gallery_version at the change
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "site"], name="attendance_enrollment_per_site"
            )
        ]
        indexes = [models.Index(fields=["site", "version"])]


class Kiosk(models.Model):
    """A paired browser at a site. Its long token lives in its cookie; we keep a hash."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="kiosks", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False, verbose_name=_("token hash")
    )
    pairing_code_hash = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("pairing code hash")
    )
    pairing_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("pairing expires at")
    )
    paired_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("paired at")
    )
    last_seen_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last seen at")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class Challenge(models.Model):
    """A liveness challenge issued to a kiosk: usable once, for a short time."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id")
    )
    kiosk = models.ForeignKey(
        Kiosk, on_delete=models.CASCADE, related_name="+", verbose_name=_("kiosk")
    )
    kind = models.CharField(max_length=20, verbose_name=_("kind"))
    expires_at = models.DateTimeField(_("expires at"))
    used = models.BooleanField(default=False, verbose_name=_("used"))

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")


class EnrollmentCode(models.Model):
    """A one-time code an administrator gives an employee to enroll at a kiosk."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("employee")
    )
    code_hash = models.CharField(max_length=64, unique=True, verbose_name=_("code hash"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("enrollment code")
        verbose_name_plural = _("enrollment codes")


class Direction(models.TextChoices):
    IN = "in", _("Check in")
    OUT = "out", _("Check out")


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", _("Recognised")
    UNRECOGNISED = "unrecognised", _("Not recognised")
    DOUBTFUL = "doubtful", _("Doubtful")
    NOT_LIVE = "not_live", _("Liveness check failed")
    PIN = "pin", _("PIN fallback")


class Attempt(models.Model):
    """One try at a kiosk. Doubtful ones keep an encrypted snapshot until reviewed."""

    key = models.UUIDField(
        default=uuid.uuid4, editable=False, unique=True, verbose_name=_("key")
    )  # binds the snapshot's ciphertext
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("site")
    )
    kiosk = models.ForeignKey(
        Kiosk,
        on_delete=models.SET_NULL,
        null=True,
        related_name="attempts",
        verbose_name=_("kiosk"),
    )
    at = models.DateTimeField(db_index=True, verbose_name=_("at"))
    direction = models.CharField(
        max_length=3, choices=Direction.choices, verbose_name=_("direction")
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, verbose_name=_("outcome"))
    reason = models.CharField(max_length=40, blank=True, verbose_name=_("reason"))
    employee = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("employee"),
    )
    distance = models.FloatField(null=True, blank=True, verbose_name=_("distance"))
    # Encrypted JPEG of a few frames side by side (reference, blink, turn), for
    # administrators only: kept for review (doubtful, not live, PIN) or, for an
    # accepted check-in, for the site's short ``checkin_snapshot_days``.
    snapshot = models.BinaryField(null=True, blank=True, verbose_name=_("snapshot"))
    needs_review = models.BooleanField(default=False, db_index=True, verbose_name=_("needs review"))
    purge_after = models.DateTimeField(null=True, blank=True, verbose_name=_("purge after"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_result = models.CharField(max_length=20, blank=True, verbose_name=_("review result"))

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-at"]


class Method(models.TextChoices):
    FACE = "face", _("Face")
    PIN = "pin", _("PIN")
    MANUAL = "manual", _("Entered by an administrator")


class Event(models.Model):
    """A check-in or check-out. PIN and manual events are flagged."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="events", verbose_name=_("employee")
    )
    at = models.DateTimeField(db_index=True, verbose_name=_("at"))
    direction = models.CharField(
        max_length=3, choices=Direction.choices, verbose_name=_("direction")
    )
    method = models.CharField(max_length=10, choices=Method.choices, verbose_name=_("method"))
    distance = models.FloatField(null=True, blank=True, verbose_name=_("distance"))
    flagged = models.BooleanField(default=False, verbose_name=_("flagged"))
    kiosk = models.ForeignKey(
        Kiosk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kiosk"),
    )
    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("attempt"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at"]
        indexes = [models.Index(fields=["employee", "at"])]


class Status(models.TextChoices):
    PENDING = "pending", _("Not yet settled")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    LATE_AND_EARLY = "late_and_early", _("Late and left early")
    MISSING_PUNCH = "missing_punch", _("Missing check-in or check-out")
    ABSENT = "absent", _("Absent without leave")
    LEAVE = "leave", _("On leave")
    REST = "rest", _("Day off")


class DailyRecord(models.Model):
    """One employee's day (the day a shift starts), recomputed whenever its inputs change."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="records", verbose_name=_("employee")
    )
    date = models.DateField(db_index=True, verbose_name=_("date"))
    status = models.CharField(max_length=20, choices=Status.choices, verbose_name=_("status"))
    arrival = models.DateTimeField(null=True, blank=True, verbose_name=_("arrival"))
    departure = models.DateTimeField(null=True, blank=True, verbose_name=_("departure"))
    late_minutes = models.PositiveIntegerField(default=0, verbose_name=_("late minutes"))
    early_minutes = models.PositiveIntegerField(default=0, verbose_name=_("early minutes"))
    corrected = models.BooleanField(default=False, verbose_name=_("corrected"))
    flagged = models.BooleanField(
        default=False, verbose_name=_("flagged")
    )  # a PIN or manual event counted

    class Meta:
        verbose_name = _("daily record")
        verbose_name_plural = _("daily records")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "date"], name="attendance_record_per_day")
        ]


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    BUSINESS = "business", _("Official business")
    OTHER = "other", _("Other leave")


class Leave(models.Model):
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="leaves", verbose_name=_("employee")
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=20, choices=LeaveKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-start"]


class Correction(models.Model):
    """An administrator's decision about one day, overriding the computed status."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("employee")
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at"]


class CaseReferral(models.Model):
    """Repeated lateness or absence turned into a report in the case-handling module."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("employee")
    )
    month = models.DateField(_("month"))  # the first day of the month concerned
    late_days = models.PositiveSmallIntegerField(_("late days"))
    absent_days = models.PositiveSmallIntegerField(_("absent days"))
    report_id = models.BigIntegerField(_("report id"))
    case_id = models.BigIntegerField(null=True, verbose_name=_("case id"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("case referral")
        verbose_name_plural = _("case referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "month"], name="attendance_one_referral_per_month"
            )
        ]
