"""Conversation bookkeeping: late replies, expiry and purging, forgetting, what is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from drivers import TelegramDriver, WeChatDriver, receipt_in

from tipoff.channels.clients import ChannelError
from tipoff.channels.models import Conversation, InboundMessage, OutboundMessage
from tipoff.channels.outbox import split_reply
from tipoff.channels.services import channels_purge


@pytest.mark.django_db
def test_a_slow_turn_answers_success_and_replies_through_the_api(
    client: Any, body: Any, settings: Any, null_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wechat = WeChatDriver(client, body.body, safe=True)
    settings.CHANNELS_REPLY_BUDGET_SECONDS = 0  # every turn counts as too slow
    with django_capture_on_commit_callbacks(execute=True):
        assert wechat.say("你好") == ""  # "success"
    sent = [text for kind, to, text in null_client.sent if to == wechat.sender]
    assert sent and "1." in sent[0]
    assert not OutboundMessage.objects.exists()  # deleted once delivered


@pytest.mark.django_db
def test_a_receipt_sent_late_is_not_kept_once_delivered(
    client: Any, body: Any, settings: Any, null_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    for text in (
        "1",
        "1",
        "skip",
        "skip",
        "skip",
        "skip",
        "A clerk demanded a fee that does not exist.",
        "done",
        "1",
    ):
        telegram.say(text)
    settings.CHANNELS_REPLY_BUDGET_SECONDS = 0
    null_client.media[f"send:{telegram.sender}"] = ChannelError("network down")
    with django_capture_on_commit_callbacks(execute=True):
        assert telegram.say("confirm") == ""
    # Delivery failed every time: after the last attempt the receipt is gone, not kept.
    assert not OutboundMessage.objects.exists()
    del null_client.media[f"send:{telegram.sender}"]


@pytest.mark.django_db
def test_long_replies_are_split_and_the_rest_follows(
    client: Any, body: Any, null_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wechat = WeChatDriver(client, body.body, safe=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = wechat.say("监督检查室")
    assert len(first.encode()) <= 2000
    rest = [text for kind, to, text in null_client.sent if to == wechat.sender]
    assert "".join([first, *rest]).count("\n") > 5


def test_split_reply_respects_the_limit() -> None:
    text = "\n\n".join(["甲" * 500, "乙" * 10, "丙" * 2000])
    parts = split_reply(text, limit_bytes=900)
    assert all(len(p.encode()) <= 900 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


@pytest.mark.django_db
def test_silence_for_a_day_deletes_the_draft(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        telegram.say("1")
        telegram.say("1")
        assert Conversation.objects.count() == 1
    with time_machine.travel(dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC), tick=False):
        telegram.say("hello")  # hours later, the draft is still there
        assert Conversation.objects.get().step == "unit"
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        assert channels_purge()["conversations"] == 1
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        assert channels_purge()["inbound"] == 3
        assert not Conversation.objects.exists() and not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_an_expired_conversation_says_so(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        telegram.say("1")
        telegram.say("1")
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        assert "24 hours" in telegram.say("hello")


@pytest.mark.django_db
def test_unsubscribing_forgets_the_reporter(client: Any, body: Any) -> None:
    wechat = WeChatDriver(client, body.body, safe=False)
    wechat.say("1")
    assert Conversation.objects.exists()
    assert wechat.sim.reply_text(wechat.sim.send("event", Event="unsubscribe")) == ""
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_nothing_identifying_is_stored_in_clear(client: Any, body: Any, settings: Any) -> None:
    """Draft text and the OpenID must not appear anywhere in the database."""
    wechat = WeChatDriver(client, body.body, safe=False)
    for text in ("1", "1", "skip", "独一无二的官员名字，局长"):
        wechat.say(text)
    needles = [wechat.sender, "独一无二的官员名字"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                blob = b"".join(
                    bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row
                )
                for needle in needles:
                    assert needle.encode() not in blob, (table, needle)


@pytest.mark.django_db
def test_receipt_guessing_is_rate_limited(client: Any, body: Any, settings: Any) -> None:
    settings.RATE_LIMITS_ENABLED = True
    settings.RECEIPT_ATTEMPTS_PER_CLIENT = 3
    telegram = TelegramDriver(client, body.body)
    answers = [telegram.say("status " + "1" * 20) for _ in range(5)]
    assert "Too many attempts" in answers[-1]


@pytest.mark.django_db
def test_cancel_and_language_switch(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    telegram.say("1")
    assert telegram.say("中文")
    assert Conversation.objects.get().language == "zh-hans"
    telegram.say("English")
    assert Conversation.objects.get().language == "en"
    assert "deleted" in telegram.say("cancel")
    assert not Conversation.objects.exists()
    receipt = receipt_in("1234 5678 9012 3456 7890")
    assert receipt == "12345678901234567890"


@pytest.mark.django_db
def test_files_during_a_follow_up_point_to_the_website(client: Any, body: Any, submit: Any) -> None:
    code = submit().receipt
    telegram = TelegramDriver(client, body.body)
    telegram.say("English")
    assert "inspectors" in telegram.say(f"status {code}")
    assert "website" in telegram.photo("PHOTO-X")
    assert not Conversation.objects.get().media.exists()
