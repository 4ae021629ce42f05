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
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.ForeignKey("people.Body", on_delete=models.PROTECT, related_name="reports")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reports")
    channel = models.CharField(max_length=20, choices=Channel.choices, db_index=True)
    category = models.ForeignKey(
        "people.Category", on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        "people.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    district = models.ForeignKey(
        "people.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    # A district typed as free text before districts became a list, sealed to
    # the body's public key by the migration that made the list (staff read it).
    legacy_district = models.BinaryField(blank=True, default=b"", editable=False)
    occurred_on = models.DateField(null=True, blank=True)
    is_named = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="zh-hans")
    received_at = models.DateTimeField(db_index=True)
    receipt_lookup = models.BinaryField(max_length=32, unique=True)
    sealed_key = models.BinaryField()  # data key sealed to the body's public key
    reporter_wrapped_key = models.BinaryField()  # data key under the receipt-derived key
    content = models.BinaryField()  # encrypted JSON document (see reports.content)

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
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff = models.ForeignKey(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    body = models.BinaryField()  # encrypted text

    class Meta:
        ordering = ["created_at", "id"]


class Evidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    added_by = models.CharField(max_length=10, choices=Author.choices, default=Author.REPORTER)
    storage_name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10)  # image, document, audio, video
    media_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()  # of the sanitised plaintext
    created_at = models.DateTimeField()

    class Meta:
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

    salt = models.BinaryField(max_length=16)
