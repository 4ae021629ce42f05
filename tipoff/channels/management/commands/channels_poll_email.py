"""``manage.py channels_poll_email``: read new messages in every e-mail channel's mailbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tipoff.channels.email.poller import mailboxes_poll


class Command(BaseCommand):
    help = "Poll the IMAP mailboxes of the e-mail channels once."

    def handle(self, *args: Any, **options: Any) -> None:
        count = mailboxes_poll()
        self.stdout.write(f"{count} message(s) read.")
