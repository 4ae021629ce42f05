"""Forms of the back office: queue filters and one form per case action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tipoff.cases.models import Case, Finding, SanctionKind, Status
from tipoff.cases.permissions import is_excluded
from tipoff.lib.digits import is_number
from tipoff.people.models import Body, Category, District, Team, Unit, User
from tipoff.reports.models import Channel

REASON_HELP = _("Recorded in the case history.")
REPORTER_HELP = _("The reporter reads this. Write plainly and do not name anyone.")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search the contents"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(
        label=_("District"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", "—"), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Status.choices]
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.code, c.name()) for c in Category.objects.filter(body=body)
        ]
        units = list(Unit.objects.filter(body=body))
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name()) for u in units]  # type: ignore[attr-defined]
        self.fields["district"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.pk, d.name()) for d in District.objects.filter(body=body)
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=REASON_HELP,
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the report cannot be accepted"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=REPORTER_HELP,
    )


class ForwardForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Forward to"), queryset=Body.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=REASON_HELP,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Body.objects.exclude(pk=case.body_id)  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Case to merge into"),
        max_length=20,
        help_text=_("Its reference, such as 2026-000123."),
    )
    reason = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

    def __init__(self, *args: Any, case: Case, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.actor = case, actor

    def clean_target(self) -> Case:
        # "2026-000123" or just "123": the number after the year is the case's id.
        number = self.cleaned_data["target"].strip().rpartition("-")[2]
        target = None
        if is_number(number):
            target = Case.objects.filter(pk=int(number), body_id=self.case.body_id).first()
        # One answer for every case that cannot be merged into (missing, ended, merged, one
        # the officer is excluded from), so trying numbers does not map which cases exist.
        if (
            target is None
            or target.pk == self.case.pk
            or not target.is_open
            or target.merged_into_id
            or (self.actor is not None and is_excluded(self.actor, target))
        ):
            raise forms.ValidationError(_("There is no open case with this number to merge into."))
        return target


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

    def __init__(self, *args: Any, case: Case, teams: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["inspector"].queryset = people  # type: ignore[attr-defined]
        self.fields["inspector"].label_from_instance = lambda u: f"{u} ({u.team})"  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extend by (days)"), validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=REASON_HELP,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Only staff see notes; the reporter never does."),
    )


class MessageForm(forms.Form):
    report = forms.TypedChoiceField(label=_("To the reporter of"), coerce=int)
    text = forms.CharField(
        label=_("Message to the reporter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=REPORTER_HELP,
    )

    def __init__(self, *args: Any, report_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = report_choices  # type: ignore[attr-defined]


class FileForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (internal)"))


class DecisionForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    summary = forms.CharField(
        label=_("Outcome for the reporter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=REPORTER_HELP,
    )
    reasoning = forms.CharField(
        label=_("Reasoning (internal)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )


class SanctionForm(forms.Form):
    official_name = forms.CharField(label=_("Official"), max_length=200, required=False)
    official_position = forms.CharField(label=_("Position"), max_length=200, required=False)
    kind = forms.ModelChoiceField(
        label=_("Measure"), queryset=SanctionKind.objects.none(), required=False
    )

    def __init__(self, *args: Any, kinds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("official_name")) != bool(data.get("kind")):
            raise forms.ValidationError(_("Give both the official and the measure, or neither."))
        return data


SanctionFormSet = forms.formset_factory(
    SanctionForm, extra=3, max_num=20, absolute_max=20, validate_max=True
)


class DeadlinesForm(forms.Form):
    acknowledge_days = forms.IntegerField(
        label=_("Acknowledge within (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    conclude_days = forms.IntegerField(
        label=_("Conclude within (days)"), validators=[MinValueValidator(7), MaxValueValidator(730)]
    )


class SanctionKindForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
