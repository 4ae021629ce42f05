"""Forms for the administrators' pages. Labels are translated; choices are scoped to the body."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipoff.attendance.models import (
    WEEKDAYS,
    CalendarDay,
    Direction,
    Employee,
    Kiosk,
    LeaveKind,
    Schedule,
    Site,
    Status,
)
from tipoff.lib.digits import is_number
from tipoff.people.models import Body, Unit, User


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name_zh",
            "name_en",
            "timezone",
            "match_threshold",
            "review_days",
            "checkin_snapshot_days",
        ]
        help_texts = {
            "match_threshold": _(
                "Leave empty to use the calibrated threshold. Lower it for a large site "
                "(see the attendance guide)."
            )
        }

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone."))
        return value

    def clean_match_threshold(self) -> float | None:
        value = self.cleaned_data["match_threshold"]
        if value is not None and not 0.2 <= value <= 0.6:
            raise forms.ValidationError(_("Choose a threshold between 0.2 and 0.6."))
        return value

    def clean_review_days(self) -> int:
        value = self.cleaned_data["review_days"]
        if not 1 <= value <= 90:
            raise forms.ValidationError(_("Between 1 and 90 days."))
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkin_snapshot_days"].required = False

    def clean_checkin_snapshot_days(self) -> int:
        value = self.cleaned_data["checkin_snapshot_days"]
        if value is None:
            return Site._meta.get_field("checkin_snapshot_days").get_default()
        if not 1 <= value <= 30:
            raise forms.ValidationError(_("Between 1 and 30 days."))
        return value


class ScheduleForm(forms.ModelForm):
    rest_weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekly rest days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Schedule
        fields = [
            "name",
            "start",
            "end",
            "grace_minutes",
            "early_grace_minutes",
            "rest_weekdays",
            "follows_calendar",
        ]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") is not None and data.get("start") == data.get("end"):
            raise forms.ValidationError(_("A shift cannot start and end at the same time."))
        for name in ("grace_minutes", "early_grace_minutes"):
            if (data.get(name) or 0) > 240:
                self.add_error(name, _("At most 240 minutes."))
        return data


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, body: Body, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.body = body

    def clean_date(self) -> dt.date:
        value = self.cleaned_data["date"]
        if CalendarDay.objects.filter(body=self.body, date=value).exists():
            raise forms.ValidationError(_("This date is already in the calendar."))
        return value


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["number", "name", "position", "unit", "schedule", "site", "user", "active"]

    def __init__(self, *args: Any, body: Body, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(body=body)  # type: ignore[attr-defined]
        self.fields["schedule"].queryset = Schedule.objects.filter(body=body)  # type: ignore[attr-defined]
        self.fields["site"].queryset = Site.objects.filter(body=body)  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(body=body)  # type: ignore[attr-defined]
        self.fields["user"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, number = data.get("site"), data.get("number")
        if site and number:
            clash = Employee.objects.filter(site=site, number=number).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("number", _("Another employee of this site has this staff number."))
        return data


class KioskForm(forms.ModelForm):
    class Meta:
        model = Kiosk
        fields = ["name"]


class PhotosForm(forms.Form):
    consent = forms.BooleanField(
        label=_("The employee has read and signed the consent text (version shown above)."),
        required=True,
    )


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("New PIN (4 to 8 digits)"), min_length=4, max_length=8, widget=forms.PasswordInput
    )

    def clean_pin(self) -> str:
        value = self.cleaned_data["pin"]
        if not is_number(value):
            raise forms.ValidationError(_("A PIN has from 4 to 8 digits."))
        return value


class LeaveForm(forms.Form):
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PunchForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    direction = forms.ChoiceField(label=_("Check in or out"), choices=Direction.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CorrectionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Attendance status"), choices=[c for c in Status.choices if c[0] != Status.PENDING]
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MonthForm(forms.Form):
    month = forms.CharField(required=False, max_length=7)
    unit = forms.IntegerField(required=False, min_value=1)

    def month_start(self, today: dt.date) -> dt.date:
        raw = (self.cleaned_data.get("month") or "") if self.is_valid() else ""
        try:
            year, month = (int(part) for part in raw.split("-"))
            return dt.date(year, month, 1)
        except ValueError:
            return today.replace(day=1)
