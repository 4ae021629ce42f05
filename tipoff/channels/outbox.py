"""Replies: what goes back in the webhook's response, and what is sent later through the API.

A passive reply (in the webhook's response) has a size limit and a deadline;
the rest follows through the service's API. Each message sent later fits that
API's own limit, and the passive part always ends with what the reporter is
asked to do next, so a reporter whose later messages never arrive (the API
unreachable, no credentials for it) is never left without the instruction.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tipoff.channels.models import CHANNEL_KEY, ChannelAccount, OutboundMessage
from tipoff.lib.tasks import enqueue_with_transaction

# What one message sent through each service's API may carry (bytes of UTF-8, with a margin):
# WeChat's customer-service text 2048 bytes, Telegram 4096 characters, Twilio 1600 characters.
API_LIMIT_BYTES = {
    "wechat": 2000,
    "weibo": 900,
    "telegram": 4000,
    "sms": 1500,
    "whatsapp": 1500,
    "email": 200_000,
}
CONTINUED = "…"


def split_reply(text: str, *, limit_bytes: int) -> list[str]:
    """Split on paragraph boundaries so each part fits a channel's message limit."""
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate.encode()) <= limit_bytes:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(paragraph.encode()) > limit_bytes:
            cut = max(1, limit_bytes // 4)  # up to 4 bytes a character in UTF-8
            parts.append(paragraph[:cut])
            paragraph = paragraph[cut:]
        current = paragraph
    if current:
        parts.append(current)
    return parts or [""]


def _cue(text: str) -> str:
    """The closing instruction of a reply (a line naming a command, e.g. Send “confirm”…)."""
    last = text.rstrip().rsplit("\n", 1)[-1]
    return last if "“" in last else ""


def passive_and_rest(text: str, *, limit_bytes: int) -> tuple[str, list[str]]:
    """The passive part (ending with the instruction) and the parts sent later."""
    chunks = split_reply(text, limit_bytes=limit_bytes)
    cue = _cue(text)
    if len(chunks) == 1 or not cue:
        return chunks[0], chunks[1:]
    tail = f"\n{CONTINUED}\n\n{cue}"
    room = limit_bytes - len(tail.encode())
    if room < limit_bytes // 3:
        return chunks[0], chunks[1:]
    head = split_reply(text, limit_bytes=room)
    return head[0] + tail, split_reply("\n\n".join(head[1:]), limit_bytes=limit_bytes)


def outbox_queue(
    *,
    account: ChannelAccount,
    recipient: str,
    texts: list[str],
    thread: dict[str, Any] | None = None,
) -> None:
    """Send replies through the channel's API after commit (see tasks.outbox_send).

    Split so each message fits the API's limit; ``thread`` (e-mail: the message
    answered) is kept, encrypted, with each part until it is sent.
    """
    from tipoff.channels.tasks import enqueue_outbox

    text = "\n\n".join(t for t in texts if t)
    if not text:
        return
    for part in split_reply(text, limit_bytes=API_LIMIT_BYTES.get(account.kind, 1500)):
        row = OutboundMessage.objects.create(
            account=account,
            recipient=CHANNEL_KEY.seal_text(recipient, label=f"outbox-to:{account.pk}"),
            text=CHANNEL_KEY.seal_text(part, label=f"outbox-text:{account.pk}"),
            thread=CHANNEL_KEY.seal_json(thread, label=f"outbox-thread:{account.pk}")
            if thread
            else None,
            created_at=timezone.now(),
        )
        # Sent exactly when the row exists: a crash after the commit loses no receipt.
        enqueue_with_transaction(partial(enqueue_outbox, row.pk))


def outbox_open(row: OutboundMessage) -> tuple[str, str, dict[str, Any] | None]:
    """The recipient, text and thread of a reply waiting to be sent."""
    thread = (
        CHANNEL_KEY.unseal_json(row.thread, label=f"outbox-thread:{row.account_id}")
        if row.thread
        else None
    )
    return (
        CHANNEL_KEY.unseal_text(row.recipient, label=f"outbox-to:{row.account_id}"),
        CHANNEL_KEY.unseal_text(row.text, label=f"outbox-text:{row.account_id}"),
        thread,
    )


def reply_budget_seconds() -> float:
    """Seconds a webhook may take before its answer goes through the API instead (WeChat waits 5)."""
    return float(settings.CHANNELS_REPLY_BUDGET_SECONDS)


def reply_plan(
    *, account: ChannelAccount, recipient: str, replies: list[str], started: float, limit_bytes: int
) -> str | None:
    """The part of the replies that goes in the webhook's response; the rest is sent later.

    When the turn took longer than the channel's reply budget, the service has
    stopped waiting: everything goes through the API and None is returned.
    """
    text = "\n\n".join(r for r in replies if r)
    late = time.monotonic() - started > reply_budget_seconds()
    passive, rest = ("", [text]) if late else passive_and_rest(text, limit_bytes=limit_bytes)
    if rest:
        with transaction.atomic():
            outbox_queue(account=account, recipient=recipient, texts=rest)
    return None if late else passive
