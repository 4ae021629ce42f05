"""Forms of a body's settings pages: profile, districts, units, teams, categories.

Every choice a form offers (a unit's parent, a team's units and districts)
comes from the administrator's own body only.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipoff.people.models import Body, Category, District, Team, Unit

QUESTION_TYPES = [
    ("text", _("Short text")),
    ("textarea", _("Long text")),
    ("number", _("Number")),
    ("date", _("Date")),
    ("choice", _("One of a list")),
]
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class BodyProfileForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["name_zh", "name_en", "intro_zh", "intro_en"]
        widgets = {
            "intro_zh": forms.Textarea(attrs={"rows": 3}),
            "intro_en": forms.Textarea(attrs={"rows": 3}),
        }


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name_zh", "name_en", "order"]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name_zh", "name_en", "parent", "district"]

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.filter(body=body)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["district"].queryset = District.objects.filter(body=body)  # type: ignore[attr-defined]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = [
            "name_zh",
            "name_en",
            "units",
            "districts",
            "jurisdiction_zh",
            "jurisdiction_en",
            "phone",
            "email",
            "address_zh",
            "address_en",
            "hours_zh",
            "hours_en",
            "order",
        ]
        widgets = {
            "units": forms.CheckboxSelectMultiple,
            "districts": forms.CheckboxSelectMultiple,
            "jurisdiction_zh": forms.Textarea(attrs={"rows": 2}),
            "jurisdiction_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(body=body)  # type: ignore[attr-defined]
        self.fields["districts"].queryset = District.objects.filter(body=body)  # type: ignore[attr-defined]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name_zh", "name_en", "description_zh", "description_en", "order"]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["active"] = forms.BooleanField(
            label=_("Shown on the report form"), required=False, initial=True
        )
        if self.instance.pk:
            self.fields["active"].initial = self.instance.active
            # Reports and links use the code: it stays as it was made.
            self.fields["code"].disabled = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = Category.objects.filter(body=self.body, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This code exists already."))
        return code

    def save(self, commit: bool = True) -> Category:
        category = super().save(commit=False)
        category.active = bool(self.cleaned_data.get("active"))
        if commit:
            category.save()
        return category


class QuestionForm(forms.Form):
    """One extra question of a category; ``choices`` is one ``value | 中文 | English`` per line."""

    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        required=False,
        help_text=_("Lower-case letters, digits and _ (e.g. plate_number)."),
    )
    label_zh = forms.CharField(label=_("Question (Chinese)"), max_length=200, required=False)
    label_en = forms.CharField(label=_("Question (English)"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Answer"), choices=QUESTION_TYPES, initial="text")
    essential = forms.BooleanField(
        label=_("Essential: the reporter must answer it (“I don't know” counts as an answer)"),
        required=False,
    )
    choices = forms.CharField(
        label=_("Options (for one of a list)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: value | 中文 | English"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key"):
            return data
        if not KEY.match(data["key"]):
            self.add_error("key", _("Use lower-case letters, digits and _ only."))
        if not data.get("label_zh"):
            self.add_error("label_zh", _("Give the question in Chinese."))
        if data.get("type") == "choice" and not self.options():
            self.add_error("choices", _("List at least one option."))
        return data

    def options(self) -> list[dict[str, str]]:
        found = []
        for line in (self.cleaned_data.get("choices") or "").splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts and parts[0]:
                zh = parts[1] if len(parts) > 1 and parts[1] else parts[0]
                en = parts[2] if len(parts) > 2 and parts[2] else zh
                found.append({"value": parts[0][:40], "label_zh": zh[:100], "label_en": en[:100]})
        return found

    def question(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("key"):
            return None
        question: dict[str, Any] = {
            "key": data["key"],
            "label_zh": data["label_zh"],
            "label_en": data.get("label_en") or data["label_zh"],
            "type": data["type"],
            "essential": bool(data.get("essential")),
        }
        if data["type"] == "choice":
            question["choices"] = self.options()
        return question


class BaseQuestionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        keys = [f.cleaned_data.get("key") for f in self.forms if f.cleaned_data.get("key")]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("Each question needs its own key."))

    def questions(self) -> list[dict[str, Any]]:
        return [q for q in (f.question() for f in self.forms) if q is not None]


QuestionFormSet = forms.formset_factory(QuestionForm, formset=BaseQuestionFormSet, extra=2)


def question_initial(category: Category | None) -> list[dict[str, Any]]:
    rows = []
    for q in (category.questions if category else None) or []:
        rows.append(
            {
                "key": q.get("key", ""),
                "label_zh": q.get("label_zh", ""),
                "label_en": q.get("label_en", ""),
                "type": q.get("type", "text"),
                "essential": bool(q.get("essential")),
                "choices": "\n".join(
                    f"{c.get('value', '')} | {c.get('label_zh', '')} | {c.get('label_en', '')}"
                    for c in q.get("choices", [])
                ),
            }
        )
    return rows
