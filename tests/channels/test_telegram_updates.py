"""Telegram updates as the Bot API sends them: ``from.language_code`` and ``edited_message``
(issue 14 item 7), and a photo whose caption tells the story."""

from __future__ import annotations

from typing import Any

import pytest
from drivers import TelegramDriver, receipt_in

from tipoff.channels.models import Conversation
from tipoff.reports.models import Report

FIRST = "The clerk asked me for money to process the permit, 500 yuan in cash."
CORRECTED = "The clerk asked me for 5,000 yuan in cash to process the building permit."


@pytest.mark.django_db
def test_the_apps_language_is_used_when_the_text_does_not_tell(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    telegram.language_code = "en-GB"
    assert "Make a report" in telegram.say("/start")  # a command says nothing of the language
    assert "kind of misconduct" in telegram.say("1")


@pytest.mark.django_db
def test_a_chinese_chat_follows_a_reporter_who_writes_english(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    telegram.language_code = "zh-hans"
    assert "举报类别" in telegram.say("你好，我要举报")
    telegram.language_code = "en"  # the reporter's app is English, and so is what they write
    reply = telegram.say("Sorry, I do not read Chinese well")
    assert "answer with one of the numbers" in reply
    assert Conversation.objects.get().language == "en"


@pytest.mark.django_db
def test_an_edited_message_corrects_the_answer_it_gave(
    client: Any, body: Any, content_of: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    for text in ("1", "1", "skip", "skip", "skip", "skip"):
        telegram.say(text)
    telegram.say(FIRST)
    described = telegram.last_message_id
    telegram.say("done")
    review = telegram.say("1")
    assert "500 yuan" in review
    corrected = telegram.edit(described, CORRECTED)
    assert "Corrected: What happened" in corrected and CORRECTED in corrected
    receipt_in(telegram.say("confirm"))
    assert content_of(Report.objects.get()).what == CORRECTED


@pytest.mark.django_db
def test_an_edit_that_cannot_apply_is_explained(client: Any, body: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    telegram.say("hello")
    greeting = telegram.last_message_id
    assert "new message" in telegram.edit(greeting, "hello again")
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_photo_whose_caption_tells_the_story_starts_the_report(
    client: Any,
    body: Any,
    null_client: Any,
    jpeg: bytes,
    content_of: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    telegram = TelegramDriver(client, body.body)
    null_client.media["PHOTO-CAR"] = jpeg
    sizes = [
        {
            "file_id": "PHOTO-CAR",
            "file_unique_id": "u1",
            "file_size": len(jpeg),
            "width": 64,
            "height": 48,
        }
    ]
    caption = "This official car is used every weekend to take the director's family shopping."
    with django_capture_on_commit_callbacks(execute=True):
        reply = telegram.text_of(telegram.update({"photo": sizes, "caption": caption}))
    assert "File received (1 so far)" in reply and "kept as the description" in reply
    for text in ("5", "skip", "skip", "skip", "skip", "粤B12345", "skip", "done", "1"):
        telegram.say(text)
    receipt_in(telegram.say("confirm"))
    report = Report.objects.get()
    assert content_of(report).what == caption and report.evidence.count() == 1


@pytest.mark.django_db
def test_a_caption_sent_while_answering_the_inspectors_reaches_them(
    client: Any, body: Any, inspector_says: Any, thread_of: Any
) -> None:
    """Files go through the website after a status lookup, but the caption is a written answer."""
    telegram = TelegramDriver(client, body.body)
    for text in ("1", "1", "skip", "skip", "skip", "skip", FIRST, "done", "1"):
        telegram.say(text)
    code = receipt_in(telegram.say("confirm"))
    report = Report.objects.get()
    inspector_says(report, "Who was the clerk?")
    assert "Who was the clerk?" in telegram.say(f"status {code}")
    sizes = [{"file_id": "PHOTO-DESK", "file_size": 2000, "width": 800, "height": 600}]
    caption = "The clerk at window 3, Wang Hua; this is his desk."
    reply = telegram.text_of(telegram.update({"photo": sizes, "caption": caption}))
    assert "on the website" in reply and "passed to the inspectors" in reply
    assert thread_of(report)[-1] == ("reporter", caption)


@pytest.mark.django_db
def test_the_first_story_and_a_caption_can_be_corrected(
    client: Any, body: Any, null_client: Any, jpeg: bytes, content_of: Any
) -> None:
    telegram = TelegramDriver(client, body.body)
    assert "kept as the description" in telegram.say(FIRST)  # the story starts the report
    story = telegram.last_message_id
    corrected = telegram.edit(story, CORRECTED)
    assert "Corrected: What happened" in corrected
    for text in ("1", "1", "skip", "skip", "skip"):
        telegram.say(text)
    null_client.media["PHOTO-DESK"] = jpeg
    sizes = [{"file_id": "PHOTO-DESK", "file_size": len(jpeg), "width": 64, "height": 48}]
    caption = "The receipt he wrote for the money."
    reply = telegram.text_of(telegram.update({"photo": sizes, "caption": caption}))
    assert "added to the description" in reply
    photo = telegram.last_message_id
    assert "Corrected: What happened" in telegram.edit(photo, "The receipt he wrote.")
    telegram.say("done")
    telegram.say("1")  # anonymous
    receipt_in(telegram.say("confirm"))
    assert "The receipt he wrote." in content_of(Report.objects.get()).what


@pytest.mark.django_db
def test_correcting_a_refused_answer_moves_on(client: Any, body: Any, content_of: Any) -> None:
    telegram = TelegramDriver(client, body.body)
    for text in ("1", "1", "skip", "skip", "skip", "skip"):
        telegram.say(text)
    refused = telegram.say("money")  # too short for what happened
    assert "What happened" in refused or "what happened" in refused
    corrected = telegram.edit(telegram.last_message_id, CORRECTED)
    assert "Corrected: What happened" in corrected and "photos, documents" in corrected
    telegram.say("done")
    telegram.say("1")  # anonymous
    receipt_in(telegram.say("confirm"))
    assert content_of(Report.objects.get()).what == CORRECTED
