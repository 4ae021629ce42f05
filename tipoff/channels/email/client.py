"""Sending answers by SMTP from the channel's mailbox, in the writer's thread."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from tipoff.channels.clients import ChannelError

SUBJECT = "举报回复 / Your report"


class EmailClient:
    def __init__(self, credentials: dict[str, str], *, account_id: int) -> None:
        self.creds = credentials

    def _connect(self) -> smtplib.SMTP:
        host = self.creds.get("smtp_host") or self.creds["imap_host"]
        security = self.creds.get("smtp_security", "starttls")
        default_port = {"ssl": 465, "starttls": 587}.get(security, 25)
        port = int(self.creds.get("smtp_port") or default_port)
        if security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=20, context=ssl.create_default_context())
        server = smtplib.SMTP(host, port, timeout=20)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        return server

    def send_text(self, *, recipient: str, text: str, thread: dict[str, Any] | None = None) -> None:
        message = EmailMessage()
        message["From"] = self.creds["address"]
        message["To"] = recipient
        subject = (thread or {}).get("subject") or ""
        message["Subject"] = (
            subject
            if subject.lower().startswith("re:")
            else (f"Re: {subject}" if subject else SUBJECT)
        )
        message["Message-ID"] = make_msgid(domain=self.creds["address"].rpartition("@")[2] or None)
        # Answers join the writer's thread in their mail client.
        if thread and thread.get("message_id"):
            message["In-Reply-To"] = thread["message_id"]
            message["References"] = thread.get("references") or thread["message_id"]
        message["Auto-Submitted"] = "auto-replied"  # RFC 3834: no auto-reply loops
        message.set_content(text)
        try:
            with self._connect() as server:
                if self.creds.get("smtp_user"):
                    server.login(self.creds["smtp_user"], self.creds.get("smtp_password", ""))
                server.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP: {exc}") from exc

    def fetch_media(self, *, ref: str, max_bytes: int) -> bytes:
        raise ChannelError("e-mail attachments arrive with the message")
