"""Backup and restore: the database and the evidence it refers to, in one encrypted file.

**Consistent while the site runs.** PostgreSQL: a repeatable-read transaction
exports its snapshot; ``pg_dump --snapshot`` dumps exactly that state and the
same transaction lists the blob names that state refers to. SQLite: the online
backup API copies the database, and the names are read from the copy. Blobs
are only ever added or shredded, never changed, so copying the named blobs
afterwards gives the evidence of that instant (one shredded by a purge in the
meantime is listed in the manifest as gone, and its row would have gone with
the next backup anyway).

**Encrypted.** The tar of ``manifest.json``, the database dump and ``blobs/``
is encrypted as one stream (``vault.stream_seal``, XChaCha20-Poly1305) under a
key derived from the operator's passphrase (Argon2id, 256 MiB). Everything in
it was already ciphertext except the clear columns (docs/security.md); the
passphrase keeps those, and the backup's shape, private too.

**Restore** goes into an empty installation (no tables): ``pg_restore`` or the
SQLite file, then every blob back under its own name. The environment's keys
(``SECRET_KEY``, ``CHANNELS_KEY``, ``ATTENDANCE_KEY``) are not in a backup;
keep them apart (docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connection, connections
from django.utils import timezone

from tipoff.lib import vault

MAGIC = b"TIPOFF-BACKUP 1\n"
FORMAT = 1
_NAMES_SQL = (
    "SELECT storage_name FROM reports_evidence UNION SELECT storage_name FROM cases_casefile"
)


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    blobs: int
    missing_blobs: int
    size: int


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    args += ["--username", str(db.get("USER") or "postgres")]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _database_name() -> str:
    return str(connection.settings_dict["NAME"])


def _dump_postgres(target: Path) -> list[str]:
    import psycopg

    args, env = _pg_env()
    conninfo = connection.get_connection_params()
    conninfo.pop("cursor_factory", None)
    conninfo.pop("context", None)
    conninfo.pop("prepare_threshold", None)
    conninfo.pop("server_side_binding", None)
    with psycopg.connect(**conninfo, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        snapshot = row[0]
        names = [r[0] for r in conn.execute(_NAMES_SQL).fetchall()]
        result = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
            [
                shutil.which("pg_dump") or "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                _database_name(),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return names


def _dump_sqlite(target: Path) -> list[str]:
    source = sqlite3.connect(_database_name())
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        names = [r[0] for r in copy.execute(_NAMES_SQL).fetchall()]
    finally:
        copy.close()
        source.close()
    return names


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _applied_migrations() -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _header(salt: bytes) -> bytes:
    return json.dumps({"salt": salt.hex(), "kdf": vault.BACKUP_KDF.as_dict()}).encode() + b"\n"


def backup_create(*, output: Path, passphrase: str) -> BackupSummary:
    """Write an encrypted backup of the database and its evidence to ``output``."""
    if len(passphrase) < 12:
        raise BackupError("the backup passphrase must be at least 12 characters")
    engine = connection.vendor
    if engine not in ("postgresql", "sqlite"):
        raise BackupError(f"no backup for the {engine} database engine")
    storage = storages[vault.EVIDENCE]
    with tempfile.TemporaryDirectory(prefix="tipoff-backup-") as work:
        dump = Path(work) / "database"
        names = _dump_postgres(dump) if engine == "postgresql" else _dump_sqlite(dump)
        plain = Path(work) / "backup.tar"
        missing: list[str] = []
        with tarfile.open(plain, "w") as tar:
            tar.add(dump, arcname="database.dump" if engine == "postgresql" else "database.sqlite3")
            stored = 0
            for name in sorted(set(names)):
                try:
                    with storage.open(name, "rb") as handle:
                        data = handle.read()
                except (FileNotFoundError, OSError):
                    missing.append(name)
                    continue
                _add_bytes(tar, f"blobs/{name}", data)
                stored += 1
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "engine": engine,
                "blobs": stored,
                "missing_blobs": missing,
                "migrations": _applied_migrations(),
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
        salt = vault.new_salt()
        key = vault.passphrase_key(passphrase, salt)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with open(plain, "rb") as source, open(partial, "wb") as sink:
            sink.write(MAGIC + _header(salt))
            for chunk in vault.stream_seal(key, source):
                sink.write(chunk)
            sink.flush()
            os.fsync(sink.fileno())
        os.chmod(partial, 0o600)
        partial.replace(output)  # a backup file either is whole or does not exist
    return BackupSummary(
        path=output,
        engine=engine,
        blobs=stored,
        missing_blobs=len(missing),
        size=output.stat().st_size,
    )


def _decrypted_chunks(path: Path, passphrase: str) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise BackupError("not a tipoff backup file")
        header = json.loads(handle.readline())
        from tipoff.lib.crypto import KdfParams

        key = vault.passphrase_key(
            passphrase, bytes.fromhex(header["salt"]), KdfParams(**header["kdf"])
        )
        try:
            yield from vault.stream_open(key, handle)
        except vault.DecryptionError as exc:
            raise BackupError("wrong passphrase, or the backup file is damaged") from exc


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_postgres(dump: Path) -> None:
    args, env = _pg_env()
    result = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
        [
            shutil.which("pg_restore") or "pg_restore",
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_database_name()}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_sqlite(dump: Path) -> None:
    target = Path(_database_name())
    connections.close_all()
    source = sqlite3.connect(dump)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def backup_restore(*, path: Path, passphrase: str) -> dict[str, Any]:
    """Restore ``path`` into this (empty) installation; returns the manifest."""
    if not _database_is_empty():
        raise BackupError(
            "the database is not empty: restore only into an empty installation "
            "(a new database; do not run migrate first)"
        )
    storage = storages[vault.EVIDENCE]
    with tempfile.TemporaryDirectory(prefix="tipoff-restore-") as work:
        plain = Path(work) / "backup.tar"
        with open(plain, "wb") as sink:
            for chunk in _decrypted_chunks(path, passphrase):
                sink.write(chunk)
        with tarfile.open(plain, "r") as tar:
            manifest_file = tar.extractfile("manifest.json")
            if manifest_file is None:
                raise BackupError("the backup has no manifest")
            manifest = json.loads(manifest_file.read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"unknown backup format {manifest.get('format')}")
            if manifest["engine"] != connection.vendor:
                raise BackupError(
                    f"this backup is of a {manifest['engine']} database; "
                    f"this installation uses {connection.vendor}"
                )
            member = "database.dump" if manifest["engine"] == "postgresql" else "database.sqlite3"
            tar.extract(member, work, filter="data")
            dump = Path(work) / member
            if manifest["engine"] == "postgresql":
                _restore_postgres(dump)
            else:
                _restore_sqlite(dump)
            restored = 0
            for info in tar:
                if not info.name.startswith("blobs/") or not info.isfile():
                    continue
                name = info.name.removeprefix("blobs/")
                source: IO[bytes] | None = tar.extractfile(info)
                assert source is not None
                if storage.exists(name):
                    continue
                saved = storage.save(name, File(source))
                if saved != name:
                    raise BackupError(f"storage renamed blob {name} to {saved}")
                restored += 1
    manifest["restored_blobs"] = restored
    manifest["restored_at"] = dt.datetime.now(dt.UTC).isoformat()
    return manifest
