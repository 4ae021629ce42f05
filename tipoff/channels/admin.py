"""Channel accounts in Django's admin, for platform operators (see ``people.admin``).

Body administrators manage their own accounts in the office's settings pages
(``config_views``). Credentials go in once and are never shown again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tipoff.channels.accounts import (
    CREDENTIALS,
    CredentialsInvalid,
    account_set_credentials,
    credentials_check,
    webhook_url,
)
from tipoff.channels.config_views import parse_credentials
from tipoff.channels.models import ChannelAccount
from tipoff.people.admin import AuditedAdmin


class ChannelAccountForm(forms.ModelForm):
    credentials_input = forms.CharField(
        label=_("credentials"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        required=False,
        help_text=_(
            "One per line as name=value, e.g. token=…, app_id=…, aes_key=…. Stored encrypted and never "
            "shown again; leave empty to keep the current ones."
        ),
    )

    class Meta:
        model = ChannelAccount
        fields = ["body", "kind", "label", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("credentials_input", "")
        kind = self.instance.kind if self.instance.pk else data.get("kind", "")
        if raw or not self.instance.pk:
            try:
                data["credentials_clean"] = credentials_check(kind, parse_credentials(raw))
            except CredentialsInvalid as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(ChannelAccount)
class ChannelAccountAdmin(AuditedAdmin):
    form = ChannelAccountForm
    list_display = ["__str__", "body", "kind", "active", "created_at"]
    list_filter = ["kind", "active", "body"]
    readonly_fields = ["webhook", "credential_names"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The kind decides what the stored credentials mean: it is fixed once made.
        fixed = ["body", "kind"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    @admin.display(description=_("webhook URL"))
    def webhook(self, obj: ChannelAccount) -> str:
        return webhook_url(obj) if obj.pk else "—"

    @admin.display(description=_("credential names"))
    def credential_names(self, obj: ChannelAccount) -> str:
        return ", ".join(f.name for f in CREDENTIALS.get(obj.kind, []))

    def save_model(
        self, request: HttpRequest, obj: ChannelAccount, form: Any, change: bool
    ) -> None:
        cleaned = form.cleaned_data.get("credentials_clean")
        if not change:
            obj.credentials = b""
        super().save_model(request, obj, form, change)  # saves label, active… and audits
        if cleaned is not None:
            account_set_credentials(account=obj, credentials=cleaned, actor=request.user)
            typed = parse_credentials(form.cleaned_data.get("credentials_input", ""))
            secret = cleaned.get("secret_token")
            if secret and "secret_token" not in typed:
                messages.info(
                    request, _("Telegram webhook secret (shown once): %(s)s") % {"s": secret}
                )
        messages.info(request, _("Webhook URL: %(url)s") % {"url": webhook_url(obj)})
