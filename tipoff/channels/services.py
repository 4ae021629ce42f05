"""Running a conversation turn: dedupe, load the state, run the engine, save, answer.

Every webhook and the e-mail poller call ``conversation_handle`` with the
sender's channel identifier and what they sent. One database transaction covers
the turn — recording the delivery (so a retry is recognised) and the
conversation's new state — so a retry that arrives while the first delivery is
still being handled waits for it and is then answered as a duplicate: a retry
storm never creates a second report. A report confirmed in the turn is filed
just after it commits, with the receipt the turn drew, before the answer that
shows the receipt leaves (``submissions``).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tipoff.channels import media
from tipoff.channels.conversation import parsing
from tipoff.channels.conversation.engine import Engine, Incoming, fresh_state
from tipoff.channels.models import (
    CHANNEL_KEY,
    ChannelAccount,
    Conversation,
    InboundMessage,
    OutboundMessage,
    SignedQuery,
)
from tipoff.channels.ports import DbPorts, catalogue_of
from tipoff.channels.signing import MAX_CLOCK_SKEW_SECONDS
from tipoff.channels.submissions import (
    OVERDUE,
    receipt_replies,
    refusal_replies,
    submission_finish,
)

CONVERSATION_HOURS = 24
INBOUND_KEEP_DAYS = 7  # longer than any retry; stops replays of captured signed requests


@dataclass
class Turn:
    replies: list[str] = field(default_factory=list)
    duplicate: bool = False
    language: str = "zh-hans"


def _load(
    account: ChannelAccount, sender: str, now: dt.datetime, *, attempts: int = 3
) -> tuple[Conversation, dict, bool]:
    lookup = CHANNEL_KEY.lookup(account.pk, sender)
    conversation = (
        Conversation.objects.select_for_update()
        .filter(account=account, sender_lookup=lookup)
        .first()
    )
    expired = False
    if conversation is not None and conversation.expires_at < now:
        conversation.delete()
        conversation, expired = None, True
    if conversation is None:
        conversation = Conversation(
            account=account, sender_lookup=lookup, updated_at=now, expires_at=now, state=b""
        )
        conversation.sender = CHANNEL_KEY.seal_text(sender, label=f"sender:{account.pk}")
        try:
            with transaction.atomic():
                conversation.save()
        except IntegrityError:
            # A second message from a new sender, handled at the same moment as their
            # first: that one made the row (and has committed), so continue from it.
            if attempts <= 1:
                raise
            return _load(account, sender, now, attempts=attempts - 1)
        return conversation, {}, expired
    return (
        conversation,
        CHANNEL_KEY.unseal_json(conversation.state, label=conversation.state_label()) or {},
        False,
    )


def _inbound_digest(account: ChannelAccount, key: str) -> bytes:
    return CHANNEL_KEY.lookup(account.pk, f"inbound\x00{key}")


def inbound_seen(*, account: ChannelAccount, key: str) -> bool:
    """Record a delivery; True if it had been recorded before (a retry or replay)."""
    try:
        with transaction.atomic():
            InboundMessage.objects.create(
                account=account, dedupe=_inbound_digest(account, key), received_at=timezone.now()
            )
    except IntegrityError:
        return True
    return False


def _remember(account: ChannelAccount, key: str) -> bool:
    """Record a signed query key; True if it was new."""
    try:
        with transaction.atomic():
            SignedQuery.objects.create(
                account=account,
                digest=CHANNEL_KEY.lookup(account.pk, f"signed-query\x00{key}"),
                received_at=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def signed_query_check(*, account: ChannelAccount, timestamp: str, nonce: str, body: bytes) -> bool:
    """False when a signed query string comes back with another body (a replay).

    WeChat's plain mode and Weibo sign only token/secret, timestamp and nonce,
    so a captured query string would vouch for any body for as long as the
    timestamp is fresh. Each (timestamp, nonce) is remembered with the body it
    came with; the same pair with the same body is the service retrying.
    """
    query = f"{timestamp}\x00{nonce}"
    with_body = f"{query}\x00{hashlib.sha256(body).hexdigest()}"
    body_new = _remember(account, with_body)
    query_new = _remember(account, query)
    if query_new or not body_new:
        return True
    # Forget the replayed body again, so repeating the replay never makes it "known".
    SignedQuery.objects.filter(
        account=account, digest=CHANNEL_KEY.lookup(account.pk, f"signed-query\x00{with_body}")
    ).delete()
    return False


def conversation_handle(
    *,
    account: ChannelAccount,
    sender: str,
    incoming: Incoming,
    dedupe_key: str = "",
    media_ref: media.MediaRef | None = None,
    media_refs: Sequence[media.MediaRef] = (),
) -> Turn:
    """One delivery from a reporter: a message, files with the text that came with them, an
    event. ``dedupe_key`` recognises the service's retries."""
    refs = [*media_refs, *([media_ref] if media_ref is not None else [])]
    now = timezone.now()
    leftover, retry = _finish_leftover(account, sender, dedupe_key=dedupe_key, now=now)
    with transaction.atomic():
        if dedupe_key and inbound_seen(account=account, key=dedupe_key):
            # The service retrying a delivery that failed, perhaps in the crash whose report
            # was just filed above: its receipt is owed, and this is the chance to send it.
            # (A delivery that only now turned out to be a retry raced the first one, which
            # is alive and answers with the receipt itself.)
            owed = leftover if retry else []
            return Turn(replies=owed, duplicate=not owed)
        conversation, state, expired = _load(account, sender, now)
        detected = parsing.detect_language(incoming.text) if incoming.text else None
        if not state:
            state = fresh_state(detected or incoming.language or "zh-hans")
        elif not state.get("switched"):
            # Between reports the language follows what is written (or the reporter's app);
            # during one, it changes only when the writing and the app agree on another.
            if state.get("step") == "idle":
                state["lang"] = detected or incoming.language or state["lang"]
            elif detected and detected == incoming.language:
                state["lang"] = detected
        if refs:
            incoming.kind = "media"
            incoming.media_notes = [
                media.media_record(conversation=conversation, state=state, ref=ref) for ref in refs
            ]
        language = str(state.get("lang", "zh-hans"))
        ports = DbPorts(account=account, conversation=conversation, state=copy.deepcopy(state))
        with translation.override(language):
            result = Engine(catalogue=catalogue_of(account.body), ports=ports, now=now).handle(
                state, incoming
            )
            language = str(result.state.get("lang", language))
        replies = result.replies
        if expired:
            with translation.override(language):
                from django.utils.translation import gettext as _

                note = _("Your unfinished report was deleted after 24 hours without an answer.")
            replies = [note, *replies]
        idle = result.state.get("step") == "idle" and not result.state.get("draft")
        if result.finished and idle and not ports.stashed and not conversation.media.exists():
            # Nothing left that needs the sender's identifier: forget it.
            conversation.delete()
        else:
            conversation.language = language
            conversation.step = str(result.state.get("step", "idle"))
            conversation.state = CHANNEL_KEY.seal_json(
                result.state, label=conversation.state_label()
            )
            conversation.updated_at = now
            conversation.expires_at = _expiry(result.state, now)
            conversation.save()
    if ports.stashed:
        # The turn is committed; file the report before its receipt is sent.
        finished = submission_finish(conversation_id=conversation.pk)
        if finished is not None and finished.errors:
            replies = refusal_replies(finished)
    return Turn(replies=[*leftover, *replies], language=language)


