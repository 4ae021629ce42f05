"""The e-mail channel against a real IMAP server (dovecot) and an SMTP sink, on loopback."""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from drivers import receipt_in
from imap_tools import MailBoxUnencrypted
from mailservers import Imap, SmtpSink, start_dovecot, start_smtp_sink

from tipoff.channels.accounts import account_create, credentials_of
from tipoff.channels.email.poller import mailbox_poll
from tipoff.channels.email.reading import reply_text
from tipoff.channels.models import Conversation
from tipoff.reports.models import Author, Report

REPORTER = "whistle@example.org"
SAMPLES = Path(__file__).parent / "mail_samples"
MAILBOX = "jubao@commission.example"


@pytest.fixture(scope="module")
def imap() -> Iterator[Imap]:
    yield from start_dovecot()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    yield from start_smtp_sink()


@pytest.fixture
def account(body: Any, imap: Imap, smtp: SmtpSink, settings: Any) -> Any:
    settings.CHANNELS_TRANSPORT = "http"  # the real SMTP client, against the sink
    with MailBoxUnencrypted(imap.host, imap.port).login(imap.user, imap.password) as box:
        uids = [m.uid for m in box.fetch(mark_seen=False) if m.uid]
        if uids:
            box.delete(uids)
    created, _ = account_create(
        body=body.body,
        kind="email",
        credentials={
            "address": MAILBOX,
            "imap_host": imap.host,
            "imap_port": str(imap.port),
            "imap_user": imap.user,
            "imap_password": imap.password,
            "imap_security": "none",
            "smtp_host": smtp.host,
            "smtp_port": str(smtp.port),
            "smtp_security": "none",
        },
    )
    return created


class Reporter:
    """Writes to the mailbox (IMAP APPEND, as delivery would) and reads answers from the sink."""

    def __init__(self, imap: Imap, smtp: SmtpSink, account: Any, capture: Any) -> None:
        self.imap, self.smtp, self.account, self.capture = imap, smtp, account, capture
        self.message_ids: list[str] = []

    def deliver(
        self,
        text: str,
        *,
        attachment: bytes | None = None,
        message_id: str | None = None,
        auto: bool = False,
        forged: bool = False,
    ) -> None:
        message = EmailMessage()
        if auto:
            message["Auto-Submitted"] = "auto-replied"
        if forged:
            message["Authentication-Results"] = "mx.commission.example; spf=fail; dmarc=fail"
        message["From"] = f"Reporter <{REPORTER}>"
        message["To"] = MAILBOX
        message["Subject"] = "Re: 举报回复 / Your report"
        message["Message-ID"] = message_id or make_msgid(domain="example.org")
        self.message_ids.append(message["Message-ID"])
        message.set_content(text + "\n\nOn Mon, the commission wrote:\n> earlier text\n")
        if attachment:
            message.add_attachment(
                attachment, maintype="image", subtype="jpeg", filename="photo.jpg"
            )
        with MailBoxUnencrypted(self.imap.host, self.imap.port).login(
            self.imap.user, self.imap.password
        ) as box:
            box.append(message.as_bytes(), "INBOX")

    def deliver_sample(self, name: str) -> None:
        """A sample as its client sent it, from this reporter's address (see mail_samples/)."""
        raw = (SAMPLES / name).read_bytes()
        sender = email.message_from_bytes(raw)["From"].rpartition("<")[2].rstrip(">").encode()
        with MailBoxUnencrypted(self.imap.host, self.imap.port).login(
            self.imap.user, self.imap.password
        ) as box:
            box.append(raw.replace(sender, REPORTER.encode()), "INBOX")

    def answers(self, deliver: Any) -> list[Any]:
        before = len(self.smtp.messages)
        deliver()
        with self.capture(execute=True):
            assert mailbox_poll(self.account) >= 1
        answers = self.smtp.to(REPORTER)[before:]
        assert answers, "no answer by e-mail"
        assert all(m["From"] == MAILBOX for m in answers)
        return answers

    def say(self, text: str, **kw: Any) -> str:
        answers = self.answers(lambda: self.deliver(text, **kw))
        return "\n\n".join(_body(m) for m in answers)

    def send_sample(self, name: str) -> str:
        answers = self.answers(lambda: self.deliver_sample(name))
        return "\n\n".join(_body(m) for m in answers)


