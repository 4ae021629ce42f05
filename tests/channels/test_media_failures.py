"""Media that cannot be fetched never holds the reporter hostage, and failures are visible
(issue 14 item 6): the report goes in at once with what arrived, the receipt says which
files are missing or still coming, each failed attempt is logged without identifiers and
ends its task FAILED, and the staff find a note on the case."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django_tasks.signals import task_finished
from drivers import WeChatDriver, receipt_in
from fake_apis import WECHAT_SECRET

from tipoff.cases.models import CaseEvent
from tipoff.channels.models import Conversation, PendingMedia
from tipoff.channels.tasks import fetch_media
from tipoff.reports.models import Author, Report

STORY = "局长让司机每天开公车接送他的孩子上下学，已经持续半年多了。"


@pytest.fixture
def fetch_results() -> Iterator[list[str]]:
    seen: list[str] = []

    def _record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.name == "fetch_media":
            seen.append(str(task_result.status))

    task_finished.connect(_record)
    yield seen
    task_finished.disconnect(_record)


def _to_review(wechat: WeChatDriver, photo: Any) -> None:
    wechat.say(STORY)  # a story first: kept as the description
    wechat.say("5")  # official cars
    for text in ("跳过", "跳过", "跳过", "跳过", "粤B12345", "跳过"):
        wechat.say(text)
    photo()
    wechat.say("完成")
    wechat.say("1")  # anonymous → review


@pytest.mark.django_db
def test_unreachable_media_api_the_report_goes_in_at_once_and_says_so(
    client: Any,
    body: Any,
    apis: Any,
    jpeg: bytes,
    caplog: Any,
    fetch_results: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat = WeChatDriver(client, body.body, safe=True, app_secret=WECHAT_SECRET)
    apis.down = 502  # the API (a proxy, or api.weixin.qq.com) answers with errors

    def photo() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert "已收到文件" in wechat.photo("MEDIA-UNREACHABLE")

    with caplog.at_level(logging.WARNING, logger="tipoff.channels.media"):
        _to_review(wechat, photo)
        final = wechat.say("确认")  # answered at once: no waiting for retries
    receipt_in(final)
    assert "未能附入您的举报" in final and "照片" in final
    report = Report.objects.get()
    assert report.evidence.count() == 0
    # The staff see why on the case; the note names the channel, never the reporter.
    note = CaseEvent.objects.get(case=report.case, action="files_not_received")
    assert note.actor is None and "微信" in note.reason and "WeChat" in note.reason
    assert wechat.sender not in note.reason
    # Every attempt failed visibly: FAILED tasks and log lines without identifiers.
    assert fetch_results == ["FAILED"] * 4
    attempts = [r for r in caplog.records if "fetch attempt" in r.getMessage()]
    assert len(attempts) == 4 and any("given up" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert wechat.sender not in record.getMessage()
        assert "MEDIA-UNREACHABLE" not in record.getMessage()
    assert not PendingMedia.objects.exists() and not Conversation.objects.exists()


@pytest.mark.django_db
def test_a_file_still_being_fetched_joins_the_report_when_it_arrives(
    client: Any,
    body: Any,
    apis: Any,
    jpeg: bytes,
    thread_of: Any,
    fetch_results: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat = WeChatDriver(client, body.body, safe=True, app_secret=WECHAT_SECRET)
    apis.media["MEDIA-SLOW"] = jpeg
    # The worker has not reached the fetch yet (its task is not run).
    _to_review(wechat, lambda: wechat.photo("MEDIA-SLOW"))
    final = wechat.say("确认")
    receipt_in(final)
    assert "仍在获取中" in final
    report = Report.objects.get()
    assert report.evidence.count() == 0
    row = PendingMedia.objects.get()
    assert row.report_id == report.pk

    with django_capture_on_commit_callbacks(execute=True):
        fetch_media.enqueue(row.pk)
    assert fetch_results == ["SUCCESSFUL"]
    assert report.evidence.count() == 1
    assert [author for author, _text in thread_of(report)] == [Author.REPORTER]
    assert any("已附入您的举报" in text for text in apis.texts("wechat"))
    assert not PendingMedia.objects.exists() and not Conversation.objects.exists()


@pytest.mark.django_db
def test_a_file_still_being_fetched_that_never_arrives_is_noted_on_the_case(
    client: Any,
    body: Any,
    apis: Any,
    fetch_results: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat = WeChatDriver(client, body.body, safe=True, app_secret=WECHAT_SECRET)
    _to_review(wechat, lambda: wechat.photo("MEDIA-EXPIRED"))  # WeChat keeps media 3 days
    receipt_in(wechat.say("确认"))
    report = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        fetch_media.enqueue(PendingMedia.objects.get().pk)
    assert fetch_results == ["FAILED"] * 4
    assert CaseEvent.objects.filter(case=report.case, action="files_not_received").exists()
    told = [t for t in apis.texts("wechat") if "无法附入您的举报" in t]
    assert told and "网站" in told[0]
    assert report.evidence.count() == 0
    assert not PendingMedia.objects.exists()
