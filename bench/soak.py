"""Soak test: sustained submissions and staff reads at a fixed rate for several minutes.

The production layout on loopback (nginx with TLS, two app servers with two
gunicorn workers each, one ``db_worker``, PostgreSQL, SeaweedFS). Reporters
submit complete reports (every third with a photo) at ``--rate`` per second;
an intake officer, signed in once, reads case pages at ``--reads`` per second
(each read decrypts the report and writes an audit event). Each minute the
latency (p50/p99), errors, and the resident memory of every gunicorn worker
and of the worker process are recorded; gunicorn's worker recycling
(``max_requests``) is switched off so growth would show.

    .venv/bin/python bench/soak.py --minutes 5 --rate 4 --reads 4

Results go to bench/results/soak.json and print as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import (  # noqa: E402
    S3,
    Cluster,
    Http,
    Nginx,
    app_server,
    base_env,
    collect_static,
    create_database,
    drop_database,
    percentile,
    prepare_site,
    report_payload,
    small_jpeg,
    staff_session,
    worker,
)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def session_pids(leader: int) -> list[int]:
    """Every process of a session (gunicorn's master and workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == leader:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return sorted(pids)


def paced(rate: float, stop: threading.Event, action) -> None:
    interval = 1.0 / rate
    next_at = time.perf_counter()
    while not stop.is_set():
        action()
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=4.0, help="submissions per second")
    parser.add_argument("--reads", type=float, default=4.0, help="staff case reads per second")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/tipoff_prod_soak")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "soak.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tipoff-soak-") as tmp, Cluster(Path(tmp)) as cluster:
        directory = Path(tmp)
        s3 = S3(directory / "s3")
        s3.start()
        cluster.add(s3.proc)
        url = create_database(args.database, args.database.rsplit("/", 1)[1])
        cluster.cleanups.append(lambda: drop_database(url))
        env = base_env(
            database_url=url,
            var_dir=directory / "var",
            extra={
                **s3.env(),
                "RATE_LIMITS_ENABLED": "false",
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "GUNICORN_MAX_REQUESTS": "0",
            },
        )
        site = prepare_site(env)
        static_root = collect_static(env, directory / "var" / "static")
        apps = [cluster.add(app_server(f"app{i}", env, directory, workers=2)) for i in (1, 2)]
        nginx = Nginx(directory / "nginx", [a.port for a in apps], static_root)  # type: ignore[attr-defined]
        for app in apps:  # staff forms are posted through nginx's address
            app.env["CSRF_TRUSTED_ORIGINS"] = f"https://127.0.0.1:{nginx.https_port}"
            app.start()
        background = cluster.add(worker("worker1", env, directory))
        background.start()
        nginx.start()
        cluster.add(nginx.proc)
        import psycopg

        with psycopg.connect(url) as conn:
            unit_id = conn.execute("SELECT id FROM people_unit ORDER BY id LIMIT 1").fetchone()[0]
        payload = report_payload(unit_id)
        port = nginx.https_port
        base = f"https://127.0.0.1:{port}"
        staff = staff_session(base, "demo-intake", site["password"], site["totp"]["demo-intake"])

        lock = threading.Lock()
        samples: dict[str, list[float]] = {"submit": [], "read": []}
        errors: dict[str, int] = {}
        counter = [0]
        case_ids: list[int] = []
        stop = threading.Event()
        local = threading.local()

        def submit() -> None:
            http = getattr(local, "http", None)
            if http is None:
                http = local.http = Http(port, tls=True, source="127.0.0.31")
            counter[0] += 1
            t0 = time.perf_counter()
            try:
                status, _answer = http.submit(
                    payload, small_jpeg(counter[0]) if counter[0] % 3 == 0 else None
                )
                ok = status == 201
            except Exception as exc:
                ok, status = False, type(exc).__name__
            with lock:
                if ok:
                    samples["submit"].append(time.perf_counter() - t0)
                else:
                    errors[f"submit {status}"] = errors.get(f"submit {status}", 0) + 1

        def read() -> None:
            if not case_ids:
                with psycopg.connect(url) as conn:
                    case_ids.extend(r[0] for r in conn.execute("SELECT id FROM cases_case"))
                if not case_ids:
                    return
            pk = case_ids[counter[0] % len(case_ids)]
            t0 = time.perf_counter()
            try:
                status = staff.get(f"/office/cases/{pk}/").status_code
            except Exception as exc:
                status = type(exc).__name__
            with lock:
                if status == 200:
                    samples["read"].append(time.perf_counter() - t0)
                else:
                    errors[f"read {status}"] = errors.get(f"read {status}", 0) + 1
            if counter[0] % 50 == 0:
                case_ids.clear()  # pick up new cases now and then

        threads = [
            threading.Thread(target=paced, args=(args.rate, stop, submit), daemon=True),
            threading.Thread(target=paced, args=(args.reads, stop, read), daemon=True),
        ]
        for t in threads:
            t.start()
        minutes = []
        started = time.monotonic()
        for minute in range(int(args.minutes * 60 // 60) or 1):
            time.sleep(max(0.0, started + 60 * (minute + 1) - time.monotonic()))
            with lock:
                sub, rd, errs = samples["submit"], samples["read"], dict(errors)
                samples["submit"], samples["read"] = [], []
                errors.clear()
            web = {
                pid: rss_kib(pid)
                for app in apps
                for pid in session_pids(app.popen.pid)  # type: ignore[union-attr]
                if pid != app.popen.pid  # type: ignore[union-attr]
            }
            row = {
                "minute": minute + 1,
                "submissions": len(sub),
                "submit_p50_ms": percentile(sub, 0.5) * 1000,
                "submit_p99_ms": percentile(sub, 0.99) * 1000,
                "reads": len(rd),
                "read_p50_ms": percentile(rd, 0.5) * 1000,
                "read_p99_ms": percentile(rd, 0.99) * 1000,
                "errors": errs,
                "web_worker_rss_mib": round(sum(web.values()) / len(web) / 1024, 1) if web else 0,
                "web_worker_rss_max_mib": round(max(web.values()) / 1024, 1) if web else 0,
                "task_worker_rss_mib": round(rss_kib(background.popen.pid) / 1024, 1),  # type: ignore[union-attr]
                "load_average": os.getloadavg()[0],
            }
            minutes.append(row)
            print(json.dumps(row), flush=True)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        with psycopg.connect(url) as conn:
            tasks = dict(
                conn.execute(
                    "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
                ).fetchall()
            )
    out = {
        "command": " ".join([".venv/bin/python", "bench/soak.py", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rate_per_second": {"submissions": args.rate, "staff_reads": args.reads},
        "minutes": minutes,
        "tasks_at_end": tasks,
    }
    Path(args.out).write_text(json.dumps(out, indent=2))
    print(
        "| minute | submissions | p50 | p99 | staff reads | p50 | p99 | errors | web worker RSS (avg / max) | task worker RSS |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in minutes:
        errs = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "0"
        print(
            f"| {r['minute']} | {r['submissions']} | {r['submit_p50_ms']:.0f} ms | {r['submit_p99_ms']:.0f} ms"
            f" | {r['reads']} | {r['read_p50_ms']:.0f} ms | {r['read_p99_ms']:.0f} ms | {errs}"
            f" | {r['web_worker_rss_mib']} / {r['web_worker_rss_max_mib']} MiB | {r['task_worker_rss_mib']} MiB |"
        )


if __name__ == "__main__":
    main()
