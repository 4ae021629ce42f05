"""``manage.py key_rotate CHANNELS_KEY|ATTENDANCE_KEY``: seal an app's secrets under a new key.

Put the new value in the environment first (every process restarted with it
will fail to open the old values until this has run — run it straight away,
with the workers stopped), then give the previous value on standard input or
in ``--previous-file``. One transaction: a wrong previous value changes nothing.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.ops.rotation import KEPT_KEYS, WrongPreviousKey, server_key_rotate


class Command(BaseCommand):
    help = "Seal what is kept under CHANNELS_KEY or ATTENDANCE_KEY again under its new value."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("setting", choices=KEPT_KEYS)
        parser.add_argument("--previous-file", help="a file holding the previous value")

    def handle(self, *args: Any, **options: Any) -> None:
        setting = options["setting"]
        if options["previous_file"]:
            previous = Path(options["previous_file"]).read_text().strip()
        else:
            previous = getpass.getpass(f"Previous value of {setting}: ").strip()
        if not previous:
            raise CommandError("No previous value given.")
        try:
            counts = server_key_rotate(setting=setting, previous=previous)
        except WrongPreviousKey as exc:
            raise CommandError(
                f"The previous value given does not open the values kept under {setting}; "
                "nothing was changed."
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(f"{setting} rotated ({summary}).")
