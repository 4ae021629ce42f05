"""Photos, documents, recordings and voice sent during a conversation.

The reporter's media is fetched from the channel in the background (the webhook
must answer within seconds), checked and cleaned with the same sanitiser as web
uploads, and kept encrypted with the conversation until the report is
confirmed. A failed fetch is retried with back-off; the confirmation waits
while a file is still being fetched, so a report is never submitted without
media that was merely slow, and never lost because media failed: after the
last attempt the reporter is told, and the report goes ahead without that file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tipoff.channels import keys
from tipoff.channels.clients import ChannelError, MediaTooLarge, client_for
from tipoff.channels.models import Conversation, MediaStatus, PendingMedia
from tipoff.lib import evidence

MAX_ATTEMPTS = 5
# Steps where a file cannot belong to a report being written (a follow-up of one already made).
_NOT_COLLECTING = {"status_code", "followup"}


@dataclass(frozen=True)
class MediaRef:
    kind: str  # image | voice | video | document
    ref: str = ""  # what the channel's API needs to fetch it
    size_hint: int = 0
    data: bytes | None = None  # already in hand (e-mail attachments)


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_FILE_MB) * 1024 * 1024


def media_record(*, conversation: Conversation, state: dict, ref: MediaRef) -> str:
    """Keep a reference to a file sent in the conversation; returns a note for the engine."""
    if state.get("step") in _NOT_COLLECTING:
        return "not_now"  # a file sent first (idle) starts a report
    if conversation.media.exclude(
        status__in=[MediaStatus.REJECTED, MediaStatus.FAILED]
    ).count() >= int(settings.EVIDENCE_MAX_FILES):
        return "too_many"
    if ref.size_hint > max_bytes() or (ref.data is not None and len(ref.data) > max_bytes()):
        return "too_large"
    row = PendingMedia.objects.create(
        conversation=conversation,
        kind=ref.kind,
        ref=b"",
        size_hint=ref.size_hint,
        created_at=timezone.now(),
    )
    row.ref = keys.seal_text(ref.ref, label=f"media-ref:{row.pk}")
    row.save(update_fields=["ref"])
    if ref.data is not None:
        problem = _store(row, ref.data)
        return f"rejected:{problem}" if problem else "accepted"
    from tipoff.channels.tasks import enqueue_media_fetch

    transaction.on_commit(lambda: enqueue_media_fetch(row.pk))
    return "accepted"


def _store(row: PendingMedia, data: bytes) -> str:
    """Sanitise and keep the file; returns why it was refused ('' when kept)."""
    try:
        clean = evidence.sanitise(data, max_bytes=max_bytes())
    except evidence.RejectedFile as exc:
        row.status, row.reason = MediaStatus.REJECTED, exc.code
        row.save(update_fields=["status", "reason"])
        return str(exc.message)
    row.content = keys.seal_bytes(clean.content, label=f"media:{row.pk}")
    row.status = MediaStatus.READY
    row.save(update_fields=["content", "status"])
    return ""


def media_fetch(media_id: int) -> dt.timedelta | None:
    """One attempt; returns the delay before the next attempt, or None when settled."""
    row = PendingMedia.objects.select_related("conversation__account").filter(pk=media_id).first()
    if row is None or row.status != MediaStatus.PENDING:
        return None
    account = row.conversation.account
    ref = keys.open_text(row.ref, label=f"media-ref:{row.pk}")
    try:
        data = client_for(account).fetch_media(ref=ref, max_bytes=max_bytes())
    except MediaTooLarge:
        row.status, row.reason = MediaStatus.REJECTED, "too_large"
        row.save(update_fields=["status", "reason"])
        _tell(row, evidence.RejectedFile("too_large").message)
        return None
    except (ChannelError, OSError, ValueError):
        row.attempts += 1
        if row.attempts < MAX_ATTEMPTS:
            row.save(update_fields=["attempts"])
            return dt.timedelta(seconds=30 * 2**row.attempts)
        row.status, row.reason = MediaStatus.FAILED, "unreachable"
        row.save(update_fields=["attempts", "status", "reason"])
        _tell(row, None)
        return None
    problem = _store(row, data)
    if problem:
        _tell(row, problem)
    return None


def _tell(row: PendingMedia, problem: object) -> None:
    """Let the reporter know a file will not be part of the report."""
    from tipoff.channels.outbox import outbox_queue

    conversation = row.conversation
    sender = keys.open_text(conversation.sender, label=f"sender:{conversation.account_id}")
    with translation.override(conversation.language):
        why = str(problem) if problem else _("It could not be fetched from the messaging service.")
        text = _(
            "A file you sent cannot be added to your report. %(reason)s You can send it again."
        ) % {"reason": why}
    with transaction.atomic():
        outbox_queue(account=conversation.account, recipient=sender, texts=[text])
