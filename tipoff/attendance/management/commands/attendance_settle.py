"""manage.py attendance_settle: settle recent days (absences) and purge expired snapshots.

Meant for cron, e.g. hourly: ``manage.py attendance_settle``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from tipoff.attendance.tasks import sites_settle, snapshots_purge


class Command(BaseCommand):
    help = "Recompute recent attendance records and delete review snapshots past their period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="how many past days to recompute (default 3)"
        )

    def handle(self, *args, **options):
        settled = sites_settle(days=max(0, min(options["days"], 400)))
        purged = snapshots_purge()
        self.stdout.write(
            f"attendance: {settled} day records recomputed, {purged} snapshots deleted"
        )
