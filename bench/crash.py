"""Crash test: submissions with evidence while app server, workers and PostgreSQL are SIGKILLed.

A private PostgreSQL cluster (so killing it hurts nobody else), SeaweedFS as
the object store, one gunicorn app server (2 workers) and two ``db_worker``s.
Client threads submit complete reports with a photo, as bench/intake.py does,
and keep every receipt they are given. Meanwhile, round after round, one of
the app server, a worker or PostgreSQL is killed with SIGKILL (its whole
process group) and started again; a process that died of the outage (a worker
losing its database) is restarted too, as systemd would. Afterwards:

* every receipt a client was given opens its report through the API, with its
  photo, which decrypts;
* no report exists twice or half-written (each has exactly its one evidence row);
* orphaned evidence (written before a transaction that never committed) is
  found by the orphan sweep and shredded, after which the bucket holds exactly
  the referenced blobs;
* no task is lost (tasks left RUNNING by a killed worker are recovered) and
  ``verify_audit`` passes.

    .venv/bin/python bench/crash.py --rounds 12          # the long run (docs/performance.md)

The small version runs in the test suite (tests/production/test_crash.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import (  # noqa: E402
    S3,
    Cluster,
    Http,
    PrivatePostgres,
    app_server,
    base_env,
    collect_static,
    create_database,
    manage,
    prepare_site,
    report_payload,
    small_jpeg,
    staff_session,
    worker,
)

CHECK_SWEEP = """
import datetime, json
from django.db.models import Count
from tipoff.reports.models import Evidence, Report
from tipoff.reports.sweep import referenced_blob_names, stored_blob_names, orphans_sweep
from tipoff.ops.tasks import tasks_recover_stale
stored = set(stored_blob_names())
referenced = referenced_blob_names()
orphans_before = len(stored - referenced)
missing = len(referenced - stored)
shredded = orphans_sweep(grace=datetime.timedelta(0))
left = len(set(stored_blob_names()) - referenced_blob_names())
bad = Report.objects.annotate(n=Count("evidence")).exclude(n=1).count()
recovered = tasks_recover_stale(older_than=datetime.timedelta(seconds=5))
print(json.dumps({"orphans_found": orphans_before, "shredded": shredded, "orphans_left": left,
                  "referenced_missing": missing, "reports": Report.objects.count(),
                  "reports_not_one_file": bad, "stale_tasks_recovered": recovered}))
