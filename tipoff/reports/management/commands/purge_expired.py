"""manage.py purge_expired: delete reports of cases finished long ago, and expired
abuse-limit counters (run daily)."""

from django.core.management.base import BaseCommand

from tipoff.limits.counters import counters
from tipoff.reports.retention import reports_purge_expired


class Command(BaseCommand):
    help = (
        "Delete the contents and evidence of cases that finished longer ago than their body's "
        "retention period (RETENTION_DAYS by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="override every body's period (default: each body's, or RETENTION_DAYS)",
        )

    def handle(self, *args, **options):
        purged = reports_purge_expired(older_than_days=options["days"])
        period = f"{options['days']} days" if options["days"] else "each body's retention period"
        self.stdout.write(f"Purged {purged} report(s) older than {period}.")
        self.stdout.write(f"Forgot {counters().purge()} expired abuse-limit counter(s).")
