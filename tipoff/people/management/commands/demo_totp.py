"""manage.py demo_totp: the current sign-in codes of the demo staff (never in production).

The demo staff get a second factor when the demo is loaded; this prints each
one's secret (to add to an authenticator app) and the code valid right now,
so a newcomer can sign in without a phone. It refuses to run in production
and only ever shows accounts of the demo body.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tipoff.people import signin
from tipoff.people.demo import DEMO_PASSWORD, DEMO_SLUG
from tipoff.people.models import User


class Command(BaseCommand):
    help = "Print the demo staff's current TOTP codes (demo body only, never in production)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="Only this demo user.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_totp does not run in production.")
        users = User.objects.filter(body__slug=DEMO_SLUG, is_active=True).order_by("username")
        if options["username"]:
            users = users.filter(username=options["username"])
        if not users:
            raise CommandError("No such demo user. Load the demo with manage.py demo_load.")
        self.stdout.write(f"Password for all demo staff: {DEMO_PASSWORD}")
        for user in users:
            code = signin.totp_code_now(user)
            if code is None:
                self.stdout.write(
                    f"    {user.username:<16} (no second factor yet: it is set up at the first sign-in)"
                )
                continue
            self.stdout.write(
                f"    {user.username:<16} code {code}   secret {signin.totp_secret(user)}"
            )
        self.stdout.write("Codes change every 30 seconds, and each can be used once.")
