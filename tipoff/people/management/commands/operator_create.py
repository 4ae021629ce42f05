"""manage.py operator_create: a platform operator, the one role across bodies.

Operators use Django's admin (/admin/) to look after the deployment's
configuration; they belong to no body, hold no body key and read no report.
They exist only when someone with shell access to the server makes them here.
"""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tipoff.people.models import User
from tipoff.people.services import operator_create


class Command(BaseCommand):
    help = "Create a platform operator (Django admin, every body's configuration, no reports)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--password", help="Asked for when omitted (better: it stays out of shell history)."
        )
        parser.add_argument("--display-name", default="")

    def handle(self, *args, **o):
        if User.objects.filter(username=o["username"]).exists():
            raise CommandError(f"The user name {o['username']!r} is taken.")
        password = o["password"] or getpass.getpass("Password for the operator: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        operator_create(username=o["username"], password=password, display_name=o["display_name"])
        self.stdout.write(
            f"Operator {o['username']} created. Sign in at /staff/login/ (a second factor is "
            "set up at the first sign-in), then use /admin/."
        )
