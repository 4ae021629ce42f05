"""Photos, documents, recordings and voice sent during a conversation.

A file is recorded at once and fetched from the channel in the background (the
webhook must answer within seconds), checked and cleaned by the same sanitiser
as web uploads, and kept encrypted with the conversation until the report is
confirmed. The reporter never waits for a fetch: "confirm" submits what has
arrived. A file still being fetched then is bound to the report (with the
report's data key, encrypted, until the fetch settles) and added to it when it
arrives. A fetch that fails is logged (never with who sent it or what), retried
a few times, and ends its task as failed; when a file is lost for good the
reporter is told and the staff find a note on the report's case.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tipoff.channels.clients import ChannelError, MediaTooLarge, client_for
from tipoff.channels.models import (
    CHANNEL_KEY,
    ChannelAccount,
    Conversation,
    MediaStatus,
    PendingMedia,
)
from tipoff.lib import evidence
from tipoff.reports.models import Author, Report
from tipoff.reports.services import (
    EvidenceFile,
    SubmissionInvalid,
    message_post,
    report_intake_note,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # about three and a half minutes in all: 30 s, 60 s, 120 s between attempts
# Steps where a file cannot belong to a report being written (a follow-up of one already made).
_NOT_COLLECTING = {"status_code", "followup"}


class MediaFetchFailed(Exception):
    """A fetch attempt failed; raised so the task's result is FAILED."""


@dataclass(frozen=True)
class MediaRef:
    kind: str  # image | voice | video | document
    ref: str = ""  # what the channel's API needs to fetch it
    size_hint: int = 0
    data: bytes | None = None  # already in hand (e-mail attachments)


@dataclass(frozen=True)
class FetchOutcome:
    retry_in: dt.timedelta | None = None
    failed: str = ""  # why this attempt failed ('' when it did not)


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_FILE_MB) * 1024 * 1024


def media_record(*, conversation: Conversation, state: dict, ref: MediaRef) -> str:
    """Keep a reference to a file sent in the conversation; returns a note for the engine."""
    if state.get("step") in _NOT_COLLECTING:
        return "not_now"  # a file sent first (idle) starts a report
    collected = conversation.media.filter(report_id__isnull=True).exclude(
        status__in=[MediaStatus.REJECTED, MediaStatus.FAILED]
    )
    if collected.count() >= int(settings.EVIDENCE_MAX_FILES):
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
    row.ref = CHANNEL_KEY.seal_text(ref.ref, label=f"media-ref:{row.pk}")
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
    row.content = CHANNEL_KEY.seal(clean.content, label=f"media:{row.pk}")
    row.status = MediaStatus.READY
    row.save(update_fields=["content", "status"])
    return ""


# --- naming files to the reporter and to the staff --------------------------------------


def describe(row: PendingMedia, *, why: bool = False) -> str:
    """'photo sent at 10:31' (with why it is missing, if asked), in the active language."""
    kind = {
        "image": _("photo"),
        "voice": _("voice message"),
        "video": _("video"),
        "document": _("document"),
    }.get(row.kind, _("file"))
    text = _("%(kind)s sent at %(time)s") % {
        "kind": kind,
        "time": timezone.localtime(row.created_at).strftime("%H:%M"),
    }
    if not why:
        return text
    reason = (
        _("could not be fetched from the messaging service")
        if row.status in (MediaStatus.FAILED, MediaStatus.PENDING)
        else _("not an accepted file")
    )
    return _("%(file)s (%(reason)s)") % {"file": text, "reason": reason}


def staff_note(rows: list[PendingMedia], account: ChannelAccount) -> str:
    """The note on the report's case, in Chinese and English (no reporter content in it)."""
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append(
                _(
                    "Files the reporter sent through %(channel)s are not part of this report: "
                    "%(files)s. The reporter was told."
                )
                % {
                    "channel": account.get_kind_display(),
                    "files": "; ".join(describe(row, why=True) for row in rows),
                }
            )
    return " / ".join(parts)


# --- files bound to a report already submitted ----------------------------------------------


def media_bind(*, row: PendingMedia, report_id: int, data_key: bytes) -> None:
    """A file still being fetched at "confirm": it joins the report when it arrives."""
    row.report_id = report_id
    row.report_key = CHANNEL_KEY.seal(data_key, label=f"media-report-key:{row.pk}")
    row.save(update_fields=["report_id", "report_key"])


def _report_of(row: PendingMedia) -> Report | None:
    if row.report_id is None:
        return None
    return Report.objects.filter(pk=row.report_id).select_related("case").first()


