"""manage.py demo_load: create the demo body and each app's demo data (idempotent)."""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tipoff.people.demo import DEMO_PASSWORD, load_people


def _demo_modules() -> list[ModuleType]:
    """Each app's ``demo`` module (people's own data is loaded first, by ``load_people``)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tipoff.") or config.name == "tipoff.people":
            continue
        try:
            found.append(import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return found


class Command(BaseCommand):
    help = "Load the demo body, its teams, units, categories, staff and sample data."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is not loaded in production.")
        with transaction.atomic():
            body, recovery_key, staff = load_people()
        if recovery_key:
            # Not in one transaction: reports are filed through report_submit, whose
            # transaction must be the outermost (its receipt means "committed").
            for module in _demo_modules():
                try:
                    module.load(body, staff)
                except Exception as exc:
                    raise CommandError(
                        f"The demo stopped part-way ({module.__name__}: {exc}). Start again "
                        "from an empty database (delete var/tipoff.sqlite3, or drop and "
                        "re-create the PostgreSQL database) and run demo_load again."
                    ) from exc
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
