"""E-mail as real clients send it (issue 14 items 1 and 2): charsets, quotes, signatures,
HTML-only mail — one sample per client in mail_samples/ (see its README)."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from tipoff.channels.email import reading

SAMPLES = Path(__file__).parent / "mail_samples"
ANSWERS = {
    "iphone_zh.eml": "5",
    "outlook_zh_gb2312.eml": "陈喆，科长",
    "netease_163_gbk.eml": "确认",
    "qq_mail_gb18030.eml": "粤B12345",
    "sina_html_only_gbk.eml": "跳过",
    "gmail_en.eml": "yesterday",
    "thunderbird_flowed.eml": "Outside the city hall, in the car park next to the east gate.",
    "qq_first_report_with_photo.eml": (
        "您好：\n\n我要举报市交通运输局王局长。上周六（5月4日）他让司机开公车（粤B12345）"
        "送家人去外地参加婚礼，照片是我在酒店门口拍的。\n\n一个知情群众"
    ),
}


def _sample(name: str) -> email.message.Message:
    return email.message_from_bytes((SAMPLES / name).read_bytes())


def test_every_sample_has_an_expected_answer() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.eml")) == sorted(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_answer_in_each_clients_mail(name: str) -> None:
    assert reading.message_text(_sample(name)) == ANSWERS[name]


WITH_HTML = [
    "outlook_zh_gb2312.eml",
    "netease_163_gbk.eml",
    "qq_mail_gb18030.eml",
    "gmail_en.eml",
    "qq_first_report_with_photo.eml",
]


@pytest.mark.parametrize("name", WITH_HTML)
def test_the_html_part_alone_gives_the_same_answer(name: str) -> None:
    _plain, html = reading.bodies(_sample(name))
    assert html
    assert reading.reply_text(reading.html_text(html)) == ANSWERS[name]


def test_gbk_labelled_gb2312_keeps_every_character() -> None:
    message = _sample("outlook_zh_gb2312.eml")
    assert reading.header_text(message["From"]).startswith("陈喆")
    assert reading.charset_codec("GB2312") == "gb18030"
    assert reading.charset_codec('"gbk"') == "gb18030"
    assert reading.charset_codec("x-unknown-charset") == "utf-8"
    assert reading.decode_text("陈喆".encode("gbk"), "gb2312") == "陈喆"


def test_subjects_without_reply_prefixes() -> None:
    ours = "举报回复 / Your report"
    assert reading.subject_text("回复：举报回复 / Your report", ours=ours) == ""
    assert reading.subject_text("Re: RE: 答复: 举报回复 / Your report", ours=ours) == ""
    first = _sample("qq_first_report_with_photo.eml")
    subject = reading.header_text(first["Subject"])
    assert reading.subject_text(subject, ours=ours) == "举报市交通运输局王局长公车私用"


@pytest.mark.parametrize(
    "signature",
    [
        "发自我的iPhone",
        "发自我的 iPad",
        "发自我的华为手机",
        "从我的 iPhone 发送",
        "发自网易邮箱大师",
        "发自 Outlook for iOS",
        "获取 Outlook for Android",
        "Sent from my iPhone",
        "Get Outlook for iOS",
        "-- \nZhang San\n13800138000",
    ],
)
def test_client_sign_offs_are_cut(signature: str) -> None:
    assert reading.reply_text(f"确认\n\n{signature}\n") == "确认"


def test_a_story_quoting_a_document_is_kept_whole() -> None:
    story = (
        "局长在2023年的工作总结中写道：\n“本年度无公务接待超标情况”。\n"
        "实际上他每周都在酒店宴请。On the expense form he wrote:\n“office supplies”."
    )
    assert reading.reply_text(story) == story


def test_a_story_with_lists_and_dashes_is_kept_whole() -> None:
    story = (
        "He took money three times:\n- 1 May, 2,000 yuan\n- 8 May, 3,000 yuan\n\n"
        "Thanks, I hope you look into it.\nThe clerk saw it too."
    )
    assert reading.reply_text(story) == story
