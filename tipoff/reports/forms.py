"""The public site's forms: the report form, the receipt form and the reply form.

Forms only parse what the browser sent into typed values and keep the
reporter's input for re-display; the rules about what a report must contain
live in ``report_submit`` and come back as ``SubmissionInvalid`` errors, which
``attach_errors`` puts next to the right fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tipoff.people.models import Body, Category, Unit
from tipoff.people.selectors import districts_of
from tipoff.reports.services import EvidenceFile, ReportInput
from tipoff.reports.validation import DONT_KNOW, MAX_SHORT, MAX_TEXT, MIN_WHAT

UNIT_OTHER = "other"
ANSWER_PREFIX = "answer_"
UNKNOWN_SUFFIX = "__unknown"


def question_label(item: dict[str, Any]) -> str:
    """A question's or choice's label in the active language."""
    english = (get_language() or "").startswith("en")
    return str(
        item.get("label_en") if english and item.get("label_en") else item.get("label_zh", "")
    )


def answer_text(question: dict[str, Any], value: str) -> str:
    """An answer as the reader should see it: a choice's label, "I don't know" for ``DONT_KNOW``."""
    if value == DONT_KNOW:
        return str(_("I don't know"))
    for choice in question.get("choices", []):
        if str(choice.get("value")) == str(value):
            return question_label(choice)
    return str(value)