def _body(message: Any) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode() if isinstance(payload, bytes) else str(payload)


@pytest.fixture
def reporter(
    imap: Imap, smtp: SmtpSink, account: Any, django_capture_on_commit_callbacks: Any
) -> Reporter:
    return Reporter(imap, smtp, account, django_capture_on_commit_callbacks)


def test_quoted_text_is_cut_off() -> None:
    assert reply_text("confirm\n\nOn Mon, 1 Jan 2024, X wrote:\n> older") == "confirm"
    assert reply_text("确认\n\n在 2024年1月1日，某某 写道：\n> 旧内容") == "确认"


@pytest.mark.django_db(transaction=True)
def test_report_by_email_status_and_reply(
    reporter: Reporter, body: Any, jpeg: bytes, inspector_says: Any, thread_of: Any
) -> None:
    assert "1. Bureaucratism" in reporter.say("Hello, I want to report something.")
    reporter.say("2")  # formalism
    reporter.say("skip")
    reporter.say("Zhao Liu, section chief")
    reporter.say("2024-03-15")
    reporter.say("City hall")
    reporter.say("Fake inspection records were written for a site visit that never happened.")
    assert "1" in reporter.say("Here is a photo of the record.", attachment=jpeg)
    reporter.say("done")
    review = reporter.say("1")
    assert "Official: Zhao Liu, section chief" in review
    final = reporter.say("confirm")
    code = receipt_in(final)  # the receipt goes back by e-mail, and only there
    report = Report.objects.get()
    assert report.channel == "email" and report.evidence.count() == 1
    assert not Conversation.objects.exists()

    inspector_says(report, "Who signed the records?")
    assert "Who signed the records?" in reporter.say(f"status {code}")
    assert "passed" in reporter.say("The deputy director signed them.")
    reporter.say("done")
    assert thread_of(report)[-1] == (Author.REPORTER, "The deputy director signed them.")


@pytest.mark.django_db(transaction=True)
def test_a_resent_message_is_read_once(reporter: Reporter, smtp: SmtpSink) -> None:
    reporter.deliver("hello", message_id="<same@example.org>")
    reporter.deliver("hello", message_id="<same@example.org>")
    assert mailbox_poll(reporter.account) == 2
    assert mailbox_poll(reporter.account) == 0  # nothing new: the UID cursor moved on
    assert len(smtp.to(REPORTER)) == 1


@pytest.mark.django_db(transaction=True)
def test_auto_replies_are_not_answered(reporter: Reporter, smtp: SmtpSink) -> None:
    reporter.deliver("I am out of office until Monday.", auto=True)
    assert mailbox_poll(reporter.account) == 1
    assert smtp.to(REPORTER) == []


