"""The crash test, small: app server, a worker and PostgreSQL each SIGKILLed once while
reports with photos arrive; nothing a client was promised is lost (bench/crash.py)."""

from __future__ import annotations

import os

import pytest

from bench.cluster import PG_BIN
from bench.crash import run_crash
from tests.production.conftest import LONG, postgres_server_url

pytestmark = [pytest.mark.production, pytest.mark.timeout(1800)]


def test_nothing_is_lost_when_processes_are_killed(parts, tmp_path):
    postgres_server_url()  # the PostgreSQL leg
    if not (PG_BIN / "initdb").exists():
        message = "PostgreSQL server binaries are missing (Debian's postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = run_crash(tmp_path, rounds=12 if LONG else 3, log=lambda _line: None)
    assert result["kills"][:3] == ["app", "worker1", "postgres"]
    assert result["receipts_given"] > 0
    assert result["receipts_unique"]
    assert result["receipts_unopened"] == []
    assert result["receipts_opened"] == result["opened_with_photo"] == result["receipts_given"]
    assert result["committed_but_answer_lost"] >= 0
    assert result["duplicate_receipts"] == 0
    assert result["reports_not_exactly_one_file"] == 0
    assert result["orphans_left"] == 0 and result["referenced_blobs_missing"] == 0
    assert result["orphans_shredded"] == result["orphans_found"]
    assert result["bucket_objects_after"] == result["reports_in_database"]
    assert result["notification_tasks"] == result["reports_in_database"], "a task was lost"
    assert set(result["tasks"]) == {"SUCCESSFUL"}, result["tasks"]
    assert result["staff_case_reads"].get("200", 0) > 0
    assert "500" not in result["client_failures"] and "HTTP 500" not in result["client_failures"]
    assert result["verify_audit"].startswith("Audit chain intact")
