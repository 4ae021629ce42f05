"""scripts/run.sh gives the server a SITE_URL that follows PORT (issue 14 item 10): webhook
URLs printed by channel_add and Twilio's signatures (over the real URL) depend on it.

The script runs as it is, in a copy of the tree where bootstrap, Python and gunicorn are
stand-ins that record the environment they were started with.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDER = """#!/bin/sh
echo "$(basename "$0") $* SITE_URL=${SITE_URL:-unset}" >> "$RECORD"
"""


def _run(tmp_path: Path, **env: str) -> list[str]:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    record = tmp_path / "record.txt"
    for stub in ("scripts/bootstrap.sh", ".venv/bin/python", ".venv/bin/gunicorn"):
        path = tmp_path / stub
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(RECORDER)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RECORD": str(record)}
    subprocess.run(
        ["bash", str(tmp_path / "scripts" / "run.sh")],
        env={**base, **env},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return [line for line in record.read_text().splitlines() if line.startswith("gunicorn")]


def test_site_url_follows_port(tmp_path: Path) -> None:
    (line,) = _run(tmp_path, PORT="8123")
    assert "--bind 127.0.0.1:8123" in line and "SITE_URL=http://127.0.0.1:8123" in line


def test_an_explicit_site_url_wins(tmp_path: Path) -> None:
    (line,) = _run(tmp_path, PORT="8123", SITE_URL="https://tipoff.example.org")
    assert "SITE_URL=https://tipoff.example.org" in line
