"""WeChat pushes as real followers produce them: a voice message with speech recognition on
(issue 14 item 4), and two menu clicks within one second (item 5)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from drivers import WeChatDriver, receipt_in
from fake_apis import WECHAT_SECRET

from tipoff.reports.models import Report

TRANSCRIPT = "局长每天让司机开公车送他孩子上学，已经半年多了。"


def _voice(wechat: WeChatDriver, media_id: str, recognition: str) -> str:
    # As the official-account docs show a voice push with 语音识别 on: Format amr, the
    # transcript in Recognition, and a 16 kHz copy's id in MediaId16K.
    return wechat.sim.reply_text(
        wechat.sim.send(
            "voice",
            MediaId=media_id,
            Format="amr",
            Recognition=recognition,
            MediaId16K=f"{media_id}-16K",
        )
    )


@pytest.mark.django_db
def test_a_voice_message_is_read_by_its_transcript_and_kept_as_evidence(
    client: Any,
    body: Any,
    apis: Any,
    amr: bytes,
    content_of: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat = WeChatDriver(client, body.body, safe=True, app_secret=WECHAT_SECRET)
    apis.media["VOICE-1"] = amr
    for text in ("你好，我要举报", "5", "跳过", "张明 副局长", "昨天", "跳过"):
        wechat.say(text)  # now asked: what happened?
    with django_capture_on_commit_callbacks(execute=True):
        reply = _voice(wechat, "VOICE-1", TRANSCRIPT)
    assert "已收到文件" in reply and "车牌" in reply  # the description was taken: next question
    for text in ("粤B12345", "跳过", "完成"):
        wechat.say(text)
    review = wechat.say("1")
    assert TRANSCRIPT in review
    receipt_in(wechat.say("确认"))
    report = Report.objects.get()
    assert content_of(report).what == TRANSCRIPT
    (recording,) = report.evidence.all()
    assert recording.kind == "audio" and recording.media_type == "audio/amr"


@pytest.mark.django_db
def test_a_first_voice_message_telling_the_story_starts_the_report(
    client: Any, body: Any, content_of: Any
) -> None:
    wechat = WeChatDriver(client, body.body, safe=False)
    reply = _voice(wechat, "VOICE-2", "我要举报交通局张局长，" + TRANSCRIPT)
    assert "已收到文件" in reply and "保存" in reply and "1. 官僚主义" in reply


@pytest.mark.django_db
def test_two_menu_clicks_in_the_same_second_both_get_answers(client: Any, body: Any) -> None:
    wechat = WeChatDriver(client, body.body, safe=True)
    created = int(time.time())
    teams = wechat.sim.reply_text(
        wechat.sim.send("event", Event="CLICK", EventKey="teams", create_time=created)
    )
    report = wechat.sim.reply_text(
        wechat.sim.send("event", Event="CLICK", EventKey="report", create_time=created)
    )
    assert "监督检查室" in teams
    assert "1. 官僚主义" in report  # not swallowed as a retry of the first click
    retry = wechat.sim.reply_text(
        wechat.sim.send("event", Event="CLICK", EventKey="report", create_time=created)
    )
    assert retry == ""  # WeChat's own retry of the second click still is one
