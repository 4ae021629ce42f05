"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py tipoff.wsgi``.

Every value can be overridden from the environment (``GUNICORN_BIND``,
``WEB_CONCURRENCY``, ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``). No access
log: it would record reporters' addresses. The error log goes through
tipoff's logging filter, which removes any client address gunicorn puts in a
message, and is JSON when ``LOG_FORMAT=json``. With ``PROMETHEUS_MULTIPROC_DIR``
set, each worker's metrics are written there and removed when it exits.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
backlog = 2048
# Load the application once, before forking: workers start fast and share memory.
preload_app = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (heartbeat files in RAM)
# Bound each worker's life so slow leaks cannot grow without end (soak test: docs/performance.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "tipoff-web"
# Addresses of the proxies allowed to set X-Forwarded-Proto (nginx on the same host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_json = os.environ.get(
    "LOG_FORMAT", "json" if os.environ.get("TIPOFF_ENV") == "production" else "plain"
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_addresses": {"()": "tipoff.lib.logs.RedactAddresses"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tipoff.lib.logs.JsonFormatter"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json == "json" else "plain",
            "filters": ["redact_addresses"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "handlers": ["error_console"],
            "level": loglevel.upper(),
            "propagate": False,
        },
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}


def on_starting(server):
    # The folder is shared with the db_workers of this host and lives on a tmpfs
    # (/run), so it is empty after each boot; here it is only made if missing.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
