"""A report confirmed in a chat survives a crash between the turn and its filing.

The turn commits the confirmation with the receipt it drew; the report is filed
just after. A crash in between (simulated: filing raises) must neither lose the
report nor file it twice: the reporter's next message, or the periodic job,
files it and sends the receipt.
"""

from __future__ import annotations

from typing import Any

import pytest
from drivers import TelegramDriver, receipt_in

from tipoff.channels import services, submissions
from tipoff.channels.models import Conversation, OutboundMessage
from tipoff.channels.outbox import outbox_open
from tipoff.reports.models import Report
from tipoff.reports.services import reporter_open

STORY = ["1", "1", "skip", "skip", "skip", "skip", "A clerk demanded a fee that does not exist."]


def _up_to_confirm(telegram: TelegramDriver) -> None:
    for text in [*STORY, "done", "1"]:
        telegram.say(text)


def _crash_after_the_turn(monkeypatch: Any) -> None:
    def crash(*, conversation_id: int) -> None:
        raise ConnectionError("the process died here")

    monkeypatch.setattr(services, "submission_finish", crash)


@pytest.mark.django_db(transaction=True)
def test_the_next_message_files_the_report_and_gives_the_receipt(
    client: Any, body: Any, monkeypatch: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    _up_to_confirm(telegram)
    _crash_after_the_turn(monkeypatch)
    with pytest.raises(ConnectionError):
        telegram.say("confirm")
    assert not Report.objects.exists()
    assert Conversation.objects.get().submitting
    monkeypatch.undo()
    answer = telegram.say("hello")
    receipt = receipt_in(answer)
    assert receipt and Report.objects.count() == 1
    assert reporter_open(code=receipt).report == Report.objects.get()
    assert not Conversation.objects.filter(submitting=True).exists()
    assert telegram.say("hello again")  # and nothing is filed twice
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_files_it_and_sends_the_receipt(
    client: Any, body: Any, monkeypatch: Any, null_client: Any
) -> None:
    import datetime as dt

    import time_machine

    telegram = TelegramDriver(client, body.body)
    _up_to_confirm(telegram)
    _crash_after_the_turn(monkeypatch)
    with pytest.raises(ConnectionError):
        telegram.say("confirm")
    monkeypatch.undo()
    assert submissions.submissions_finish_overdue() == 0  # too recent: the turn may still run
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)):
        assert submissions.submissions_finish_overdue() == 1
    assert Report.objects.count() == 1
    sent = [text for _kind, to, text in null_client.sent if to == telegram.sender]
    sent += [outbox_open(row)[1] for row in OutboundMessage.objects.all()]
    assert any(receipt_in(text) for text in sent)


@pytest.mark.django_db(transaction=True)
def test_a_report_filed_before_the_crash_is_picked_up_not_filed_again(
    client: Any, body: Any, monkeypatch: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    _up_to_confirm(telegram)
    real_finish = submissions.submission_finish

    def filed_then_crash(*, conversation_id: int) -> None:
        # The report is committed; the process dies before the conversation is cleared.
        conversation = Conversation.objects.get(pk=conversation_id)
        payload = submissions.CHANNEL_KEY.unseal_json(
            conversation.pending_submit, label=submissions._label(conversation)
        )
        submissions.report_submit(
            data=submissions.report_input(
                conversation=conversation,
                draft=payload["draft"],
                language=payload["language"],
                files=[],
            ),
            receipt=payload["receipt"],
        )
        raise ConnectionError("died after the commit")

    monkeypatch.setattr(services, "submission_finish", filed_then_crash)
    with pytest.raises(ConnectionError):
        telegram.say("confirm")
    monkeypatch.setattr(services, "submission_finish", real_finish)
    assert Report.objects.count() == 1
    receipt = receipt_in(telegram.say("hello"))
    assert receipt and Report.objects.count() == 1
    assert reporter_open(code=receipt).report == Report.objects.get()


@pytest.mark.django_db(transaction=True)
def test_the_services_retry_of_the_confirmation_gives_the_receipt(
    client: Any, body: Any, monkeypatch: Any
) -> None:
    """The crash fails the delivery, so the service sends the same update again: that retry
    is a duplicate, but it is also a chance to give the receipt. A retry at once may race
    the first delivery still answering, so it only files the report once the turn is older
    than the overdue job's wait (until then, that job is the safety net)."""
    import datetime as dt

    import time_machine

    telegram = TelegramDriver(client, body.body)
    _up_to_confirm(telegram)
    _crash_after_the_turn(monkeypatch)
    with pytest.raises(ConnectionError):
        telegram.update({"text": "confirm"}, update_id=777001)
    monkeypatch.undo()
    assert telegram.text_of(telegram.update({"text": "confirm"}, update_id=777001)) == ""
    assert not Report.objects.exists()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
        answer = telegram.text_of(telegram.update({"text": "confirm"}, update_id=777001))
    receipt = receipt_in(answer)
    assert receipt and Report.objects.count() == 1
    assert reporter_open(code=receipt).report == Report.objects.get()
    # A further retry of that update is only a duplicate now.
    assert telegram.text_of(telegram.update({"text": "confirm"}, update_id=777001)) == ""
    assert Report.objects.count() == 1
