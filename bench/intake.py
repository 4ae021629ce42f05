"""Intake benchmark: complete submissions per second through real HTTP.

Starts the production server setup — gunicorn with several workers in front of
PostgreSQL — on a fresh database, then drives ``POST /api/v1/reports`` with 1,
4, 16 and 64 concurrent clients (each a thread with its own keep-alive
connection) and records throughput and p50/p99 latency. In the same run it
measures the practical limit: how fast the same PostgreSQL commits the same
rows (case, report, notification task) with no web layer in front, replaying
rows cloned from a real submission. It also times the receipt derivation.

    .venv/bin/python bench/intake.py --database postgres://postgres@127.0.0.1:5432/tipoff_bench

The database named is dropped and re-created. Results print as a Markdown
table and are written to bench/results/intake.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from common import free_port, percentile, recreate_database

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")


def run_clients(port: int, payload: bytes, clients: int, duration: float) -> dict:
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration
    start_gate = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad: dict[str, int] = {}
        start_gate.wait()
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/api/v1/reports",
                    body=payload,
                    headers={"Content-Type": "application/json", "Accept-Language": "en"},
                )
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 201 and b'"receipt"' in body
                key = "ok" if ok else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                key = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - t0
            if key == "ok":
                mine.append(elapsed)
            else:
                bad[key] = bad.get(key, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in bad.items():
                failures[k] = failures.get(k, 0) + v

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "completed": len(latencies),
        "errors": failures,
        "per_second": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def raw_commit_rate(url: str, clients: int, duration: float) -> dict:
    """Insert the rows one submission writes, cloned from a real one, with psycopg."""
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(url) as conn:
        tables = {}
        for table in ("cases_case", "reports_report", "django_tasks_database_dbtaskresult"):
            cur = conn.execute(f"SELECT * FROM {table} ORDER BY 1 DESC LIMIT 1")
            row = cur.fetchone()
            assert row is not None, f"no row in {table}: run a submission first"
            tables[table] = dict(zip([d.name for d in cur.description], row, strict=True))

    case_row = {k: v for k, v in tables["cases_case"].items() if k != "id"}
    report_row = {k: v for k, v in tables["reports_report"].items() if k not in ("id", "case_id")}
    json_columns = {"args_kwargs", "worker_ids", "return_value"}
    task_row = {
        k: (Jsonb(v) if isinstance(v, dict | list) or (k in json_columns and v is not None) else v)
        for k, v in tables["django_tasks_database_dbtaskresult"].items()
    }

    def insert_sql(table: str, columns: list[str], returning: bool) -> str:
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {table} ({cols}) VALUES ({marks})" + (
            " RETURNING id" if returning else ""
        )

    case_sql = insert_sql("cases_case", list(case_row), True)
    report_cols = [*report_row, "case_id"]
    report_sql = insert_sql("reports_report", report_cols, False)
    task_sql = insert_sql("django_tasks_database_dbtaskresult", list(task_row), False)
    counts = [0] * clients
    stop_at = time.perf_counter() + duration
    gate = threading.Barrier(clients + 1)

    def worker(index: int) -> None:
        with psycopg.connect(url) as conn:
            gate.wait()
            while time.perf_counter() < stop_at:
                with conn.transaction():
                    case_id = conn.execute(case_sql, list(case_row.values())).fetchone()[0]
                    values = dict(report_row)
                    values["public_id"] = uuid.uuid4()
                    values["receipt_lookup"] = secrets.token_bytes(32)
                    conn.execute(report_sql, [*values.values(), case_id])
                task = dict(task_row)
                task["id"] = uuid.uuid4()
                conn.execute(task_sql, list(task.values()))
                conn.commit()
                counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "per_second": sum(counts) / wall}


def receipt_derivation_ms(samples: int = 50) -> float:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipoff.settings")
    import django

    django.setup()
    from django.conf import settings

    from tipoff.lib import crypto, receipts

    params = crypto.KdfParams(ops=settings.RECEIPT_KDF_OPS, mem_kib=settings.RECEIPT_KDF_MEM_KIB)
    times = []
    for _ in range(samples):
        code = receipts.generate(settings.RECEIPT_DIGITS)
        t0 = time.perf_counter()
        receipts.derive(code, salt=bytes(16), params=params)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/tipoff_bench")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds per concurrency level"
    )
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "intake.json"))
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]

    recreate_database(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "TIPOFF_ENV": "development",
        "DEBUG": "false",
        "RATE_LIMITS_ENABLED": "false",  # every client here shares one address
        "TIPOFF_VAR_DIR": str(ROOT / "var" / "bench"),
        "LOG_LEVEL": "WARNING",
    }
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_load"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    unit_id = subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from tipoff.people.models import Unit; print(Unit.objects.filter(body__slug='demo').first().pk)",
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    payload = json.dumps(
        {
            "category": "banqueting",
            "unit": int(unit_id),
            "official_name": "王五",
            "official_position": "局长",
            "occurred_on": "2026-11-01",
            "place": "金龙大酒店",
            "what": "局长在金龙大酒店用公款宴请二十人，餐费约两万元，由单位报销。" * 3,
            "answers": {"venue": "金龙大酒店", "people": 20, "amount": 20000},
        }
    ).encode()

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tipoff.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--worker-tmp-dir",
            "/dev/shm",
            "--preload",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        run_clients(port, payload, args.workers * 2, 5.0)  # warm up every worker
        http_results = [run_clients(port, payload, n, args.duration) for n in levels]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    raw_results = [raw_commit_rate(args.database, n, min(args.duration, 10.0)) for n in levels]
    raw_best = max(r["per_second"] for r in raw_results)
    derive_ms = receipt_derivation_ms()
    best_http = max(r["per_second"] for r in http_results)
    result = {
        "command": " ".join([".venv/bin/python", "bench/intake.py", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpu_count": os.cpu_count(),
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "http": http_results,
        "raw_commit": raw_results,
        "raw_commit_best_per_second": raw_best,
        "http_best_per_second": best_http,
        "ratio_http_to_raw": best_http / raw_best,
        "receipt_derivation_median_ms": derive_ms,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))

    print(
        "| concurrent clients | submissions/s | p50 ms | p99 ms | errors | raw commits/s (same clients) |"
    )
    print("|---:|---:|---:|---:|---|---:|")
    for h, r in zip(http_results, raw_results, strict=True):
        errors = ", ".join(f"{k}: {v}" for k, v in h["errors"].items()) or "0"
        print(
            f"| {h['clients']} | {h['per_second']:.1f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {errors} | {r['per_second']:.0f} |"
        )
    print(
        f"\nbest HTTP {best_http:.1f}/s vs raw commit {raw_best:.0f}/s: ratio {best_http / raw_best:.2f}"
    )
    print(f"receipt derivation (Argon2id): median {derive_ms:.1f} ms")


if __name__ == "__main__":
    main()
