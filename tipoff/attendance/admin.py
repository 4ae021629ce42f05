"""Django admin registration. Templates, snapshots and PINs are never shown here."""

from __future__ import annotations

from django.contrib import admin

from tipoff.attendance import models


class RecordsReadOnly(admin.ModelAdmin):
    """Records change only through the attendance pages, which audit every change."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "body", "timezone", "match_threshold", "review_days"]
    list_filter = ["body"]


@admin.register(models.Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "body",
        "start",
        "end",
        "grace_minutes",
        "early_grace_minutes",
        "follows_calendar",
    ]
    list_filter = ["body"]


@admin.register(models.CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "body"]
    list_filter = ["body", "kind"]
    date_hierarchy = "date"


@admin.register(models.Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "site", "unit", "schedule", "active"]
    list_filter = ["site", "active"]
    search_fields = ["number", "name"]
    readonly_fields = ["created_at"]


@admin.register(models.Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "paired_at", "last_seen_at", "active"]
    list_filter = ["site", "active"]
    readonly_fields = ["paired_at", "last_seen_at", "created_at"]


@admin.register(models.Consent)
class ConsentAdmin(RecordsReadOnly):
    list_display = ["employee", "text_version", "how", "given_at", "recorded_by", "withdrawn_at"]
    readonly_fields = [
        "employee",
        "text_version",
        "how",
        "given_at",
        "recorded_by",
        "withdrawn_at",
        "withdrawn_by",
    ]


@admin.register(models.Enrollment)
class EnrollmentAdmin(RecordsReadOnly):
    list_display = ["employee", "site", "engine", "photo_count", "active", "updated_at"]
    fields = readonly_fields = (
        "employee",
        "site",
        "engine",
        "photo_count",
        "active",
        "version",
        "updated_at",
    )


@admin.register(models.Event)
class EventAdmin(RecordsReadOnly):
    list_display = ["employee", "at", "direction", "method", "distance", "flagged"]
    list_filter = ["method", "flagged", "direction"]
    readonly_fields = [
        "employee",
        "at",
        "direction",
        "method",
        "distance",
        "flagged",
        "kiosk",
        "attempt",
        "entered_by",
        "reason",
    ]


@admin.register(models.DailyRecord)
class DailyRecordAdmin(RecordsReadOnly):
    list_display = [
        "employee",
        "date",
        "status",
        "late_minutes",
        "early_minutes",
        "corrected",
        "flagged",
    ]
    list_filter = ["status", "corrected", "flagged"]
    date_hierarchy = "date"
    readonly_fields = [
        "employee",
        "date",
        "status",
        "arrival",
        "departure",
        "late_minutes",
        "early_minutes",
        "corrected",
        "flagged",
    ]


@admin.register(models.Leave)
class LeaveAdmin(RecordsReadOnly):
    list_display = ["employee", "start", "end", "kind", "entered_by"]
    readonly_fields = ["employee", "start", "end", "kind", "reason", "entered_by", "created_at"]


@admin.register(models.Correction)
class CorrectionAdmin(RecordsReadOnly):
    list_display = ["employee", "date", "status", "entered_by", "created_at"]
    readonly_fields = ["employee", "date", "status", "reason", "entered_by", "created_at"]


@admin.register(models.CaseReferral)
class CaseReferralAdmin(RecordsReadOnly):
    list_display = [
        "employee",
        "month",
        "late_days",
        "absent_days",
        "report_id",
        "case_id",
        "created_by",
    ]
    readonly_fields = [
        "employee",
        "month",
        "late_days",
        "absent_days",
        "report_id",
        "case_id",
        "created_by",
        "created_at",
    ]
