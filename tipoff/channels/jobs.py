"""Periodic work of the channels, run by the scheduler (``manage.py scheduler``)."""

from tipoff.channels.tasks import poll_mailboxes, purge_conversations, submissions_finish

JOBS = [
    ("purge_conversations", 3600, purge_conversations),
    ("poll_mailboxes", 60, poll_mailboxes),
    ("submissions_finish", 60, submissions_finish),
]
