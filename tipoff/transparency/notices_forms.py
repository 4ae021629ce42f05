"""Forms of the staff pages for notices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipoff.transparency.notices import MAX_REASON, MAX_TEXT, MAX_TITLE, NoticeWording


class NoticeForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=MAX_TITLE)
    text_zh = forms.CharField(
        label=_("Account (Chinese)"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What happened, the finding and the measures. Do not name the reporter, and "
            "name no official unless a sanction was decided and your body publishes names."
        ),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=MAX_TITLE, required=False)
    text_en = forms.CharField(
        label=_("Account (English)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    show_unit = forms.BooleanField(label=_("Name the unit in the published notice"), required=False)

    def wording(self) -> NoticeWording:
        data = self.cleaned_data
        return NoticeWording(
            title_zh=data["title_zh"],
            text_zh=data["text_zh"],
            title_en=data.get("title_en") or "",
            text_en=data.get("text_en") or "",
            show_unit=bool(data.get("show_unit")),
        )


class NoticeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 3})
    )
