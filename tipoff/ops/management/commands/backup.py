"""``manage.py backup FILE``: an encrypted, consistent backup of the database and evidence.

Safe while the site runs. The passphrase comes from ``--passphrase-file`` or
``BACKUP_PASSPHRASE``; without it a restore is impossible, so keep it apart
from the backups (docs/deployment.md, "What to back up").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.ops.backup import BackupError, backup_create


def read_passphrase(path: str | None) -> str:
    if path:
        return Path(path).read_text().strip()
    if settings.BACKUP_PASSPHRASE:
        return settings.BACKUP_PASSPHRASE
    raise CommandError("Give --passphrase-file or set BACKUP_PASSPHRASE.")


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the evidence it refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the backup file to write")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(
                output=Path(options["output"]),
                passphrase=read_passphrase(options["passphrase_file"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written to {summary.path}: {summary.engine} database, {summary.blobs} blob(s)"
            f" ({summary.missing_blobs} shredded meanwhile), {summary.size:,} bytes."
        )
