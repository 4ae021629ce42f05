"""Periodic work of the channels, run by the scheduler (``manage.py scheduler``)."""

from tipoff.channels.tasks import poll_mailboxes, purge_conversations

JOBS = [
    ("purge_conversations", 3600, purge_conversations),
    ("poll_mailboxes", 60, poll_mailboxes),
]
