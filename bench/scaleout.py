"""Scale-out benchmark: submissions per second with 1, 2 and 4 app servers behind nginx.

The production layout on loopback: Debian's nginx (TLS, deploy/nginx/tipoff.conf)
in front of N gunicorn app servers with one sync worker each, one PostgreSQL (the
machine's server, a fresh database), two ``db_worker``s, evidence in SeaweedFS.
For each N, client threads with their own keep-alive TLS connections post
complete reports (as bench/intake.py does) for ``--duration`` seconds. In the
same run, the raw commit rate: the same PostgreSQL inserting the same rows
(case, report, task) with psycopg and no web layer (bench/intake.py's method).

    .venv/bin/python bench/scaleout.py --servers 1,2,4 --clients 8 --duration 20

Results print as a Markdown table and go to bench/results/scaleout.json.
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
sys.path.insert(0, str(ROOT / "bench"))

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
    worker,
)


def drive(port: int, payload: dict, clients: int, duration: float) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        http = Http(port, tls=True, source=f"127.0.0.{10 + index}")
        mine, bad = [], {}
        gate.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                status, answer = http.submit(payload)
                key = "ok" if status == 201 and "receipt" in answer else f"HTTP {status}"
            except Exception as exc:
                key = type(exc).__name__
            if key == "ok":
                mine.append(time.perf_counter() - t0)
            else:
                bad[key] = bad.get(key, 0) + 1
        http.close()
        with lock:
            latencies.extend(mine)
            for k, v in bad.items():
                errors[k] = errors.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + duration
    started = time.perf_counter()
    gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "completed": len(latencies),
        "per_second": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", default="1,2,4")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/tipoff_prod_scalebench"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scaleout.json"))
    args = parser.parse_args()
    from intake import raw_commit_rate

    levels = [int(n) for n in args.servers.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="tipoff-scale-") as tmp, Cluster(Path(tmp)) as cluster:
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
            },
        )
        prepare_site(env)
        static_root = collect_static(env, directory / "var" / "static")
        workers = [worker("worker1", env, directory), worker("worker2", env, directory)]
        for item in workers:
            cluster.add(item).start()
        import psycopg

        with psycopg.connect(url) as conn:
            unit_id = conn.execute("SELECT id FROM people_unit ORDER BY id LIMIT 1").fetchone()[0]
        payload = report_payload(unit_id)
        for count in levels:
            apps = [app_server(f"app{count}-{i}", env, directory, workers=1) for i in range(count)]
            for app in apps:
                cluster.add(app).start()
            nginx = Nginx(directory / f"nginx{count}", [a.port for a in apps], static_root)  # type: ignore[attr-defined]
            nginx.start()
            cluster.add(nginx.proc)
            drive(nginx.https_port, payload, count * 2, 4.0)  # warm up every server
            result = drive(nginx.https_port, payload, args.clients, args.duration)
            result["app_servers"] = count
            rows.append(result)
            print(f"{count} app server(s): {result}", flush=True)
            for proc in [nginx.proc, *apps]:
                proc.stop()
        for item in workers:  # the raw rows must not become work for them
            item.stop()
        raw = raw_commit_rate(url, args.clients, min(args.duration, 10.0))
    best = max(r["per_second"] for r in rows)
    out = {
        "command": " ".join([".venv/bin/python", "bench/scaleout.py", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "clients": args.clients,
        "duration_s": args.duration,
        "levels": rows,
        "raw_commit_per_second": raw["per_second"],
        "ratios_to_raw": {r["app_servers"]: r["per_second"] / raw["per_second"] for r in rows},
    }
    Path(args.out).write_text(json.dumps(out, indent=2))
    print("| app servers | submissions/s | p50 | p99 | errors | ratio to raw commits |")
    print("|---:|---:|---:|---:|---|---:|")
    for r in rows:
        errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "0"
        print(
            f"| {r['app_servers']} | {r['per_second']:.1f} | {r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms"
            f" | {errors} | {r['per_second'] / raw['per_second']:.3f} |"
        )
    print(
        f"raw commit rate, {args.clients} connections: {raw['per_second']:.0f}/s; best HTTP {best:.1f}/s"
    )


if __name__ == "__main__":
    main()
