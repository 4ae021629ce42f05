"""``manage.py channel_add <kind> [--body SLUG] --<credential> VALUE…``: add a channel account.

Prints the webhook URL to give the messaging service (and any generated
secret, once: it is stored encrypted and never shown again).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.channels.accounts import CREDENTIALS, CredentialsInvalid, account_create, webhook_url
from tipoff.channels.models import Kind
from tipoff.people.selectors import body_by_slug, body_default


class Command(BaseCommand):
    help = "Add a messaging channel account to a body and print its webhook URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in Kind])
        parser.add_argument("--body", help="the body's slug (default: the default body)")
        parser.add_argument("--label", default="")
        names = sorted({f.name for fields in CREDENTIALS.values() for f in fields})
        for name in names:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")

    def handle(self, *args: Any, **options: Any) -> None:
        body = body_by_slug(options["body"]) if options["body"] else body_default()
        if body is None:
            raise CommandError("No such body (create one first, e.g. manage.py demo_load).")
        kind = options["kind"]
        given = {f.name: options[f.name] for f in CREDENTIALS[kind] if options.get(f.name)}
        others = sorted(
            name
            for fields in CREDENTIALS.values()
            for f in fields
            if (name := f.name) not in given and options.get(name)
        )
        if others:
            raise CommandError(
                f"not used by {kind}: {', '.join('--' + o.replace('_', '-') for o in others)}"
            )
        try:
            account, cleaned = account_create(
                body=body, kind=kind, credentials=given, label=options["label"]
            )
        except CredentialsInvalid as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Added {account.get_kind_display()} for {body.slug}.")
        if kind == Kind.EMAIL:
            self.stdout.write(
                "Polled by: manage.py channels_poll_email (run it every minute, e.g. from cron)."
            )
        else:
            self.stdout.write(f"Webhook URL: {webhook_url(account)}")
        if kind == Kind.TELEGRAM and "secret_token" not in given:
            self.stdout.write(f"Webhook secret token (shown once): {cleaned['secret_token']}")
