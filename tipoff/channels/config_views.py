"""A body's messaging accounts, for its administrators: add, edit, switch off, delete.

Credentials are typed once as ``name=value`` lines, stored encrypted under
``CHANNELS_KEY`` and never shown again; a new Telegram webhook secret is shown
once. Accounts are looked up only within the administrator's body, and every
change is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tipoff.channels.accounts import (
    CREDENTIALS,
    CredentialsInvalid,
    account_create,
    account_set_credentials,
    credentials_check,
    webhook_url,
)
from tipoff.channels.models import ChannelAccount, Kind
from tipoff.people.access import admin_required, body_object, body_objects
from tipoff.people.configuration import config_delete, config_saved
from tipoff.people.models import User


def parse_credentials(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if line.strip():
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


class AccountForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Kind.choices)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=100, required=False)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    credentials = forms.CharField(
        label=gettext_lazy("Credentials"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy(
            "One per line as name=value. Stored encrypted and never shown again; when editing, "
            "leave empty to keep the current ones."
        ),
    )

    def __init__(self, *args: Any, account: ChannelAccount | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account = account
        if account is not None:
            self.fields["kind"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("credentials") or ""
        kind = self.account.kind if self.account else data.get("kind", "")
        if raw.strip() or self.account is None:
            try:
                data["credentials_clean"] = credentials_check(kind, parse_credentials(raw))
            except CredentialsInvalid as exc:
                self.add_error("credentials", str(exc))
        return data


def _names(kind: str) -> str:
    return ", ".join(f.name for f in CREDENTIALS.get(kind, []))


@admin_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = [
        (a, webhook_url(a)) for a in body_objects(request, ChannelAccount.objects.order_by("id"))
    ]
    needs = [(label, _names(kind)) for kind, label in Kind.choices]
    return render(request, "channels/config/list.html", {"accounts": accounts, "needs": needs})


@admin_required
def account_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User) and user.body is not None
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account, cleaned = account_create(
            body=user.body,
            kind=data["kind"],
            credentials=data["credentials_clean"],
            label=data.get("label") or "",
            actor=user,
        )
        if not data.get("active"):
            account.active = False
            account.save(update_fields=["active"])
        _tell_once(request, account, cleaned, typed=parse_credentials(data["credentials"]))
        return redirect("channel_config:list")
    return render(
        request,
        "channels/config/form.html",
        {"form": form, "title": _("Add a messaging account")},
        status=400 if form.errors else 200,
    )


def _tell_once(
    request: HttpRequest, account: ChannelAccount, cleaned: dict[str, str], typed: dict[str, str]
) -> None:
    secret = cleaned.get("secret_token")
    if secret and "secret_token" not in typed:
        messages.info(request, _("Telegram webhook secret (shown once): %(s)s") % {"s": secret})
    messages.success(request, _("Webhook URL: %(url)s") % {"url": webhook_url(account)})


@admin_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = body_object(request, ChannelAccount, pk)
    form = AccountForm(
        request.POST or None,
        account=account,
        initial={"kind": account.kind, "label": account.label, "active": account.active},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            account.label = data.get("label") or ""
            account.active = bool(data.get("active"))
            account.save(update_fields=["label", "active"])
            changed = [f for f in form.changed_data if f in ("label", "active")]
            if data.get("credentials_clean") is not None:
                account_set_credentials(
                    account=account, credentials=data["credentials_clean"], actor=request.user
                )
                changed.append("credentials")
            config_saved(actor=request.user, obj=account, created=False, fields=changed)
        if data.get("credentials_clean") is not None:
            _tell_once(
                request,
                account,
                data["credentials_clean"],
                typed=parse_credentials(data["credentials"]),
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("channel_config:list")
    return render(
        request,
        "channels/config/form.html",
        {
            "form": form,
            "title": str(account),
            "account": account,
            "webhook": webhook_url(account),
            "names": _names(account.kind),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    account = body_object(request, ChannelAccount, pk)
    config_delete(actor=request.user, obj=account, cascade=True)
    messages.success(request, _("The account is deleted; its webhook no longer answers."))
    return redirect("channel_config:list")
