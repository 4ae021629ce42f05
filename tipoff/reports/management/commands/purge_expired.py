"""manage.py purge_expired: delete reports of cases finished long ago, and expired
abuse-limit counters (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from tipoff.limits.counters import counters
from tipoff.reports.retention import reports_purge_expired


class Command(BaseCommand):
    help = (
        "Delete the contents and evidence of reports whose case finished over RETENTION_DAYS ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RETENTION_DAYS)

    def handle(self, *args, **options):
        purged = reports_purge_expired(older_than_days=options["days"])
        self.stdout.write(f"Purged {purged} report(s) older than {options['days']} days.")
        self.stdout.write(f"Forgot {counters().purge()} expired abuse-limit counter(s).")