@pytest.mark.django_db(transaction=True)
def test_mail_failing_dmarc_is_not_answered(reporter: Reporter, smtp: SmtpSink) -> None:
    reporter.deliver("1", forged=True)
    assert mailbox_poll(reporter.account) == 1
    assert smtp.to(REPORTER) == [] and not Conversation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_report_made_from_the_mail_clients_people_use(
    reporter: Reporter, smtp: SmtpSink, content_of: Any
) -> None:
    """A complete first mail (story, subject and photo) is kept and the rest asked; each answer
    comes from another client's real-style mail (issue 14 items 1-3 and 9)."""
    first = reporter.answers(lambda: reporter.deliver_sample("qq_first_report_with_photo.eml"))
    text = _body(first[0])
    assert "已作为举报内容保存" in text and "已收到文件" in text and "1. 官僚主义" in text
    # The answer joins the reporter's thread.
    assert first[0]["In-Reply-To"] == "<tencent_9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E09@qq.com>"
    assert "tencent_9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E09@qq.com" in first[0]["References"]
    assert "举报市交通运输局王局长公车私用" in str(
        email.header.make_header(email.header.decode_header(first[0]["Subject"]))
    )
    assert "单位" in reporter.send_sample("iphone_zh.eml")  # 5: official cars
    assert "被举报人是谁" in reporter.send_sample("sina_html_only_gbk.eml")  # 跳过 (HTML only)
    assert "什么时候" in reporter.send_sample("outlook_zh_gb2312.eml")  # 陈喆，科长 (GBK as gb2312)
    assert "发生在哪里" in reporter.send_sample("gmail_en.eml")  # yesterday
    asked = reporter.send_sample("thunderbird_flowed.eml")  # where (format=flowed)
    assert "车牌号" in asked  # the story was given first: no "what happened?"
    reporter.send_sample("qq_mail_gb18030.eml")  # 粤B12345
    reporter.say("跳过")
    reporter.say("完成")
    review = reporter.say("1")
    assert "陈喆, 科长" in review and "粤B12345" in review
    final = reporter.answers(lambda: reporter.deliver_sample("netease_163_gbk.eml"))  # 确认
    receipt_in(_body(final[0]))
    # (Coremail puts the sender in its Message-ID, so it carries the address replaced above.)
    assert final[0]["In-Reply-To"] == "<5b0a3c1e.3f7b.18f4a2c9d1e.Coremail.whistle@example.org>"
    report = Report.objects.get()
    content = content_of(report)
    assert content.what.startswith("举报市交通运输局王局长公车私用\n您好：")
    assert (content.official_name, content.official_position) == ("陈喆", "科长")
    assert content.place == "Outside the city hall, in the car park next to the east gate."
    assert report.occurred_on == timezone.localdate() - dt.timedelta(days=1)
    assert content.answers == {"plate": "粤B12345"}
    assert report.evidence.count() == 1


def _raw_mail(headers: str, body: str = "hello") -> bytes:
    """A mail as bytes, headers exactly as given (nothing re-encodes them)."""
    message_id = make_msgid(domain="example.org")
    head = f"To: {MAILBOX}\r\nMessage-ID: {message_id}\r\n{headers}"
    content = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    return (head + content + "\r\n").encode() + body.encode() + b"\r\n"


def _append(imap: Imap, *raws: bytes) -> None:
    with MailBoxUnencrypted(imap.host, imap.port).login(imap.user, imap.password) as box:
        for raw in raws:
            box.append(raw, "INBOX")


@pytest.mark.django_db(transaction=True)
def test_a_broken_encoded_word_does_not_block_the_mailbox(
    reporter: Reporter, imap: Imap, smtp: SmtpSink
) -> None:
    """=?GB2312?B?1cXI/?= (5 base64 characters) in a Subject or a From name is read as its raw
    text; the mails after it are read too."""
    _append(
        imap,
        _raw_mail(f"From: <{REPORTER}>\r\nSubject: =?GB2312?B?1cXI/?=\r\n"),
        _raw_mail(f"From: =?GB2312?B?1cXI/?= <{REPORTER}>\r\nSubject: hi\r\n"),
        _raw_mail(f"From: <{REPORTER}>\r\nSubject: hi\r\n", body="Hello, I want to report."),
    )
    with reporter.capture(execute=True):
        assert mailbox_poll(reporter.account) == 3
    assert mailbox_poll(reporter.account) == 0  # the cursor moved past all three
    assert len(smtp.to(REPORTER)) == 3


