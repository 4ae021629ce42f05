"""A complete report, a status query and a reply to an inspector, in every webhook channel."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import receipt_in
from drivers import TelegramDriver, TwilioDriver, WeChatDriver, WeiboDriver

from tipoff.channels.models import Conversation
from tipoff.reports.models import Author, Report

MAKERS = {
    "wechat-plain": lambda c, b: WeChatDriver(c, b, safe=False),
    "wechat-safe": lambda c, b: WeChatDriver(c, b, safe=True),
    "weibo": WeiboDriver,
    "telegram": TelegramDriver,
    "sms": lambda c, b: TwilioDriver(c, b, kind="sms"),
    "whatsapp": lambda c, b: TwilioDriver(c, b, kind="whatsapp"),
}


@pytest.fixture(params=list(MAKERS))
def driver(request: Any, client: Any, body: Any, settings: Any) -> Any:
    settings.SITE_URL = TwilioDriver.SITE
    return MAKERS[request.param](client, body.body)


@pytest.mark.django_db
def test_english_report_with_photo_status_and_reply(
    driver: Any,
    null_client: Any,
    jpeg: bytes,
    django_capture_on_commit_callbacks: Any,
    inspector_says: Any,
    thread_of: Any,
) -> None:
    ref = (
        f"https://media.example/{driver.kind}/photo-1"
        if driver.kind in ("sms", "whatsapp")
        else "PHOTO-1"
    )
    null_client.media[ref] = jpeg
    assert "1." in driver.say("hello")
    assert "1." in driver.say("1")  # make a report: categories
    assert driver.say("5")  # misuse of official cars: units
    assert driver.say("Municipal Transport Bureau")
    assert driver.say("Li Si, deputy director")
    assert driver.say("yesterday")
    assert "22.5" in driver.location(22.543096, 114.057865)
    assert driver.say("He drove the official car to his son's wedding in another city.")
    assert driver.say("粤B12345")  # the plate (not essential: "skip" would do)
    assert driver.say("Outside the Grand Hotel")  # where the car was seen
    with django_capture_on_commit_callbacks(execute=True):
        assert "1" in driver.photo(ref)
    assert driver.say("done")
    assert driver.say("2")  # named
    assert driver.say("Zhang San")
    contact = driver.say("not a phone")
    assert "phone" in contact.lower()
    review = driver.say("+86 138 0013 8000")
    assert "Li Si" in review and "Zhang San" in review and "粤B12345" in review
    with django_capture_on_commit_callbacks(execute=True):
        final = driver.say("confirm")
    code = receipt_in(final)
    report = Report.objects.get()
    assert report.channel == driver.kind and report.is_named and report.language == "en"
    assert report.evidence.count() == 1
    assert not Conversation.objects.exists()

    inspector_says(report, "Can you tell us the date of the wedding?")
    status = driver.say(f"status {code}")
    assert "Can you tell us the date of the wedding?" in status
    assert "Received" in status or "received" in status
    assert "passed" in driver.say("It was on Saturday the 3rd.")
    driver.say("done")
    assert thread_of(report)[-1] == (Author.REPORTER, "It was on Saturday the 3rd.")


@pytest.mark.django_db
def test_chinese_is_detected_and_commands_work_in_chinese(driver: Any) -> None:
    welcome = driver.say("你好")
    assert "我要举报" in welcome
    assert "举报类别" in driver.say("举报")
    assert "单位" in driver.say("1")
    assert "已取消" in driver.say("取消")
    assert not Conversation.objects.exists()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_team_directory_in_any_channel(driver: Any, body: Any) -> None:
    from tipoff.people.selectors import teams_directory

    team = teams_directory(body.body).first()
    assert team is not None
    directory = driver.say("teams")
    assert team.phone in directory
    assert team.hours_en and team.hours_en in directory  # the opening hours (issue 12)
