"""Server logs: each warning once, JSON in production, never a client address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tipoff.lib.logs import JsonFormatter, redact

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import logging, os
os.environ["DJANGO_SETTINGS_MODULE"] = "tipoff.settings"
import django
django.setup()
from django.test import Client
Client().get("/no-such-page/", REMOTE_ADDR="203.0.113.9")
logging.getLogger("gunicorn.error").warning("Invalid request from ip=203.0.113.9: bad")
"""


def _run(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={**os.environ, "TIPOFF_ENV": "development", "LOG_LEVEL": "INFO", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stderr


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_server_warning_is_logged_once(debug, tmp_path):
    err = _run(DEBUG=debug, TIPOFF_VAR_DIR=str(tmp_path))
    assert err.count("Not Found: /no-such-page/") == 1, err


def test_json_lines_without_addresses(tmp_path):
    err = _run(DEBUG="false", LOG_FORMAT="json", TIPOFF_VAR_DIR=str(tmp_path))
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    not_found = [e for e in lines if e["message"] == "Not Found: /no-such-page/"]
    assert len(not_found) == 1
    assert set(not_found[0]) == {"time", "level", "logger", "message", "process", "status_code"}
    assert "203.0.113.9" not in err
    assert any(e["message"] == "Invalid request from ip=[address]: bad" for e in lines)


def test_redaction_keeps_times_and_paths():
    assert redact("at 10:43:55 on /office/cases/12/") == "at 10:43:55 on /office/cases/12/"
    assert redact("from 2001:db8::7 and 192.0.2.1") == "from [address] and [address]"


def test_the_formatter_never_serialises_the_request():
    import logging

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found", (), None
    )
    record.request = type("R", (), {"META": {"REMOTE_ADDR": "198.51.100.4"}})()  # type: ignore[attr-defined]
    assert "198.51.100.4" not in JsonFormatter().format(record)