def _question_field(question: dict[str, Any]) -> forms.Field:
    kind = question.get("type", "text")
    common: dict[str, Any] = {
        "label": question_label(question),
        "required": bool(question.get("essential")),
    }
    if kind == "textarea":
        return forms.CharField(
            max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == "number":
        # Kept as text so "about 3000" can be corrected rather than lost; the
        # service says whether it is a number.
        return forms.CharField(
            max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    if kind == "date":
        return forms.CharField(
            max_length=10, widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if kind == "choice":
        choices = (
            [("", _("Choose…"))]
            + [(str(c.get("value", "")), question_label(c)) for c in question.get("choices", [])]
            + [(DONT_KNOW, _("I don't know"))]
        )
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=MAX_SHORT, **common)


class PublicForm(forms.Form):
    """A form whose fields point screen readers at their hint and their errors."""

    def error_links(self) -> list[tuple[str, str, str]]:
        """(element id, field label, message) for each field error, in the form's order:
        the error summary at the top of the page names and links each field."""
        links = []
        for name, bound in self._bound_items():
            if name in self.errors:
                anchor = bound.id_for_label or bound.auto_id
                links += [(anchor, str(bound.label), str(e)) for e in self.errors[name]]
        return links

    def _bound_items(self) -> Iterable[tuple[str, forms.BoundField]]:
        return ((name, self[name]) for name in self.fields)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
                described.append(f"{bound.auto_id}_errors")
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)


class ReportForm(PublicForm):
    """Step 2 of reporting: everything about one report in one category."""

    unit = forms.ChoiceField(label=_("Unit or department"), required=False)
    unit_other = forms.CharField(
        label=_("Unit not in the list, or not sure"),
        max_length=MAX_SHORT,
        required=False,
        help_text=_("Describe the workplace as well as you can."),
    )
    official_name = forms.CharField(
        label=_("Name of the official"), max_length=MAX_SHORT, required=False
    )
    official_position = forms.CharField(
        label=_("Position of the official"), max_length=MAX_SHORT, required=False
    )
    occurred_on = forms.DateField(
        label=_("Date it happened"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    when_detail = forms.CharField(
        label=_("More about when"),
        max_length=MAX_SHORT,
        required=False,
        help_text=_("For example: every Friday evening, or around the Spring Festival."),
    )
    place = forms.CharField(label=_("Where it happened"), max_length=MAX_SHORT, required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    what = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    identity = forms.ChoiceField(
        label=_("Anonymous or named"),
        choices=[
            ("anonymous", _("Anonymous — I do not give my name")),
            ("named", _("Named — I give my name and a way to contact me")),
        ],
        initial="anonymous",
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=MAX_SHORT, required=False)
    reporter_contact = forms.CharField(
        label=_("Your phone number or e-mail address"), max_length=MAX_SHORT, required=False
    )

    def __init__(
        self, *args: Any, body: Body, category: Category, units: Iterable[Unit], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.body = body
        self.category = category
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = (
            [("", _("Choose…"))]
            + [(str(u.pk), u.name()) for u in units]
            + [(UNIT_OTHER, _("Other, or I do not know"))]
        )
        district_field = self.fields["district"]
        assert isinstance(district_field, forms.ChoiceField)
        district_field.choices = [("", _("Not sure, or not in a district"))] + [
            (str(d.pk), d.name()) for d in districts_of(body)
        ]
        self.fields["what"].widget.attrs["minlength"] = MIN_WHAT
        self.fields["what"].help_text = gettext(
            "At least %(min)d characters. Who did what, when and where, who else was there, "
            "and how you know."
        ) % {"min": MIN_WHAT}
        for name in ("reporter_name", "reporter_contact"):
            # Who the reporter is stays out of the browser's autofill and the on-device draft.
            self.fields[name].widget.attrs.update({"autocomplete": "off", "data-draft-skip": ""})
        self.question_keys: list[str] = []
        for question in category.questions or []:
            key = str(question.get("key", ""))
            if key:
                answer = self.fields[ANSWER_PREFIX + key] = _question_field(question)
                answer.essential = bool(question.get("essential"))  # type: ignore[attr-defined]
                if question.get("type", "text") != "choice":  # a choice lists it as an option
                    self.fields[ANSWER_PREFIX + key + UNKNOWN_SUFFIX] = forms.BooleanField(
                        label=_("I don't know"), required=False
                    )
                self.question_keys.append(key)
        # What a report must contain is the service's rule: the form only parses,
        # so every problem comes back in one answer. Browsers still get the hint.
        for name, field in self.fields.items():
            if field.required:
                field.required = False
                if name + UNKNOWN_SUFFIX not in self.fields:  # ticking the box is an answer too
                    field.widget.attrs["required"] = True

    def answer_fields(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each extra question's field, with its "I don't know" box (none for a choice)."""
        return [
            (
                self[ANSWER_PREFIX + key],
                self[ANSWER_PREFIX + key + UNKNOWN_SUFFIX]
                if ANSWER_PREFIX + key + UNKNOWN_SUFFIX in self.fields
                else None,
            )
            for key in self.question_keys
        ]

    def _answer(self, key: str) -> str:
        if self.cleaned_data.get(ANSWER_PREFIX + key + UNKNOWN_SUFFIX):
            return DONT_KNOW
        return self.cleaned_data.get(ANSWER_PREFIX + key) or ""

    def to_input(self, *, files: list[EvidenceFile]) -> ReportInput:
        data = self.cleaned_data
        unit = data.get("unit") or ""
        occurred_on: dt.date | None = data.get("occurred_on")
        return ReportInput(
            body=self.body,
            channel="web",
            category_id=self.category.pk,
            what=data.get("what") or "",
            unit_id=int(unit) if unit and unit != UNIT_OTHER else None,
            unit_other=data.get("unit_other", ""),
            official_name=data.get("official_name", ""),
            official_position=data.get("official_position", ""),
            district_id=int(data["district"]) if data.get("district") else None,
            occurred_on=occurred_on,
            when_detail=data.get("when_detail", ""),
            place=data.get("place", ""),
            answers={key: self._answer(key) for key in self.question_keys},
            is_named=data.get("identity") == "named",  # anonymous unless asked otherwise
            reporter_name=data.get("reporter_name", ""),
            reporter_contact=data.get("reporter_contact", ""),
            language="en" if (get_language() or "").startswith("en") else "zh-hans",
            evidence=files,
        )


class ReceiptForm(PublicForm):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Its length is said before anyone types, not only after a wrong one.
        self.fields["code"].help_text = gettext(
            "The %(digits)d digits you were given when you sent your report. Spaces do not matter."
        ) % {"digits": settings.RECEIPT_DIGITS}


class ReplyForm(PublicForm):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def attach_errors(form: forms.Form, errors: dict[str, list[str]]) -> list[str]:
    """Put the service's field errors next to the matching form fields.

    Returns the evidence errors, which belong beside the file input (not a
    form field); anything without a field of its own goes to the top.
    """
    for key, messages in errors.items():
        if key == "evidence":
            continue
        field = ANSWER_PREFIX + key.removeprefix("answers.") if key.startswith("answers.") else key
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
    return [str(m) for m in errors.get("evidence", [])]


# --- uploads ---------------------------------------------------------------------


def max_request_bytes() -> int:
    """The largest request body an upload view reads: every file at its limit, plus the text."""
    per_file = settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024
    return (
        settings.EVIDENCE_MAX_FILES * per_file + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    )


def uploaded_evidence(request: HttpRequest) -> tuple[list[EvidenceFile], list[str]]:
    """The uploaded evidence files' bytes, and a message for each file over the size limit.

    Oversized files are refused here, before they are read into memory; the
    request as a whole is bounded by ``max_request_bytes`` before it is parsed.
    """
    limit = settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024
    files: list[EvidenceFile] = []
    problems: list[str] = []
    for index, upload in enumerate(request.FILES.getlist("evidence"), start=1):
        if upload.size and upload.size > limit:
            problems.append(
                str(
                    _("File %(n)d is larger than %(mb)d MB.")
                    % {"n": index, "mb": settings.EVIDENCE_MAX_FILE_MB}
                )
            )
        else:
            files.append(EvidenceFile(data=upload.read()))
        upload.close()
    return files, problems