def _finish_leftover(
    account: ChannelAccount, sender: str, *, dedupe_key: str, now: dt.datetime
) -> tuple[list[str], bool]:
    """A report confirmed in an earlier turn that a crash kept from being filed: file it now.

    Returns its replies, and whether this delivery is the service sending an earlier one
    again. Such a retry's first delivery answered with the receipt, unless its process died
    before filing the report; so a retry files it only once that turn is older than the
    overdue job's wait (younger, the first delivery may still be answering).
    """
    waiting = Conversation.objects.filter(
        account=account, sender_lookup=CHANNEL_KEY.lookup(account.pk, sender), submitting=True
    ).first()
    if waiting is None:
        return [], False
    retry = bool(dedupe_key) and (
        InboundMessage.objects.filter(
            account=account, dedupe=_inbound_digest(account, dedupe_key)
        ).exists()
    )
    if retry and waiting.updated_at >= now - OVERDUE:
        return [], True
    finished = submission_finish(conversation_id=waiting.pk)
    if finished is None:
        return [], retry
    replies = refusal_replies(finished) if finished.errors else receipt_replies(finished)
    return replies, retry


def _expiry(state: dict, now: dt.datetime) -> dt.datetime:
    until = now + dt.timedelta(hours=CONVERSATION_HOURS)
    followup = state.get("followup")
    if followup and state.get("step") == "followup" and not state.get("draft"):
        # Only a follow-up in progress: keep the report's key no longer than that.
        until = min(until, dt.datetime.fromisoformat(followup["until"]))
    return until


# --- retention -------------------------------------------------------------------------


def channels_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired conversations (and their media), old delivery records, stale outbox rows."""
    now = now or timezone.now()
    conversations, _ = Conversation.objects.filter(expires_at__lt=now).delete()
    inbound, _ = InboundMessage.objects.filter(
        received_at__lt=now - dt.timedelta(days=INBOUND_KEEP_DAYS)
    ).delete()
    outbound, _ = OutboundMessage.objects.filter(created_at__lt=now - dt.timedelta(days=2)).delete()
    # A signed query is refused as stale after MAX_CLOCK_SKEW_SECONDS either way.
    SignedQuery.objects.filter(
        received_at__lt=now - dt.timedelta(seconds=3 * MAX_CLOCK_SKEW_SECONDS)
    ).delete()
    return {"conversations": conversations, "inbound": inbound, "outbound": outbound}


def conversation_forget(*, account: ChannelAccount, sender: str) -> None:
    """The reporter left the channel (e.g. unfollowed): drop everything kept about them."""
    Conversation.objects.filter(
        account=account, sender_lookup=CHANNEL_KEY.lookup(account.pk, sender)
    ).delete()
