"""``manage.py body_key_rotate SLUG``: a new key pair and recovery key for a body.

Asks for the body's current recovery key (or reads it from ``--recovery-key-file``),
moves every sealed key to the new pair, re-grants staff, signs everyone of the
body out, and prints the NEW recovery key once. See ``tipoff.ops.rotation``.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.ops.rotation import body_key_rotate
from tipoff.people.models import Body
from tipoff.people.services import KeyUnavailable, body_key_from_recovery


class Command(BaseCommand):
    help = "Rotate a body's key pair and recovery key (needs the current recovery key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the body's slug")
        parser.add_argument("--recovery-key-file", help="a file holding the current recovery key")

    def handle(self, *args: Any, **options: Any) -> None:
        body = Body.objects.filter(slug=options["slug"]).first()
        if body is None:
            raise CommandError(f"No body {options['slug']!r}.")
        if options["recovery_key_file"]:
            text = Path(options["recovery_key_file"]).read_text().strip()
        else:
            text = getpass.getpass("Current recovery key: ")
        try:
            old = body_key_from_recovery(body=body, recovery_key=text)
        except KeyUnavailable as exc:
            raise CommandError("That recovery key does not open this body's key.") from exc
        rotated = body_key_rotate(body=body, old_private_key=old)
        self.stdout.write(
            f"Moved {rotated.reports} report key(s) and {rotated.cases} case key(s); "
            f"re-granted {rotated.grants} staff member(s); everyone of the body is signed out."
        )
        self.stdout.write("The NEW recovery key, shown this once (the old one no longer works):")
        self.stdout.write(f"    {rotated.recovery_key}")
