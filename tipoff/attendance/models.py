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
        "people.Body", on_delete=models.CASCADE, related_name="attendance_sites"
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
    gallery_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Tells a recreated site from an old one with the same id (cached galleries).
    gallery_epoch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("attendance site")
        verbose_name_plural = _("attendance sites")
        ordering = ["body", "id"]


class Schedule(models.Model):
    """Working hours. An end at or before the start means the shift runs overnight."""

    body = models.ForeignKey(
        "people.Body", on_delete=models.CASCADE, related_name="attendance_schedules"
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
        "people.Body", on_delete=models.CASCADE, related_name="attendance_calendar"
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
    pin_hash = models.CharField(max_length=200, blank=True, editable=False)
    pin_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    pin_locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

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

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField(max_length=20)
    given_at = models.DateTimeField()
    how = models.CharField(
        max_length=20
    )  # "kiosk" (the employee tapped) or "paper" (admin recorded)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]


class Enrollment(models.Model):
    """An employee's face template at one site, encrypted.

    Withdrawing consent empties the ciphertexts and keeps the row as a
    tombstone (``active`` false) so every process's gallery drops the person.
    """

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="enrollments")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="enrollments")
    engine = models.CharField(max_length=40)
    photo_count = models.PositiveSmallIntegerField(default=0)
    template = models.BinaryField(default=b"")  # encrypted float32 vector
    embeddings = models.BinaryField(default=b"")  # encrypted float32 matrix, one row per photo
    active = models.BooleanField(default=True)
    version = models.PositiveBigIntegerField(
        db_index=True
    )  # the site's gallery_version at the change
    updated_at = models.DateTimeField()

    class Meta:
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
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    pairing_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    pairing_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    paired_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class Challenge(models.Model):
    """A liveness challenge issued to a kiosk: usable once, for a short time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)


class EnrollmentCode(models.Model):
    """A one-time code an administrator gives an employee to enroll at a kiosk."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


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
        default=uuid.uuid4, editable=False, unique=True
    )  # binds the snapshot's ciphertext
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="attempts")
    kiosk = models.ForeignKey(Kiosk, on_delete=models.SET_NULL, null=True, related_name="attempts")
    at = models.DateTimeField(db_index=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    employee = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts"
    )
    distance = models.FloatField(null=True, blank=True)
    # Encrypted JPEG of a few frames side by side (reference, blink, turn), for
    # administrators only: kept for review (doubtful, not live, PIN) or, for an
    # accepted check-in, for the site's short ``checkin_snapshot_days``.
    snapshot = models.BinaryField(null=True, blank=True)
    needs_review = models.BooleanField(default=False, db_index=True)
    purge_after = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    review_result = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-at"]


class Method(models.TextChoices):
    FACE = "face", _("Face")
    PIN = "pin", _("PIN")
    MANUAL = "manual", _("Entered by an administrator")


class Event(models.Model):
    """A check-in or check-out. PIN and manual events are flagged."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    distance = models.FloatField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    kiosk = models.ForeignKey(
        Kiosk, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
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

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="records")
    date = models.DateField(db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    arrival = models.DateTimeField(null=True, blank=True)
    departure = models.DateTimeField(null=True, blank=True)
    late_minutes = models.PositiveIntegerField(default=0)
    early_minutes = models.PositiveIntegerField(default=0)
    corrected = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)  # a PIN or manual event counted

    class Meta:
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
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="leaves")
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=20, choices=LeaveKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]


class Correction(models.Model):
    """An administrator's decision about one day, overriding the computed status."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="corrections")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class CaseReferral(models.Model):
    """Repeated lateness or absence turned into a report in the case-handling module."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="referrals")
    month = models.DateField()  # the first day of the month concerned
    late_days = models.PositiveSmallIntegerField()
    absent_days = models.PositiveSmallIntegerField()
    report_id = models.BigIntegerField()
    case_id = models.BigIntegerField(null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "month"], name="attendance_one_referral_per_month"
            )
        ]
