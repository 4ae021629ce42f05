"""Channel secrets move under the vault's sub-keys of CHANNELS_KEY.

Until now the channels derived their own sub-keys of CHANNELS_KEY; the vault
(``tipoff.lib.vault.KeptKey``) now derives every app's keys the same way.
CHANNELS_KEY is in the environment when migrations run, so every sealed value
is opened with the old derivation and sealed again with the new one, and
each conversation's sender lookup is recomputed from its (decrypted) sender.
Delivery and signed-query records hold only hashes that cannot be recomputed;
they only matter for minutes (retries) and are dropped.
"""

import hashlib

from django.conf import settings
from django.db import migrations

from tipoff.lib import crypto
from tipoff.lib.vault import KeptKey

NEW = KeptKey("CHANNELS_KEY", "channels")


def _old_key(purpose: str) -> bytes:
    master = hashlib.blake2b(
        settings.CHANNELS_KEY.encode(), person=b"tipoff-chan-mstr", digest_size=32
    ).digest()
    return crypto.keyed_hash(master, purpose.encode(), person=b"tipoff-chan-sub")


def _old_open(blob, label: str) -> bytes:
    return crypto.decrypt(_old_key("data"), bytes(blob), label=label)


def _old_lookup(account_id: int, value: str) -> bytes:
    return crypto.keyed_hash(
        _old_key("lookup"), f"{account_id}\x00{value}".encode(), person=b"tipoff-chan-look"
    )


def _reseal(blob, label: str) -> bytes | None:
    if not blob:
        return blob
    return NEW.seal(_old_open(blob, label), label=label)


def forwards(apps, schema_editor):
    if not settings.CHANNELS_KEY:
        return
    ChannelAccount = apps.get_model("channels", "ChannelAccount")
    Conversation = apps.get_model("channels", "Conversation")
    PendingMedia = apps.get_model("channels", "PendingMedia")
    OutboundMessage = apps.get_model("channels", "OutboundMessage")
    apps.get_model("channels", "InboundMessage").objects.all().delete()
    apps.get_model("channels", "SignedQuery").objects.all().delete()
    for account in ChannelAccount.objects.all():
        account.credentials = _reseal(
            account.credentials, f"channel-credentials:{account.public_id}"
        )
        account.save(update_fields=["credentials"])
    for conversation in Conversation.objects.all():
        account_id = conversation.account_id
        sender = _old_open(conversation.sender, f"sender:{account_id}").decode()
        old_hex = bytes(conversation.sender_lookup).hex()
        new_lookup = NEW.lookup(account_id, sender)
        conversation.sender = NEW.seal(sender.encode(), label=f"sender:{account_id}")
        if conversation.state:
            state = _old_open(conversation.state, f"conversation:{account_id}:{old_hex}")
            conversation.state = NEW.seal(
                state, label=f"conversation:{account_id}:{new_lookup.hex()}"
            )
        if conversation.pending_submit:
            pending = _old_open(conversation.pending_submit, f"pending-submit:{account_id}:{old_hex}")
            conversation.pending_submit = NEW.seal(
                pending, label=f"pending-submit:{account_id}:{new_lookup.hex()}"
            )
        conversation.sender_lookup = new_lookup
        conversation.save(update_fields=["sender", "state", "pending_submit", "sender_lookup"])
    for row in PendingMedia.objects.all():
        row.ref = _reseal(row.ref, f"media-ref:{row.pk}")
        row.content = _reseal(row.content, f"media:{row.pk}")
        row.report_key = _reseal(row.report_key, f"media-report-key:{row.pk}")
        row.save(update_fields=["ref", "content", "report_key"])
    for row in OutboundMessage.objects.all():
        row.recipient = _reseal(row.recipient, f"outbox-to:{row.account_id}")
        row.text = _reseal(row.text, f"outbox-text:{row.account_id}")
        row.thread = _reseal(row.thread, f"outbox-thread:{row.account_id}")
        row.save(update_fields=["recipient", "text", "thread"])


class Migration(migrations.Migration):
    dependencies = [("channels", "0004_pending_submission")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

