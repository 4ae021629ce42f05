"""Reports, their evidence and the messages between reporter and inspectors.

Everything a reporter wrote is in encrypted columns (``content``, message
``body``, evidence bytes in storage); routing and statistics fields stay clear.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Weibo")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class Report(models.Model):
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id")
    )
    body = models.ForeignKey(
        "people.Body", on_delete=models.PROTECT, related_name="reports", verbose_name=_("body")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reports", verbose_name=_("case")
    )
    channel = models.CharField(
        max_length=20, choices=Channel.choices, db_index=True, verbose_name=_("channel")
    )
    category = models.ForeignKey(
        "people.Category",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("category"),
    )
    unit = models.ForeignKey(
        "people.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("unit"),
    )
    district = models.ForeignKey(
        "people.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("district"),
    )
    # A district typed as free text before districts became a list, sealed to
    # the body's public key by the migration that made the list (staff read it).
    legacy_district = models.BinaryField(
        blank=True, default=b"", editable=False, verbose_name=_("legacy district")
    )
    occurred_on = models.DateField(null=True, blank=True, verbose_name=_("occurred on"))
    is_named = models.BooleanField(default=False, verbose_name=_("is named"))
    language = models.CharField(max_length=10, default="zh-hans", verbose_name=_("language"))
    received_at = models.DateTimeField(db_index=True, verbose_name=_("received at"))
    receipt_lookup = models.BinaryField(
        max_length=32, unique=True, verbose_name=_("receipt lookup")
    )
    sealed_key = models.BinaryField(_("sealed key"))  # data key sealed to the body's public key
    reporter_wrapped_key = models.BinaryField(
        _("reporter wrapped key")
    )  # data key under the receipt-derived key
    content = models.BinaryField(_("content"))  # encrypted JSON document (see reports.content)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"report {self.pk}"


class Author(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    STAFF = "staff", _("Inspector")


class Message(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="messages", verbose_name=_("report")
    )
    author = models.CharField(max_length=10, choices=Author.choices, verbose_name=_("author"))
    staff = models.ForeignKey(
        "people.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    body = models.BinaryField(_("body"))  # encrypted text

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]


class Evidence(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("message"),
    )
    added_by = models.CharField(
        max_length=10, choices=Author.choices, default=Author.REPORTER, verbose_name=_("added by")
    )
    storage_name = models.CharField(max_length=100, unique=True, verbose_name=_("storage name"))
    kind = models.CharField(max_length=10, verbose_name=_("kind"))  # image, document, audio, video
    media_type = models.CharField(max_length=100, verbose_name=_("media type"))
    extension = models.CharField(max_length=10, verbose_name=_("extension"))
    size = models.PositiveBigIntegerField(_("size"))  # of the sanitised plaintext
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]

    @property
    def kind_label(self) -> str:
        """The kind of file in the reader's language (``kind`` is a code: image, audio…)."""
        return str(EVIDENCE_KINDS.get(self.kind, self.kind))

    @property
    def preview(self) -> str:
        """How staff can look at it in the browser: image, pdf, audio, video, or "" (download)."""
        if self.media_type in PREVIEW_IMAGE_TYPES:
            return "image"
        if self.media_type == "application/pdf":
            return "pdf"
        if self.kind in ("audio", "video") and self.media_type.startswith(f"{self.kind}/"):
            return self.kind
        return ""


EVIDENCE_KINDS = {
    "image": _("Photo"),
    "document": _("Document"),
    "audio": _("Recording"),
    "video": _("Video"),
}
# Types browsers show by themselves, as intake stores them (re-encoded).
PREVIEW_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class ReceiptSalt(models.Model):
    """One random salt for receipt derivations, made on first use."""

    salt = models.BinaryField(max_length=16, verbose_name=_("salt"))

    class Meta:
        verbose_name = _("receipt salt")
        verbose_name_plural = _("receipt salts")
