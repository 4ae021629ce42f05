"""Seal the channels' secrets again under a new ``CHANNELS_KEY`` (key rotation).

Run by ``manage.py key_rotate CHANNELS_KEY`` after the environment holds the
new value: every sealed value is opened with the previous value and sealed
with the new one, and each conversation's sender lookup is recomputed from its
sender, all in one transaction — a wrong previous value changes nothing.
Records that hold only keyed hashes of values we do not keep (webhook
deliveries already seen, WeChat signed queries already used) cannot be
recomputed; they matter for minutes and are dropped.
"""

from __future__ import annotations

from django.db import transaction

from tipoff.channels.models import (
    CHANNEL_KEY,
    ChannelAccount,
    Conversation,
    InboundMessage,
    OutboundMessage,
    PendingMedia,
    SignedQuery,
)
from tipoff.lib.vault import KeptKey


@transaction.atomic
def channels_rekey(old: KeptKey) -> dict[str, int]:
    """Re-seal under the current ``CHANNELS_KEY``; raises ``DecryptionError`` if ``old`` is wrong."""
    counts = {"accounts": 0, "conversations": 0, "media": 0, "outbox": 0}
    for account in ChannelAccount.objects.select_for_update().order_by("pk"):
        label = f"channel-credentials:{account.public_id}"
        account.credentials = CHANNEL_KEY.reseal(old, account.credentials, label=label)
        account.save(update_fields=["credentials"])
        counts["accounts"] += 1
    for conversation in Conversation.objects.select_for_update().order_by("pk"):
        account_id = conversation.account_id
        sender = old.unseal_text(conversation.sender, label=f"sender:{account_id}")
        old_hex = bytes(conversation.sender_lookup).hex()
        new_lookup = CHANNEL_KEY.lookup(account_id, sender)
        conversation.sender = CHANNEL_KEY.seal_text(sender, label=f"sender:{account_id}")
        if conversation.state:
            state = old.unseal(conversation.state, label=f"conversation:{account_id}:{old_hex}")
            conversation.state = CHANNEL_KEY.seal(
                state, label=f"conversation:{account_id}:{new_lookup.hex()}"
            )
        if conversation.pending_submit:
            pending = old.unseal(
                conversation.pending_submit, label=f"pending-submit:{account_id}:{old_hex}"
            )
            conversation.pending_submit = CHANNEL_KEY.seal(
                pending, label=f"pending-submit:{account_id}:{new_lookup.hex()}"
            )
        conversation.sender_lookup = new_lookup
        conversation.save(update_fields=["sender", "state", "pending_submit", "sender_lookup"])
        counts["conversations"] += 1
    for row in PendingMedia.objects.select_for_update().order_by("pk"):
        row.ref = CHANNEL_KEY.reseal(old, row.ref, label=f"media-ref:{row.pk}")
        row.content = CHANNEL_KEY.reseal(old, row.content, label=f"media:{row.pk}")
        row.report_key = CHANNEL_KEY.reseal(old, row.report_key, label=f"media-report-key:{row.pk}")
        row.save(update_fields=["ref", "content", "report_key"])
        counts["media"] += 1
    for message in OutboundMessage.objects.select_for_update().order_by("pk"):
        account_id = message.account_id
        message.recipient = CHANNEL_KEY.reseal(
            old, message.recipient, label=f"outbox-to:{account_id}"
        )
        message.text = CHANNEL_KEY.reseal(old, message.text, label=f"outbox-text:{account_id}")
        message.thread = CHANNEL_KEY.reseal(
            old, message.thread, label=f"outbox-thread:{account_id}"
        )
        message.save(update_fields=["recipient", "text", "thread"])
        counts["outbox"] += 1
    counts["dropped_hashes"] = (
        InboundMessage.objects.all().delete()[0] + SignedQuery.objects.all().delete()[0]
    )
    return counts
