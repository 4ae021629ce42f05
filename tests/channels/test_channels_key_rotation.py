"""``manage.py key_rotate CHANNELS_KEY``: a new key, and every account and open chat keeps working."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from drivers import TelegramDriver

from tipoff.audit.models import AuditEvent
from tipoff.channels.accounts import credentials_of
from tipoff.channels.models import CHANNEL_KEY, ChannelAccount, Conversation, OutboundMessage
from tipoff.channels.outbox import outbox_open
from tipoff.lib.crypto import DecryptionError
from tipoff.reports.models import Report

NEW = "the-new-channels-key-0123456789abcdefghij"
STORY = ["1", "1", "skip", "skip", "skip", "skip"]


def _previous(tmp_path: Path, value: str) -> str:
    path = tmp_path / "previous"
    path.write_text(value + "\n")
    return str(path)


@pytest.mark.django_db(transaction=True)
def test_a_chat_half_told_goes_on_after_the_key_changes(
    client: Any, body: Any, settings: Any, tmp_path: Path
) -> None:
    telegram = TelegramDriver(client, body.body)
    for text in STORY:
        telegram.say(text)
    credentials = credentials_of(telegram.account)
    account_id = telegram.account.pk  # a reply still waiting to be sent, with its thread
    OutboundMessage.objects.create(
        account=telegram.account,
        recipient=CHANNEL_KEY.seal_text("chat-42", label=f"outbox-to:{account_id}"),
        text=CHANNEL_KEY.seal_text("later", label=f"outbox-text:{account_id}"),
        thread=CHANNEL_KEY.seal_json({"id": "<m@x>"}, label=f"outbox-thread:{account_id}"),
        created_at=timezone.now(),
    )
    old = settings.CHANNELS_KEY
    settings.CHANNELS_KEY = NEW
    with pytest.raises(DecryptionError):  # the new key alone opens nothing yet
        credentials_of(ChannelAccount.objects.get())
    call_command("key_rotate", "CHANNELS_KEY", previous_file=_previous(tmp_path, old))

    assert credentials_of(ChannelAccount.objects.get()) == credentials
    waiting = OutboundMessage.objects.get(thread__isnull=False)
    assert outbox_open(waiting) == ("chat-42", "later", {"id": "<m@x>"})
    conversation = Conversation.objects.get()
    telegram.say("A clerk demanded a fee that does not exist.")
    assert list(Conversation.objects.values_list("pk", flat=True)) == [conversation.pk]
    for text in ["done", "1", "confirm"]:
        answer = telegram.say(text)
    assert re.search(r"\d{4}(?: \d{4}){3,}", answer) and Report.objects.count() == 1
    event = AuditEvent.objects.get(action="server_key.rotated")
    assert event.object_id == "CHANNELS_KEY" and event.details["conversations"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_wrong_previous_value_changes_nothing(
    client: Any, body: Any, settings: Any, tmp_path: Path
) -> None:
    telegram = TelegramDriver(client, body.body)
    telegram.say("1")
    old = settings.CHANNELS_KEY
    before = bytes(ChannelAccount.objects.get().credentials)
    settings.CHANNELS_KEY = NEW
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("key_rotate", "CHANNELS_KEY", previous_file=_previous(tmp_path, "x" * 40))
    assert bytes(ChannelAccount.objects.get().credentials) == before
    assert not AuditEvent.objects.filter(action="server_key.rotated").exists()
    with pytest.raises(CommandError, match="previous value"):  # not rotated yet: same value
        call_command("key_rotate", "CHANNELS_KEY", previous_file=_previous(tmp_path, NEW))
    settings.CHANNELS_KEY = old
    assert credentials_of(ChannelAccount.objects.get())