def _attach(media_id: int, data: bytes) -> None:
    """Add a file that arrived after "confirm" to its report, then tell the reporter.

    The evidence is committed on its own (as every file is), outside the lock
    on the row; the row is then settled in a second, short transaction.
    """
    row = PendingMedia.objects.select_related("conversation").filter(pk=media_id).first()
    report = _report_of(row) if row is not None else None
    if row is None or report is None:
        with transaction.atomic():
            locked = _locked(media_id)
            if locked is not None:
                _forget(locked)
        return
    data_key = CHANNEL_KEY.unseal(row.report_key or b"", label=f"media-report-key:{row.pk}")
    problem = None
    try:
        message_post(
            report=report,
            data_key=data_key,
            text="",
            files=[EvidenceFile(data=data)],
            author=Author.REPORTER,
        )
    except SubmissionInvalid as exc:
        problem = " ".join(str(m) for msgs in exc.errors.values() for m in msgs)
    with transaction.atomic():
        locked = _locked(media_id)
        if locked is None:
            return
        if problem is not None:
            locked.status, locked.reason = MediaStatus.REJECTED, "rejected"
            _lost(locked, problem)
            return
        with translation.override(locked.conversation.language):
            _tell(
                locked,
                _("The %(file)s has been added to your report.") % {"file": describe(locked)},
            )
        _forget(locked)


def _forget(row: PendingMedia) -> None:
    """Delete a settled file; the conversation too, when nothing else needs the sender."""
    conversation = row.conversation
    row.delete()
    if conversation.step != "idle" or conversation.media.exists():
        return
    state = CHANNEL_KEY.unseal_json(conversation.state, label=conversation.state_label()) or {}
    if not state.get("draft"):
        conversation.delete()


def _lost(row: PendingMedia, problem: str | None) -> None:
    """A file will not be part of the report: tell the reporter (and, once submitted, the staff)."""
    with translation.override(row.conversation.language):
        why = problem or _("It could not be fetched from the messaging service.")
        _tell(
            row,
            _("A file you sent (%(file)s) cannot be added to your report. %(reason)s")
            % {"file": describe(row), "reason": why}
            + " "
            + (
                _("You can add it on the website with your receipt.")
                if row.report_id
                else _("You can send it again.")
            ),
        )
    if not row.report_id:
        row.save(update_fields=["status", "reason", "attempts"])
        return None
    report = _report_of(row)
    if report is not None:
        report_intake_note(
            report=report,
            action="files_not_received",
            note=staff_note([row], row.conversation.account),
        )
    return _forget(row)


def _tell(row: PendingMedia, text: str) -> None:
    from tipoff.channels.outbox import outbox_queue

    conversation = row.conversation
    sender = CHANNEL_KEY.unseal_text(conversation.sender, label=f"sender:{conversation.account_id}")
    outbox_queue(account=conversation.account, recipient=sender, texts=[text])


# --- one fetch attempt ---------------------------------------------------------------


def _locked(media_id: int) -> PendingMedia | None:
    row = (
        PendingMedia.objects.select_for_update()
        .select_related("conversation__account")
        .filter(pk=media_id)
        .first()
    )
    return row if row is not None and row.status == MediaStatus.PENDING else None


def media_fetch(media_id: int) -> FetchOutcome:
    """One attempt at fetching a file from the channel, and what follows from it."""
    row = PendingMedia.objects.select_related("conversation__account").filter(pk=media_id).first()
    if row is None or row.status != MediaStatus.PENDING:
        return FetchOutcome()
    account = row.conversation.account
    ref = CHANNEL_KEY.unseal_text(row.ref, label=f"media-ref:{row.pk}")
    try:
        data = client_for(account).fetch_media(ref=ref, max_bytes=max_bytes())
    except MediaTooLarge:
        with transaction.atomic():
            locked = _locked(media_id)
            if locked is not None:
                locked.status, locked.reason = MediaStatus.REJECTED, "too_large"
                _lost(locked, str(evidence.RejectedFile("too_large").message))
        return FetchOutcome()
    except (ChannelError, OSError, ValueError) as exc:
        return _failed(media_id, account, type(exc).__name__)
    with transaction.atomic():
        # Re-read under a lock: "confirm" may have bound the file to a report meanwhile.
        locked = _locked(media_id)
        if locked is None:
            return FetchOutcome()
        bound = bool(locked.report_id)
        if not bound:
            problem = _store(locked, data)
            if problem:
                _lost(locked, problem)
    if bound:
        _attach(media_id, data)
    return FetchOutcome()


def _failed(media_id: int, account: ChannelAccount, error: str) -> FetchOutcome:
    with transaction.atomic():
        row = _locked(media_id)
        if row is None:
            return FetchOutcome()
        row.attempts += 1
        # Never the sender, the media reference or the error text (which may hold a URL).
        logger.warning(
            "channel media %s (%s account %s): fetch attempt %d of %d failed: %s",
            row.pk,
            account.kind,
            account.pk,
            row.attempts,
            MAX_ATTEMPTS,
            error,
        )
        if row.attempts < MAX_ATTEMPTS:
            row.save(update_fields=["attempts"])
            return FetchOutcome(retry_in=dt.timedelta(seconds=15 * 2**row.attempts), failed=error)
        logger.error(
            "channel media %s (%s account %s): given up after %d attempts",
            row.pk,
            account.kind,
            account.pk,
            row.attempts,
        )
        row.status, row.reason = MediaStatus.FAILED, "unreachable"
        _lost(row, None)
    return FetchOutcome(failed=error)
