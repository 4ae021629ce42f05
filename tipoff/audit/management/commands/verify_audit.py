"""manage.py verify_audit: check the audit chain; exit 1 naming the first broken link.

Prints the head (``seq:hash``) on success. Note it somewhere the database's
administrators cannot write (a ticket, paper, another system) and pass it back
later with ``--anchor seq:hash``: then even a chain recomputed from a changed
row onwards is caught.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_head, audit_verify


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"An anchor looks like 1234:<64 hex digits>, got {text!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor", action="append", default=[], help="seq:hash noted from an earlier run"
        )

    def handle(self, *args, **options):
        anchors = dict(_anchor(a) for a in options["anchor"])
        problem = audit_verify(anchors=anchors)
        if problem:
            raise CommandError(f"Audit chain broken at event {problem.seq}: {problem.reason}")
        seq, digest = audit_head()
        self.stdout.write(
            f"Audit chain intact: {AuditEvent.objects.count()} events. Head {seq}:{digest}"
        )
