"""``manage.py channels_purge``: delete expired conversations and old delivery records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tipoff.channels.services import channels_purge


class Command(BaseCommand):
    help = "Delete conversations silent for 24 hours, and delivery records past their use."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = channels_purge()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
