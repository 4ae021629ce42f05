"""A first e-mail (not a reply) is a story, not a conversation: nothing in it is cut as a
quote. A story may quote what an official wrote, and a forwarded mail is the evidence."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tipoff.channels.email import reading


def _mail(body: str, *, subject: str = "举报", reply_to: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Reporter <whistle@example.org>"
    message["To"] = "jubao@commission.example"
    message["Subject"] = subject
    if reply_to:
        message["In-Reply-To"] = reply_to
    message.set_content(body)
    return message


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (
            "我举报住建局副局长张明。\n3月1日晚上9:30，张明在工作群里写道：\n“不给钱别想验收。”\n",
            "“不给钱别想验收。”",
        ),
        ('I report Li Wei.\nOn 3 March he wrote:\n"Bring 5,000 yuan."\n', '"Bring 5,000 yuan."'),
        (
            "请看下面这封邮件。\n\n---------- Forwarded message ---------\n"
            "From: 王科长 <wang@bureau.example>\nDate: 2026年3月1日周日 21:30\n"
            "Subject: 验收\nTo: <builder@example.com>\n\n不给钱别想验收。\n",
            "不给钱别想验收。",
        ),
        (
            "请看。\n\n------------------ 原始邮件 ------------------\n"
            '发件人: "王科长"<wang@bureau.example>;\n发送时间: 2026年3月1日(星期天) 晚上9:30\n'
            '收件人: "builder"<builder@example.com>;\n主题: 验收\n\n不给钱别想验收。\n',
            "不给钱别想验收。",
        ),
    ],
)
def test_a_first_mail_keeps_all_of_its_story(body: str, kept: str) -> None:
    text = reading.message_text(_mail(body), reply=False)
    assert kept in text and text.startswith(body.split("\n")[0])


def test_a_first_mail_still_loses_the_phones_sign_off() -> None:
    text = reading.message_text(
        _mail("我举报张明收受礼金两万元。\n\n发自我的iPhone\n"), reply=False
    )
    assert text == "我举报张明收受礼金两万元。"


def test_a_forwarded_mail_keeps_its_own_sign_off_lines_inside() -> None:
    body = (
        "转给你们。\n\n---------- Forwarded message ---------\nFrom: 王科长 <wang@b.example>\n"
        "Date: Sun, 1 Mar 2026 21:30\nSubject: 验收\n\n不给钱别想验收。\n\nSent from my iPhone\n\n"
        "后面还有：下周再说。\n第二段。\n第三段。\n第四段。\n第五段。\n"
    )
    text = reading.message_text(_mail(body, subject="Fwd: 验收"), reply=False)
    assert "下周再说" in text and "第五段" in text


def test_a_reply_is_still_cut_at_the_quote() -> None:
    body = '1\n\n在 2026-03-01 09:12:33，"纪委" <jubao@commission.example> 写道：\n> 请选择\n'
    assert reading.message_text(_mail(body, reply_to="<a@b>"), reply=True) == "1"
