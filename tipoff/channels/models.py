"""Channel accounts, conversations in progress, and the bookkeeping around them.

Everything a reporter sent before submitting (the draft, media, their channel
identifier) is encrypted under the channels key (``CHANNEL_KEY``); rows are found
by keyed hashes. Rows live only as long as a conversation or its follow-up
needs them and are purged afterwards (``services.channels_purge``).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipoff.lib.vault import KeptKey

# Everything here that a reporter sent, their channel identifiers and the
# accounts' credentials are sealed under CHANNELS_KEY, which is not in the database.
CHANNEL_KEY = KeptKey("CHANNELS_KEY", "channels")


class Kind(models.TextChoices):
    WECHAT = "wechat", _("WeChat official account")
    WEIBO = "weibo", _("Weibo fans service")
    TELEGRAM = "telegram", _("Telegram bot")
    SMS = "sms", _("SMS (Twilio-style gateway)")
    WHATSAPP = "whatsapp", _("WhatsApp (Twilio-style gateway)")
    EMAIL = "email", _("E-mail mailbox")


def _public_id() -> str:
    return secrets.token_urlsafe(12)


class ChannelAccount(models.Model):
    """One body's account on one channel; credentials encrypted, never shown again."""

    body = models.ForeignKey(
        "people.Body",
        on_delete=models.CASCADE,
        related_name="channel_accounts",
        verbose_name=_("body"),
    )
    kind = models.CharField(_("channel"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True)
    # The unguessable path segment of the webhook URL.
    public_id = models.CharField(
        max_length=40, unique=True, default=_public_id, editable=False, verbose_name=_("public id")
    )
    credentials = models.BinaryField(
        editable=False, verbose_name=_("credentials")
    )  # encrypted JSON
    # Polling position (e-mail: UIDVALIDITY and last UID); holds no personal data.
    cursor = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("cursor"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")
        ordering = ["body", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label or self.public_id}"


class Conversation(models.Model):
    """One reporter's conversation on one account: where they are, what they said so far."""

    account = models.ForeignKey(
        ChannelAccount,
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("account"),
    )
    sender_lookup = models.BinaryField(
        max_length=32, verbose_name=_("sender lookup")
    )  # keyed hash of the channel identifier
    sender = models.BinaryField(_("sender"))  # the identifier, encrypted (needed to answer later)
    language = models.CharField(max_length=10, default="zh-hans", verbose_name=_("language"))
    step = models.CharField(max_length=30, default="idle", verbose_name=_("step"))
    state = models.BinaryField(_("state"))  # encrypted JSON: the draft and follow-up state
    updated_at = models.DateTimeField(_("updated at"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires at"))
    # A confirmed report between the turn that checked it and its filing (see
    # ``submissions``): the draft and the receipt it will get, encrypted.
    submitting = models.BooleanField(default=False, db_index=True, verbose_name=_("submitting"))
    pending_submit = models.BinaryField(default=b"", blank=True, verbose_name=_("pending submit"))

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "sender_lookup"], name="one_conversation_per_sender"
            )
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.step})"

    def state_label(self) -> str:
        """The label the encrypted state is bound to (see ``CHANNEL_KEY``)."""
        return f"conversation:{self.account_id}:{bytes(self.sender_lookup).hex()}"


class InboundMessage(models.Model):
    """A delivery already handled, so a retry or replay is recognised (keyed hash only)."""

    account = models.ForeignKey(
        ChannelAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    dedupe = models.BinaryField(max_length=32, verbose_name=_("dedupe"))
    received_at = models.DateTimeField(db_index=True, verbose_name=_("received at"))

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [models.UniqueConstraint(fields=["account", "dedupe"], name="inbound_once")]

    def __str__(self) -> str:
        return f"delivery {self.pk}"


class SignedQuery(models.Model):
    """A (timestamp, nonce) a service signed, with the body it came with (keyed hashes only).

    WeChat's plain mode and Weibo sign the query string but not the body; this
    lets a replayed query string with another body be refused.
    """

    account = models.ForeignKey(
        ChannelAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    digest = models.BinaryField(max_length=32, verbose_name=_("digest"))
    received_at = models.DateTimeField(db_index=True, verbose_name=_("received at"))

    class Meta:
        verbose_name = _("signed query")
        verbose_name_plural = _("signed queries")
        constraints = [
            models.UniqueConstraint(fields=["account", "digest"], name="signed_query_once")
        ]

    def __str__(self) -> str:
        return f"signed query {self.pk}"


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Being fetched")
    READY = "ready", _("Ready")
    REJECTED = "rejected", _("Not accepted")
    FAILED = "failed", _("Could not be fetched")


class PendingMedia(models.Model):
    """A photo, document or recording sent during a conversation, before the report exists."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="media", verbose_name=_("conversation")
    )
    kind = models.CharField(max_length=20, verbose_name=_("kind"))
    ref = models.BinaryField(_("ref"))  # encrypted channel reference (media id, URL)
    size_hint = models.PositiveBigIntegerField(default=0, verbose_name=_("size hint"))
    status = models.CharField(
        max_length=10,
        choices=MediaStatus.choices,
        default=MediaStatus.PENDING,
        verbose_name=_("status"),
    )
    reason = models.CharField(max_length=40, blank=True, verbose_name=_("reason"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    content = models.BinaryField(null=True, verbose_name=_("content"))  # sanitised bytes, encrypted
    created_at = models.DateTimeField(_("created at"))
    # Still being fetched when the report was confirmed: the report it joins once fetched,
    # and that report's data key (encrypted) until the fetch settles.
    report_id = models.PositiveBigIntegerField(null=True, verbose_name=_("report id"))
    report_key = models.BinaryField(null=True, verbose_name=_("report key"))

    class Meta:
        verbose_name = _("pending media")
        verbose_name_plural = _("pending media")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"


class OutboundMessage(models.Model):
    """A reply sent later through the channel's API; deleted as soon as it is delivered."""

    account = models.ForeignKey(
        ChannelAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    recipient = models.BinaryField(_("recipient"))  # encrypted channel identifier
    text = models.BinaryField(_("text"))  # encrypted
    # E-mail: the message answered (Message-ID, References, subject), encrypted, for threading.
    thread = models.BinaryField(null=True, verbose_name=_("thread"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"outbound {self.pk}"