@pytest.mark.django_db(transaction=True)
def test_a_mail_that_fails_is_logged_and_passed(
    reporter: Reporter, imap: Imap, smtp: SmtpSink, monkeypatch: Any, caplog: Any
) -> None:
    """Whatever goes wrong with one mail, the next ones are read; the log has the UID and the
    error's type, never the mail's contents or its sender."""
    from tipoff.channels.email import reading

    real = reading.message_text

    def failing(message: Any, **how: Any) -> str:
        if "poison" in str(message):
            raise ValueError("secret poison text")
        return real(message, **how)

    monkeypatch.setattr(reading, "message_text", failing)
    _append(
        imap,
        _raw_mail(f"From: <{REPORTER}>\r\nSubject: x\r\n", body="poison"),
        _raw_mail(f"From: <{REPORTER}>\r\nSubject: x\r\n", body="Hello, I want to report."),
    )
    with reporter.capture(execute=True):
        assert mailbox_poll(reporter.account) == 2
    assert mailbox_poll(reporter.account) == 0
    assert len(smtp.to(REPORTER)) == 1
    logged = caplog.text
    assert "ValueError" in logged and "uid" in logged
    assert "poison" not in logged and REPORTER not in logged


@pytest.mark.django_db(transaction=True)
def test_a_replys_subject_is_not_taken_as_an_answer(
    reporter: Reporter, imap: Imap, jpeg: bytes
) -> None:
    """Only a photo and 发自我的iPhone in a reply: "Re: 举报张局长" answers nothing."""
    assert "1. Bureaucratism" in reporter.say("Hello, I want to report something.")
    assert "Which unit" in reporter.say("2")
    for subject, thread in (
        ("Re: 举报张局长", ""),
        ("回复：举报张局长", ""),
        ("举报张局长", "In-Reply-To: <171495712345.12345.6789@commission.example>\r\n"),
        ("举报张局长", "References: <171495712345.12345.6789@commission.example>\r\n"),
    ):
        message = EmailMessage()
        message["From"] = f"Reporter <{REPORTER}>"
        message["To"] = MAILBOX
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="example.org")
        message.set_content("\n\n发自我的iPhone\n")
        message.add_attachment(jpeg, maintype="image", subtype="jpeg", filename="photo.jpg")
        raw = (thread.encode() if thread else b"") + message.as_bytes()
        answers = reporter.answers(lambda raw=raw: _append(imap, raw))
        assert "Which unit" in _body(answers[-1]), subject


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
@pytest.mark.django_db(transaction=True)
def test_an_unencoded_8bit_subject_is_read(
    reporter: Reporter, imap: Imap, smtp: SmtpSink, codec: str
) -> None:
    """A subject sent as raw UTF-8 or GBK bytes (no =?…?= encoding) keeps its characters."""
    raw = (
        f"From: <{REPORTER}>\r\nTo: {MAILBOX}\r\nMessage-ID: {make_msgid()}\r\n".encode()
        + "Subject: 举报张局长\r\n".encode(codec)
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\nHello, I want to report.\r\n"
    )
    answers = reporter.answers(lambda: _append(imap, raw))
    subject = str(email.header.make_header(email.header.decode_header(answers[0]["Subject"])))
    assert "举报张局长" in subject


@pytest.mark.django_db(transaction=True)
def test_a_mailbox_that_cannot_be_reached_does_not_hold_up_the_others(
    body: Any, account: Any, reporter: Reporter, smtp: SmtpSink
) -> None:
    import socket

    from tipoff.channels.email.poller import mailboxes_poll

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    # The unreachable mailbox comes first (it was configured earlier).
    reachable = credentials_of(account)
    account.delete()
    account_create(
        body=body.body,
        kind="email",
        credentials={
            "address": "other@commission.example",
            "imap_host": "127.0.0.1",
            "imap_port": str(closed_port),
            "imap_user": "x",
            "imap_password": "y",
            "imap_security": "none",
            "smtp_host": smtp.host,
            "smtp_port": str(smtp.port),
            "smtp_security": "none",
        },
    )
    good, _ = account_create(body=body.body, kind="email", credentials=reachable)
    reporter.deliver("我要举报")
    with pytest.raises(ConnectionError):
        mailboxes_poll()
    good.refresh_from_db()
    assert good.cursor and good.cursor["last_uid"] >= 1  # the reachable one was read
