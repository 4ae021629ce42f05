"""``manage.py scheduler``: enqueue every app's periodic jobs on time (run beside the workers).

Safe with several instances (see ``tipoff.ops.scheduler``). ``--once`` makes a
single pass and exits (for a systemd timer instead of a service); ``--list``
shows the jobs and when they run next.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tipoff.ops.scheduler import jobs_overview, scheduler_tick


class Command(BaseCommand):
    help = "Enqueue the periodic jobs of every app (tipoff/<app>/jobs.py) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between passes (default 15)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in jobs_overview():
                self.stdout.write(
                    f"{job['name']:<36} every {job['every_seconds']:>6} s   "
                    f"last {job['last_run_at'] or '-'}   next {job['next_run_at']}"
                )
            return
        instance = f"{socket.gethostname()}:{os.getpid()}"
        if options["once"]:
            self._pass(instance)
            return
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler {instance} started")
        while running:
            close_old_connections()
            try:
                self._pass(instance)
            except Exception as exc:  # the database may be restarting: try again later
                self.stderr.write(f"scheduler pass failed: {type(exc).__name__}")
            close_old_connections()
            deadline = time.monotonic() + max(0.1, options["interval"])
            while running and time.monotonic() < deadline:
                time.sleep(0.2)

    def _pass(self, instance: str) -> None:
        for name in scheduler_tick(instance=instance):
            self.stdout.write(f"enqueued {name}")
