"""``manage.py scheduler``: enqueue every app's periodic jobs on time (run beside the workers).

Safe with several instances (see ``tipoff.ops.scheduler``). ``--once`` makes a
single pass and exits (for a systemd timer instead of a service), printing what it
enqueued; ``--list`` shows the jobs and when they run next. As a service it writes
through logging only — it used to print each job as well, so every line came out
twice in its log.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tipoff.ops.scheduler import jobs_overview, scheduler_tick

logger = logging.getLogger("tipoff.ops.scheduler")


class Command(BaseCommand):
    help = "Enqueue the periodic jobs of every app (tipoff/<app>/jobs.py) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")
        parser.add_argument(
            "--interval", type=float, default=15.0, help="seconds between passes (default 15)"
        )
        parser.add_argument(
            "--passes", type=int, default=0, help="stop after this many passes (0: when stopped)"
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
            for name in scheduler_tick(instance=instance):
                self.stdout.write(f"enqueued {name}")
            return
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("scheduler %s started", instance)
        passes = 0
        while running:
            close_old_connections()
            try:
                scheduler_tick(instance=instance)  # logs each job it enqueues
            except Exception as exc:  # the database may be restarting: try again later
                logger.warning("scheduler pass failed: %s", type(exc).__name__)
            close_old_connections()
            passes += 1
            if options["passes"] and passes >= options["passes"]:
                break
            deadline = time.monotonic() + max(0.1, options["interval"])
            while running and time.monotonic() < deadline:
                time.sleep(0.2)
