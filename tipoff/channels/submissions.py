"""Filing a report from a conversation: decided in the turn, written right after it.

A conversation turn is one transaction (the delivery recorded, the
conversation updated), but ``report_submit`` commits on its own, never inside
another transaction — a rollback must not undo a report whose receipt the
reporter holds. So at "confirm" the turn checks the draft (``report_check``),
draws the receipt and keeps it with the draft on the conversation, encrypted
under ``CHANNELS_KEY`` (``submission_stash``); the turn commits; then
``submission_finish`` files the report with exactly that receipt, *before*
the answer that shows the receipt is sent.

If the process dies in between, nothing is lost: the next message from the
reporter, or the periodic job (``submissions_finish_overdue``), finishes it
and sends the receipt. Finishing is idempotent: when the receipt is already
taken, the report is there and is simply picked up. The stashed receipt
exists only for that short window and is then erased.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tipoff.channels import media
from tipoff.channels.conversation import prompts
from tipoff.channels.models import CHANNEL_KEY, Conversation, MediaStatus, PendingMedia
from tipoff.lib import receipts
from tipoff.reports.services import (
    EvidenceFile,
    ReportInput,
    SubmissionInvalid,
    report_intake_note,
    report_submit,
    reporter_open,
)

log = logging.getLogger(__name__)
OVERDUE = dt.timedelta(minutes=1)


def _label(conversation: Conversation) -> str:
    return f"pending-submit:{conversation.account_id}:{bytes(conversation.sender_lookup).hex()}"


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def report_input(
    *, conversation: Conversation, draft: dict[str, Any], language: str, files: list[bytes]
) -> ReportInput:
    account = conversation.account
    return ReportInput(
        body=account.body,
        channel=account.kind,
        category_id=draft.get("category_id"),
        what=str(draft.get("what", "")),
        unit_id=draft.get("unit_id"),
        unit_other=str(draft.get("unit_other") or ""),
        official_name=str(draft.get("official_name") or ""),
        official_position=str(draft.get("official_position") or ""),
        occurred_on=_date(draft.get("occurred_on")),
        when_detail=str(draft.get("when_detail") or ""),
        place=str(draft.get("place") or ""),
        answers=dict(draft.get("answers") or {}),
        is_named=bool(draft.get("is_named")),
        reporter_name=str(draft.get("reporter_name") or ""),
        reporter_contact=str(draft.get("reporter_contact") or ""),
        language=language,
        evidence=[EvidenceFile(data=data) for data in files],
    )


def submission_stash(
    *, conversation: Conversation, draft: dict[str, Any], language: str, state: dict[str, Any]
) -> str:
    """Keep the checked draft and a fresh receipt on the conversation (saved with the turn)."""
    code = receipts.generate(settings.RECEIPT_DIGITS)
    conversation.submitting = True
    conversation.pending_submit = CHANNEL_KEY.seal_json(
        {"receipt": code, "draft": draft, "language": language, "state": state},
        label=_label(conversation),
    )
    return code


@dataclass
class Finished:
    receipt: str = ""
    language: str = "zh-hans"
    errors: dict[str, list[str]] = field(default_factory=dict)


def submission_finish(*, conversation_id: int) -> Finished | None:
    """File the stashed report (or pick it up if it is filed already); None if none waits."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id, submitting=True)
        .select_related("account__body")
        .first()
    )
    if conversation is None:
        return None
    payload = CHANNEL_KEY.unseal_json(conversation.pending_submit, label=_label(conversation)) or {}
    code, language = str(payload.get("receipt", "")), str(payload.get("language", "zh-hans"))
    rows = list(conversation.media.filter(report_id__isnull=True))
    ready = [r for r in rows if r.status == MediaStatus.READY]
    data = report_input(
        conversation=conversation,
        draft=payload.get("draft") or {},
        language=language,
        files=[CHANNEL_KEY.unseal(r.content or b"", label=f"media:{r.pk}") for r in ready],
    )
    try:
        submitted = report_submit(data=data, receipt=code)
        report, data_key = submitted.report, submitted.data_key
    except IntegrityError:
        access = reporter_open(code=code)  # filed before a crash: pick it up
        if access is None:
            raise
        report, data_key = access.report, access.data_key
    except SubmissionInvalid as exc:
        _give_back(conversation, payload)
        return Finished(language=language, errors=exc.errors)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        if locked is None or not locked.submitting:
            return Finished(receipt=code, language=language)  # another finisher did the rest
        missing = [r for r in rows if r.status in (MediaStatus.REJECTED, MediaStatus.FAILED)]
        for row in PendingMedia.objects.filter(
            pk__in=[r.pk for r in rows], status=MediaStatus.PENDING
        ):
            # Still being fetched: it joins the report when it arrives.
            media.media_bind(row=row, report_id=report.pk, data_key=data_key)
        if missing:
            report_intake_note(
                report=report,
                action="files_not_received",
                note=media.staff_note(missing, conversation.account),
            )
        PendingMedia.objects.filter(pk__in=[r.pk for r in [*ready, *missing]]).delete()
        locked.submitting, locked.pending_submit = False, b""
        locked.save(update_fields=["submitting", "pending_submit"])
        if locked.step == "idle" and not locked.media.exists():
            locked.delete()  # nothing left that needs the sender's identifier
    return Finished(receipt=code, language=language)


def _give_back(conversation: Conversation, payload: dict[str, Any]) -> None:
    """The report was refused after all (its category was switched off, say): back to review."""
    state = payload.get("state") or {}
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            submitting=False,
            pending_submit=b"",
            step=str(state.get("step", "review")),
            state=CHANNEL_KEY.seal_json(state, label=conversation.state_label()),
        )


def refusal_replies(finished: Finished) -> list[str]:
    with translation.override(finished.language):
        from django.utils.translation import gettext as _

        return [
            _("The report could not be submitted yet:"),
            "\n".join(f"• {m}" for msgs in finished.errors.values() for m in msgs),
            _("Your report is kept as it was: correct it and send “confirm” again."),
        ]


def receipt_replies(finished: Finished) -> list[str]:
    with translation.override(finished.language):
        return [prompts.receipt_message(finished.receipt)]


def submissions_finish_overdue(*, now: dt.datetime | None = None) -> int:
    """Finish submissions left by a crash and send their receipts through the channel's API."""
    from tipoff.channels.outbox import outbox_queue

    cutoff = (now or timezone.now()) - OVERDUE
    done = 0
    for conversation in Conversation.objects.filter(
        submitting=True, updated_at__lt=cutoff
    ).select_related("account"):
        sender = CHANNEL_KEY.unseal_text(
            conversation.sender, label=f"sender:{conversation.account_id}"
        )
        account = conversation.account
        try:
            finished = submission_finish(conversation_id=conversation.pk)
        except Exception:
            log.exception(
                "could not finish a pending channel submission (conversation %s)", conversation.pk
            )
            continue
        if finished is None:
            continue
        texts = refusal_replies(finished) if finished.errors else receipt_replies(finished)
        with transaction.atomic():
            outbox_queue(account=account, recipient=sender, texts=texts)
        done += 1
    return done
