"""Channel accounts: which credentials each channel needs, storing them encrypted, webhook URLs."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tipoff.audit.services import audit_record
from tipoff.channels.models import CHANNEL_KEY, ChannelAccount, Kind
from tipoff.people.models import Body


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = True
    secret: bool = True
    help: str = ""


CREDENTIALS: dict[str, list[Field]] = {
    Kind.WECHAT: [
        Field("token", help="Token set in the official account's server configuration"),
        Field("app_id", secret=False, help="AppID of the official account"),
        Field("aes_key", required=False, help="EncodingAESKey (43 characters) for safe mode"),
        Field(
            "app_secret", required=False, help="AppSecret, for the customer-service and media APIs"
        ),
    ],
    Kind.WEIBO: [
        Field("app_secret", help="App secret of the fans-service application"),
        Field("access_token", required=False, help="Access token, for sending and fetching media"),
    ],
    Kind.TELEGRAM: [
        Field("bot_token", help="Token from @BotFather"),
        Field("secret_token", required=False, help="Webhook secret (generated when omitted)"),
    ],
    Kind.SMS: [
        Field("account_sid", secret=False),
        Field("auth_token"),
        Field("from_number", required=False, secret=False, help="Sender number for later replies"),
    ],
    Kind.WHATSAPP: [
        Field("account_sid", secret=False),
        Field("auth_token"),
        Field("from_number", required=False, secret=False, help="e.g. whatsapp:+14155238886"),
    ],
    Kind.EMAIL: [
        Field("address", secret=False, help="The mailbox's address (replies come from it)"),
        Field("imap_host", secret=False),
        Field("imap_user", secret=False),
        Field("imap_password"),
        Field("imap_port", required=False, secret=False, help="993 by default"),
        Field(
            "imap_security", required=False, secret=False, help="ssl (default), starttls or none"
        ),
        Field("smtp_host", required=False, secret=False),
        Field("smtp_port", required=False, secret=False),
        Field("smtp_user", required=False, secret=False),
        Field("smtp_password", required=False),
        Field("smtp_security", required=False, secret=False, help="ssl, starttls or none"),
    ],
}

_AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class CredentialsInvalid(ValueError):
    pass


def credentials_check(kind: str, values: dict[str, str]) -> dict[str, str]:
    """Keep the known, non-empty fields; complain about missing or malformed ones."""
    if kind not in CREDENTIALS:
        raise CredentialsInvalid(f"unknown channel kind {kind!r}")
    known = {f.name for f in CREDENTIALS[kind]}
    unknown = sorted(set(k for k, v in values.items() if v) - known)
    if unknown:
        raise CredentialsInvalid(f"unknown credential(s) for {kind}: {', '.join(unknown)}")
    cleaned = {k: str(v).strip() for k, v in values.items() if k in known and str(v or "").strip()}
    missing = [f.name for f in CREDENTIALS[kind] if f.required and f.name not in cleaned]
    if missing:
        raise CredentialsInvalid(f"missing credential(s) for {kind}: {', '.join(missing)}")
    if kind == Kind.WECHAT and "aes_key" in cleaned and not _AES_KEY.match(cleaned["aes_key"]):
        raise CredentialsInvalid("the EncodingAESKey must be 43 letters and digits")
    if kind == Kind.TELEGRAM:
        cleaned.setdefault("secret_token", secrets.token_urlsafe(32))
        if not _TELEGRAM_SECRET.match(cleaned["secret_token"]):
            raise CredentialsInvalid(
                "the Telegram secret token may use A-Z, a-z, 0-9, _ and - only"
            )
    return cleaned


def credentials_of(account: ChannelAccount) -> dict[str, str]:
    return (
        CHANNEL_KEY.unseal_json(
            account.credentials, label=f"channel-credentials:{account.public_id}"
        )
        or {}
    )


def _seal(account: ChannelAccount, values: dict[str, str]) -> bytes:
    return CHANNEL_KEY.seal_json(values, label=f"channel-credentials:{account.public_id}")


def account_create(
    *, body: Body, kind: str, credentials: dict[str, str], label: str = "", actor=None
) -> tuple[ChannelAccount, dict[str, str]]:
    """Store a new account; returns it with the cleaned credentials (to show once)."""
    cleaned = credentials_check(kind, credentials)
    with transaction.atomic():
        account = ChannelAccount(body=body, kind=kind, label=label)
        account.credentials = _seal(account, cleaned)
        account.save()
        audit_record(
            actor=actor,
            action="channel.account_created",
            body_id=body.pk,
            obj=account,
            details={"kind": kind},
        )
    return account, cleaned


def account_set_credentials(
    *, account: ChannelAccount, credentials: dict[str, str], actor=None
) -> None:
    cleaned = credentials_check(account.kind, credentials)
    account.credentials = _seal(account, cleaned)
    account.save(update_fields=["credentials"])
    audit_record(
        actor=actor, action="channel.credentials_replaced", body_id=account.body_id, obj=account
    )


def webhook_path(account: ChannelAccount) -> str:
    return reverse("channels:webhook", kwargs={"kind": account.kind, "account": account.public_id})


def webhook_url(account: ChannelAccount) -> str:
    return settings.SITE_URL + webhook_path(account)