"""


def run_crash(directory: Path, *, rounds: int, clients: int = 3, log=print, seed: int = 7) -> dict:
    rng = random.Random(seed)
    started = time.monotonic()
    with Cluster(directory) as cluster:
        pg = PrivatePostgres()
        cluster.cleanups.append(pg.remove)
        pg.start()
        cluster.add(pg.proc)
        s3 = S3(directory / "s3")
        s3.start()
        cluster.add(s3.proc)
        url = create_database(pg.url("postgres"), "tipoff")
        env = base_env(
            database_url=url,
            var_dir=directory / "var",
            extra={
                **s3.env(),
                "RATE_LIMITS_ENABLED": "false",
                "DB_CONN_MAX_AGE": "0",
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                # The clients talk to gunicorn directly here (no TLS proxy in front).
                "TLS": "false",
                "BEHIND_TLS_PROXY": "false",
                "TRUSTED_PROXY_HOPS": "0",
            },
        )
        site = prepare_site(env)
        collect_static(env, directory / "var" / "static")
        app = cluster.add(app_server("app", env, directory, workers=2))
        app.start()
        workers = [cluster.add(worker(f"worker{i}", env, directory)) for i in (1, 2)]
        for item in workers:
            item.start()
        import psycopg

        with psycopg.connect(url) as conn:
            unit_id = conn.execute("SELECT id FROM people_unit ORDER BY id LIMIT 1").fetchone()[0]
        payload = report_payload(unit_id)

        stop = threading.Event()
        given: list[str] = []
        failures: dict[str, int] = {}
        lock = threading.Lock()

        def client(index: int) -> None:
            http = Http(app.port, timeout=30)  # type: ignore[attr-defined]
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    status, answer = http.submit(payload, small_jpeg(index * 1000 + n))
                    key = "ok" if status == 201 else f"HTTP {status}"
                except Exception as exc:
                    key, status, answer = type(exc).__name__, 0, {}
                with lock:
                    if status == 201:
                        given.append(answer["receipt"])
                    else:
                        failures[key] = failures.get(key, 0) + 1
                if status != 201:
                    time.sleep(0.3)

        staff_reads: dict[str, int] = {}

        def staff_reader() -> None:
            # An intake officer reads cases all along: every read is an audit event.
            base = f"http://127.0.0.1:{app.port}"  # type: ignore[attr-defined]
            session = staff_session(
                base, "demo-intake", site["password"], site["totp"]["demo-intake"]
            )
            while not stop.is_set():
                try:
                    with psycopg.connect(url, connect_timeout=3) as conn:
                        pks = [
                            r[0]
                            for r in conn.execute(
                                "SELECT id FROM cases_case ORDER BY random() LIMIT 3"
                            )
                        ]
                    for pk in pks:
                        code = str(session.get(f"/office/cases/{pk}/").status_code)
                        staff_reads[code] = staff_reads.get(code, 0) + 1
                except Exception as exc:
                    name = type(exc).__name__
                    staff_reads[name] = staff_reads.get(name, 0) + 1
                time.sleep(0.5)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        threads.append(threading.Thread(target=staff_reader, daemon=True))
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while not given and time.monotonic() < deadline:  # the first receipts before the first kill
            time.sleep(0.5)
        targets = [app, workers[0], pg.proc, workers[1]]
        kills: list[str] = []
        restarts_after_outage = 0
        for round_ in range(rounds):
            time.sleep(rng.uniform(2.0, 4.0))
            target = targets[round_ % len(targets)]
            log(
                f"round {round_ + 1}/{rounds}: SIGKILL {target.name} ({len(given)} receipts so far)"
            )
            target.kill()
            kills.append(target.name)
            time.sleep(rng.uniform(0.2, 1.0))
            target.start(timeout=180)
            for proc in [app, *workers]:  # what died of the outage comes back, as under systemd
                if not proc.alive():
                    restarts_after_outage += 1
                    proc.start(timeout=180)
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        # Let the workers finish what is queued.
        with psycopg.connect(url) as conn:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                ready = conn.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
                ).fetchone()[0]
                if ready == 0:
                    break
                time.sleep(0.5)
            time.sleep(2)

        # Every receipt opens its report with its photo.
        opened = with_photo = 0
        http = Http(app.port, timeout=30)  # type: ignore[attr-defined]
        unopened: list[str] = []
        for receipt in given:
            status, answer = http.followup(receipt)
            if status != 200:
                unopened.append(receipt)
                continue
            opened += 1
            files = answer.get("evidence", [])
            if len(files) == 1:
                code, _h, data = http.request(
                    "GET",
                    f"/api/v1/followup/evidence/{files[0]['id']}",
                    headers={"X-Receipt": receipt},
                )
                with_photo += code == 200 and data[:3] == b"\xff\xd8\xff"
        http.close()

        sweep = json.loads(manage(env, "shell", "-c", CHECK_SWEEP).strip().splitlines()[-1])
        with psycopg.connect(url) as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                pending = conn.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                    "WHERE status IN ('READY', 'RUNNING')"
                ).fetchone()[0]
                if pending == 0:
                    break
                time.sleep(0.5)
            tasks = dict(
                conn.execute(
                    "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
                ).fetchall()
            )
            notified = conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'tipoff.reports.tasks.notify_new_report'"
            ).fetchone()[0]
            duplicates = conn.execute(
                "SELECT count(*) FROM (SELECT receipt_lookup FROM reports_report "
                "GROUP BY receipt_lookup HAVING count(*) > 1) d"
            ).fetchone()[0]
        audit = manage(env, "verify_audit").strip()
        keys_after = s3.object_names()
    return {
        "rounds": rounds,
        "kills": kills,
        "restarted_after_outage": restarts_after_outage,
        "seconds": round(time.monotonic() - started, 1),
        "receipts_given": len(given),
        "receipts_unique": len(set(given)) == len(given),
        "receipts_opened": opened,
        "receipts_unopened": unopened,
        "opened_with_photo": with_photo,
        "client_failures": failures,
        "reports_in_database": sweep["reports"],
        "committed_but_answer_lost": sweep["reports"] - len(given),
        "duplicate_receipts": duplicates,
        "reports_not_exactly_one_file": sweep["reports_not_one_file"],
        "orphans_found": sweep["orphans_found"],
        "orphans_shredded": sweep["shredded"],
        "orphans_left": sweep["orphans_left"],
        "referenced_blobs_missing": sweep["referenced_missing"],
        "bucket_objects_after": len(keys_after),
        "stale_tasks_recovered": sweep["stale_tasks_recovered"],
        "tasks": tasks,
        "notification_tasks": notified,
        "staff_case_reads": staff_reads,
        "verify_audit": audit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "crash.json"))
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tipoff-crash-") as tmp:
        result = run_crash(Path(tmp), rounds=args.rounds, clients=args.clients)
    result["command"] = " ".join([".venv/bin/python", "bench/crash.py", *sys.argv[1:]])
    result["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
