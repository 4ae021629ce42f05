"""manage.py attendance_pad --manifest PATH: presentation-attack evaluation (ISO/IEC 30107-3).

For each person of the manifest's identities: genuine sequences rendered from
their most frontal photo, and one attack of each type made from it (the
``swap`` also uses their most turned photo), all through the kiosk's liveness
check. Prints a Markdown table (APCER per attack type, BPCER), then one JSON
object as the last line. docs/attendance.md explains the protocol and its limits.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipoff.attendance.pad.attacks import KINDS
from tipoff.attendance.pad.evaluate import evaluate


class Command(BaseCommand):
    help = "Presentation-attack evaluation: APCER per attack type and BPCER."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--manifest", required=True, help="path to manifest.json")
        parser.add_argument("--people", type=int, default=None, help="only the first N people")
        parser.add_argument("--genuine", type=int, default=2, help="genuine sequences per person")
        parser.add_argument(
            "--attacks", default=",".join(KINDS), help=f"comma-separated, of {','.join(KINDS)}"
        )
        parser.add_argument("--seed", type=int, default=30107)
        parser.add_argument(
            "--details", default=None, help="also write every presentation's measures (JSON lines)"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help=f"processes (this machine has {os.cpu_count()} cores)",
        )

    def handle(self, *args, **options):
        manifest = Path(options["manifest"])
        if not manifest.is_file():
            raise CommandError(f"No manifest at {manifest}")
        kinds = [k for k in options["attacks"].split(",") if k]
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise CommandError(f"Unknown attack types: {', '.join(sorted(unknown))}")
        if options["genuine"] < 0 or (options["people"] is not None and options["people"] < 1):
            raise CommandError("--genuine must be >= 0 and --people >= 1")
        try:
            report = evaluate(
                manifest,
                people=options["people"],
                genuine_per_person=options["genuine"],
                kinds=kinds,
                seed=options["seed"],
                jobs=max(1, options["jobs"]),
                progress=lambda text: self.stderr.write(text),
            )
        except (ValueError, KeyError, OSError) as exc:
            raise CommandError(f"Could not evaluate {manifest}: {exc}") from exc
        if options["details"]:
            with open(options["details"], "w") as out:
                for outcome in report.outcomes:
                    out.write(json.dumps(asdict(outcome), sort_keys=True) + "\n")
        self.stdout.write(
            "| presentation | presentations | accepted | APCER / BPCER "
            "| refused by (first check failed) | each check's refusals |"
        )
        self.stdout.write("|---|---:|---:|---:|---|---|")
        for name, row in report.table().items():
            rate = row.get("BPCER", row.get("APCER"))
            label = "BPCER" if "BPCER" in row else "APCER"
            reasons = ", ".join(f"{k} {v}" for k, v in row["refused_by"].items())  # type: ignore[attr-defined]
            checks = ", ".join(f"{k} {v}" for k, v in row["failed_checks"].items())  # type: ignore[attr-defined]
            self.stdout.write(
                f"| {name} | {row['presentations']} | {row['accepted']} | {label} {rate} "
                f"| {reasons} | {checks} |"
            )
        self.stdout.write(report.as_json())
