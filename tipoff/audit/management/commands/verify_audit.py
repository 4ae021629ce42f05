"""manage.py verify_audit: check the audit chain; exit 1 naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args, **options):
        problem = audit_verify()
        if problem:
            raise CommandError(f"Audit chain broken at event {problem.seq}: {problem.reason}")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events.")
