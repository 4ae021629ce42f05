"""``manage.py restore FILE``: restore a backup into an empty installation.

Point ``DATABASE_URL`` at a new, empty database (do not run ``migrate``
first) and the evidence storage at an empty place, then run this; afterwards
``migrate`` (when the code is newer than the backup) and ``verify_audit``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.ops.backup import BackupError, backup_restore
from tipoff.ops.management.commands.backup import read_passphrase


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the backup file")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(
                path=Path(options["backup"]),
                passphrase=read_passphrase(options["passphrase_file"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the {manifest['engine']} database of {manifest['created_at']} and "
            f"{manifest['restored_blobs']} blob(s). Next: manage.py migrate; manage.py verify_audit."
        )
