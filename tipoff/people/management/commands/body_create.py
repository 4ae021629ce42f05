"""manage.py body_create: a new body with its keys and first administrator.

Prints the body's recovery key once; it is never stored in clear.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tipoff.people.models import Body, Role
from tipoff.people.services import body_create, body_key_from_recovery, body_key_grant, staff_create


class Command(BaseCommand):
    help = "Create a body, its key pair, and its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name-zh", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--admin-username", required=True)
        parser.add_argument(
            "--admin-password", required=True, help="The administrator changes it after signing in."
        )
        parser.add_argument(
            "--default", action="store_true", help="Make it the body the public site shows."
        )

    def handle(self, *args, **o):
        if Body.objects.filter(slug=o["slug"]).exists():
            raise CommandError(f"A body with slug {o['slug']!r} exists already.")
        with transaction.atomic():
            created = body_create(
                slug=o["slug"], name_zh=o["name_zh"], name_en=o["name_en"], is_default=o["default"]
            )
            admin = staff_create(
                username=o["admin_username"],
                password=o["admin_password"],
                body=created.body,
                role=Role.ADMIN,
            )
            private = body_key_from_recovery(body=created.body, recovery_key=created.recovery_key)
            body_key_grant(body=created.body, body_private_key=private, user=admin, granted_by=None)
        self.stdout.write(f"Body {o['slug']} created with administrator {o['admin_username']}.")
        self.stdout.write(
            "RECOVERY KEY (shown once; keep it offline, it can decrypt every report):"
        )
        self.stdout.write(f"    {created.recovery_key}")
