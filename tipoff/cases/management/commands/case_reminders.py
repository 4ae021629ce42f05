"""manage.py case_reminders: enqueue the deadline reminder task (or run it with --now)."""

from django.core.management.base import BaseCommand

from tipoff.cases.deadlines import reminders_send
from tipoff.cases.tasks import deadline_reminders


class Command(BaseCommand):
    help = "Remind handlers of overdue and due-soon cases by e-mail (run it hourly from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of enqueuing."
        )

    def handle(self, *args, **options):
        if options["now"]:
            self.stdout.write(f"Reminders sent: {reminders_send()}")
            return
        result = deadline_reminders.enqueue()
        self.stdout.write(f"Reminder task enqueued ({result.id}).")
