"""Backup while reports arrive; restore into an empty installation; the same site comes back.

The restored installation is another process with its own database and its
own evidence folder: each receipt given before the backup opens its report
and evidence there, staff passwords open the body key, the audit chain verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tipoff.lib import vault
from tipoff.people.models import User
from tipoff.reports.services import EvidenceFile, reporter_open

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple backup"

CHECK = r"""
import hashlib, json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tipoff.settings"
import django
django.setup()
from tipoff.audit.services import audit_verify
from tipoff.lib import vault
from tipoff.people.models import User
from tipoff.people.services import staff_body_keys
from tipoff.reports.models import Evidence, Report
from tipoff.reports.services import reporter_open

expected = json.loads(sys.argv[1])
found = {}
for receipt in expected["receipts"]:
    access = reporter_open(code=receipt)
    if access is None:
        found[receipt] = None
        continue
    digests = sorted(
        hashlib.sha256(b"".join(vault.blob_open(access.data_key, e.storage_name))).hexdigest()
        for e in Evidence.objects.filter(report=access.report)
    )
    found[receipt] = {"report": access.report.public_id.hex, "evidence": digests}
keys = {}
for username in expected["staff"]:
    user = User.objects.get(username=username)
    keys[username] = [hashlib.sha256(k).hexdigest() for k in staff_body_keys(user=user, password=expected["password"]).values()]
problem = audit_verify()
from django.core.management import call_command
call_command("migrate", "--check")  # the restored schema is complete
call_command("verify_audit")
print(json.dumps({"found": found, "keys": keys, "audit": None if problem is None else problem.reason, "reports": Report.objects.count()}))
"""


def _target_database(tmp_path: Path) -> tuple[str, object]:
    """A new, empty database of the same engine, and how to remove it."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    params = connection.settings_dict
    name = f"tipoff_prod_restore_{os.getpid()}"
    base = f"postgres://{params['USER'] or 'postgres'}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_while_running_then_restore_into_an_empty_site(
    body, staff, submit, gps_jpeg, tmp_path, demo_password
):
    from tipoff.reports import services

    services._salt_cache.clear()  # an earlier test's salt (its row flushed since) must not be used
    receipts: dict[str, dict] = {}
    for index in range(3):
        result = submit(evidence=[EvidenceFile(data=gps_jpeg)] * (index % 2 + 1))
        access = reporter_open(code=result.receipt)
        assert access is not None
        digests = sorted(
            hashlib.sha256(b"".join(vault.blob_open(access.data_key, e.storage_name))).hexdigest()
            for e in result.report.evidence.all()
        )
        receipts[result.receipt] = {"report": result.report.public_id.hex, "evidence": digests}

    # Reports keep arriving while the backup runs.
    stop = threading.Event()
    during: list[str] = []

    def keep_submitting() -> None:
        try:
            while not stop.is_set():
                during.append(submit(evidence=[EvidenceFile(data=gps_jpeg)]).receipt)
        finally:
            connection.close()

    thread = threading.Thread(target=keep_submitting)
    thread.start()
    try:
        backup = tmp_path / "site.tipoff-backup"
        call_command("backup", str(backup), passphrase_file=_passphrase_file(tmp_path))
    finally:
        stop.set()
        thread.join()
    assert backup.exists() and backup.stat().st_mode & 0o077 == 0
    assert b"ZQX" not in backup.read_bytes()[:64]

    url, drop = _target_database(tmp_path)
    env = {
        **os.environ,
        "TIPOFF_ENV": "test",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "BACKUP_PASSPHRASE": PASSPHRASE,
    }
    env.pop("TIPOFF_TEST_DB_NAME", None)
    try:
        restored = _manage(env, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        staff_names = [u.username for u in User.objects.filter(body=body.body)]
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                CHECK,
                json.dumps(
                    {"receipts": list(receipts), "staff": staff_names, "password": demo_password}
                ),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        outcome = json.loads(check.stdout.strip().splitlines()[-1])
    finally:
        drop()  # type: ignore[operator]
    assert outcome["found"] == receipts
    body_key = hashlib.sha256(body.private_key).hexdigest()
    assert outcome["keys"] == {name: [body_key] for name in staff_names}
    assert outcome["audit"] is None
    assert outcome["reports"] >= len(receipts)


@pytest.mark.django_db
def test_restore_refuses_a_site_with_data_and_a_wrong_passphrase(body, tmp_path, settings):
    from django.core.management.base import CommandError

    from tipoff.ops.backup import BackupError, _decrypted_chunks

    settings.BACKUP_PASSPHRASE = PASSPHRASE
    backup = tmp_path / "b"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup))
    with pytest.raises(BackupError, match="wrong passphrase"):
        b"".join(_decrypted_chunks(backup, "not the passphrase at all"))
    assert b"".join(_decrypted_chunks(backup, PASSPHRASE))[:0] == b""


def _passphrase_file(tmp_path: Path) -> str:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return str(path)
