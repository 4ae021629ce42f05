"""Two messages from a sender never seen before, handled at the same moment (issue 9).

The first delivery's transaction has made the sender's conversation but not yet
committed when the second arrives. On PostgreSQL the second insert waits on the
unique index and then fails; it must continue from the first one's row and give
a normal answer, not a 500. (On SQLite the second waits for the write lock.)
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from tipoff.channels.accounts import account_create
from tipoff.channels.conversation.engine import Incoming
from tipoff.channels.models import Conversation
from tipoff.channels.services import Turn, conversation_handle


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_both_get_an_answer(body: Any) -> None:
    account, _ = account_create(body=body.body, kind="telegram", credentials={"bot_token": "1:A"})
    made, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = conversation_handle(
                    account=account,
                    sender="424242",
                    incoming=Incoming(text="你好"),
                    dedupe_key="u1",
                )
                made.set()
                release.wait(15)
        finally:
            made.set()
            connection.close()

    def second() -> None:
        made.wait(15)
        try:
            results["second"] = conversation_handle(
                account=account, sender="424242", incoming=Incoming(text="1"), dedupe_key="u2"
            )
        except Exception as exc:  # the test reports what went wrong
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    made.wait(15)
    time.sleep(0.5)  # let the second delivery reach the database and wait there
    release.set()
    for thread in threads:
        thread.join(30)
    assert isinstance(results["first"], Turn)
    second_turn = results["second"]
    assert isinstance(second_turn, Turn), second_turn
    assert second_turn.replies and "1." in second_turn.replies[-1]  # the category list
    conversation = Conversation.objects.get()
    assert conversation.step == "category"
