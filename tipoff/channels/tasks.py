"""Background work for the channels: fetching media, sending late replies, purging, polling mail."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

from tipoff.channels.clients import ChannelError, client_for
from tipoff.channels.models import OutboundMessage

OUTBOX_ATTEMPTS = 5

logger = logging.getLogger(__name__)


class OutboxSendFailed(Exception):
    """A late reply could not be sent in any attempt; raised so the task's result is FAILED."""


def _enqueue_later(task_obj, delay: dt.timedelta | None, *args) -> None:
    if delay is not None and default_task_backend.supports_defer:
        task_obj.using(run_after=timezone.now() + delay).enqueue(*args)
    else:
        task_obj.enqueue(*args)


def enqueue_media_fetch(media_id: int) -> None:
    fetch_media.enqueue(media_id)


def enqueue_outbox(outbound_id: int) -> None:
    outbox_send.enqueue(outbound_id)


@task()
def fetch_media(media_id: int) -> bool:
    """One attempt at fetching a file; a failed attempt schedules the next and ends FAILED."""
    from tipoff.channels.media import MediaFetchFailed, media_fetch

    outcome = media_fetch(media_id)
    if outcome.retry_in is not None:
        _enqueue_later(fetch_media, outcome.retry_in, media_id)
    if outcome.failed:
        raise MediaFetchFailed(outcome.failed)
    return True


@task()
def outbox_send(outbound_id: int) -> bool:
    """Deliver one late reply, then delete it (a receipt is never kept once sent)."""
    from tipoff.channels.outbox import outbox_open

    row = OutboundMessage.objects.select_related("account").filter(pk=outbound_id).first()
    if row is None:
        return True
    recipient, text, thread = outbox_open(row)
    try:
        client_for(row.account).send_text(recipient=recipient, text=text, thread=thread)
    except (ChannelError, OSError, ValueError) as exc:
        row.attempts += 1
        # Which account and what failed, never the text or the recipient.
        where = f"{row.account.kind} account {row.account_id}"
        logger.warning(
            "Outbox: %s, attempt %d of %d failed (%s)",
            where,
            row.attempts,
            OUTBOX_ATTEMPTS,
            type(exc).__name__,
        )
        if row.attempts >= OUTBOX_ATTEMPTS:
            row.delete()
            raise OutboxSendFailed(
                f"{where}: a reply was dropped after {OUTBOX_ATTEMPTS} attempts "
                f"({type(exc).__name__})"
            ) from None  # the original error could name the recipient
        row.save(update_fields=["attempts"])
        _enqueue_later(outbox_send, dt.timedelta(seconds=20 * 2**row.attempts), outbound_id)
        return False
    row.delete()
    return True


@task()
def purge_conversations() -> dict[str, int]:
    from tipoff.channels.services import channels_purge

    return channels_purge()


@task()
def poll_mailboxes() -> int:
    from tipoff.channels.email.poller import mailboxes_poll

    return mailboxes_poll()


@task()
def submissions_finish() -> int:
    """File reports confirmed in a chat whose filing a crash interrupted; send their receipts."""
    from tipoff.channels.submissions import submissions_finish_overdue

    return submissions_finish_overdue()
