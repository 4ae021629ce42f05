"""A report forwarded to another body on the same deployment is still followed up
on the channel it came from: the reporter was told to keep using the same receipt."""

from __future__ import annotations

from typing import Any

import pytest
from drivers import TelegramDriver, WeChatDriver, receipt_in

from tipoff.cases.services import case_open
from tipoff.people.services import body_create, body_key_from_recovery
from tipoff.reports.models import Author, Report
from tipoff.reports.selectors import report_data_key, report_thread
from tipoff.reports.services import report_transfer

STORY = "The head of the permits office asked for 2,000 yuan to stamp my licence."


@pytest.mark.django_db
@pytest.mark.parametrize("make", [TelegramDriver, lambda c, b: WeChatDriver(c, b, safe=True)])
def test_forwarded_report_status_and_reply_on_the_original_channel(
    client: Any, body: Any, make: Any
) -> None:
    driver = make(client, body.body)
    for text in ("English", "1", "1", "skip", "skip", "skip", "skip", STORY, "done", "1"):
        driver.say(text)
    code = receipt_in(driver.say("confirm"))
    report = Report.objects.get()

    other = body_create(slug="nanhu", name_zh="南湖区纪委", name_en="Nanhu District Commission")
    other_key = body_key_from_recovery(body=other.body, recovery_key=other.recovery_key)
    report_transfer(
        report=report, body_private_key=body.private_key, to_case=case_open(body=other.body)
    )
    report.refresh_from_db()
    assert report.body_id == other.body.pk != driver.account.body_id

    status = driver.say(f"status {code}")
    assert "No report matches" not in status and "Status" in status
    assert "passed" in driver.say("I can also name the clerk who took the money.")
    driver.say("done")
    thread = report_thread(
        report=report, data_key=report_data_key(report=report, body_private_key=other_key)
    )
    assert (thread[-1].message.author, thread[-1].text) == (
        Author.REPORTER,
        "I can also name the clerk who took the money.",
    )
