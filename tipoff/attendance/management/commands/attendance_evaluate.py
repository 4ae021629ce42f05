"""manage.py attendance_evaluate --manifest PATH: recognition accuracy on labelled photos.

The last line printed is one JSON object (pair_accuracy, tar_at_far_1e-2,
tar_at_far_1e-3, rank1, genuine_identified_rate, stranger_accept_rate,
threshold, and a few counts). docs/attendance.md explains each figure.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.attendance.evaluation import evaluate


class Command(BaseCommand):
    help = "Measure face recognition accuracy on a manifest of labelled photos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--manifest", required=True, help="path to manifest.json")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="distance threshold (default: the engine's calibrated one)",
        )
        parser.add_argument(
            "--no-pairs", action="store_true", help="skip the 1:1 verification pairs"
        )
        parser.add_argument(
            "--kiosk",
            action="store_true",
            help="find faces as the kiosk does (face mesh, then dlib on a crop around it)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help=f"processes for embedding (this machine has {os.cpu_count()} cores)",
        )

    def handle(self, *args, **options):
        manifest = Path(options["manifest"])
        if not manifest.is_file():
            raise CommandError(f"No manifest at {manifest}")
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 2:
            raise CommandError("--threshold must be between 0 and 2")
        try:
            results = evaluate(
                manifest,
                threshold=threshold,
                pairs=not options["no_pairs"],
                jobs=max(1, options["jobs"]),
                kiosk=options["kiosk"],
                progress=lambda text: self.stderr.write(text),
            )
        except (ValueError, KeyError, OSError) as exc:
            raise CommandError(f"Could not evaluate {manifest}: {exc}") from exc
        self.stdout.write(results.as_json())
