"""manage.py search_index_build: build a body's search index now, in one go.

The search index is opened report by report with the body's private key,
which the server does not hold. Staff searches build it a few seconds at a
time; after an upgrade or a bulk import, an operator can build it at once
with the body's recovery key (or a staff member's user name and password),
typed at the prompt and never stored.
"""

import getpass
import time

from django.core.management.base import BaseCommand, CommandError

from tipoff.office import index
from tipoff.people.models import Body, User
from tipoff.people.services import KeyUnavailable, body_key_from_recovery, staff_body_keys


class Command(BaseCommand):
    help = "Build a body's encrypted search index now (asks for its recovery key)."

    def add_arguments(self, parser):
        parser.add_argument("--body", required=True, help="the body's slug")
        parser.add_argument(
            "--username", help="use this staff member's password instead of the recovery key"
        )

    def handle(self, *args, **o):
        body = Body.objects.filter(slug=o["body"]).first()
        if body is None:
            raise CommandError(f"No body {o['body']!r}.")
        try:
            if o["username"]:
                user = User.objects.get(username=o["username"], body=body)
                key = staff_body_keys(user=user, password=getpass.getpass("Password: "))[body.pk]
            else:
                key = body_key_from_recovery(
                    body=body, recovery_key=getpass.getpass("Recovery key: ")
                )
        except (User.DoesNotExist, KeyError, KeyUnavailable) as exc:
            raise CommandError("That does not open the body's key.") from exc
        started = time.monotonic()
        built = index.build_all(body_id=body.pk, body_key=key)
        self.stdout.write(
            f"Indexed {len(built)} reports of {body.slug} in {time.monotonic() - started:.1f} s; "
            "segments stored."
        )
