"""manage.py demo_load: create the demo body and each app's demo data (idempotent)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tipoff.people.demo import DEMO_PASSWORD, load_people


class Command(BaseCommand):
    help = "Load the demo body, its teams, units, categories, staff and sample data."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is not loaded in production.")
        with transaction.atomic():
            body, recovery_key, staff = load_people()
        # Not in the same transaction: report_submit commits each report in a
        # durable transaction of its own (the crash-safe submission path).
        if recovery_key:
            for config in apps.get_app_configs():
                if not config.name.startswith("tipoff.") or config.name == "tipoff.people":
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.load(body, staff)
        out = self.stdout
        if recovery_key:
            out.write("")
            out.write("Demo body created. Its RECOVERY KEY is shown this once; write it down:")
            out.write(f"    {recovery_key}")
            out.write("(It restores access to reports if every staff password is lost.)")
        out.write("")
        out.write("Demo staff logins (back office at /office/), password for all: " + DEMO_PASSWORD)
        for username, user in sorted(staff.items()):
            out.write(f"    {username:<16} {user.get_role_display()}")
