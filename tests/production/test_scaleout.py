"""Two app servers and two workers behind nginx, one PostgreSQL, one object store.

A load of submissions (with and without evidence), follow-ups and staff
actions goes through nginx (TLS) from many loopback addresses at once. Then:
every report arrived once and opens with its receipt, every task ran once
(and each new report was mailed once), abuse limits held across both servers,
both servers and both workers took part, the audit chain verifies, static
files and probes behave as deployed, and no client address reached a log.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.header import decode_header, make_header

import psycopg
import pytest

from bench.cluster import (
    S3,
    Cluster,
    Http,
    Nginx,
    app_server,
    base_env,
    collect_static,
    create_database,
    drop_database,
    http_status,
    manage,
    prepare_site,
    report_payload,
    small_jpeg,
    staff_session,
    worker,
)
from tests.production.conftest import LONG, postgres_server_url

pytestmark = [pytest.mark.production, pytest.mark.timeout(900)]

CLIENTS = 16 if LONG else 6
REPORTS_EACH = 8 if LONG else 3
LIMIT = 5  # SUBMISSIONS_PER_CLIENT_PER_HOUR for this cluster


def test_two_app_servers_two_workers_behind_nginx(parts, smtp_sink, tmp_path):
    server_url = postgres_server_url()
    with Cluster(tmp_path) as cluster:
        s3 = S3(tmp_path / "s3")
        s3.start()
        cluster.add(s3.proc)
        url = create_database(server_url, f"tipoff_prod_scale_{id(cluster) % 100000}")
        cluster.cleanups.append(lambda: drop_database(url))
        env = base_env(
            database_url=url,
            var_dir=tmp_path / "var",
            extra={
                **s3.env(),
                "SUBMISSIONS_PER_CLIENT_PER_HOUR": str(LIMIT),
                "EMAIL_HOST": smtp_sink.host,
                "EMAIL_PORT": str(smtp_sink.port),
            },
        )
        site = prepare_site(env)
        static_root = collect_static(env, tmp_path / "var" / "static")
        apps = [cluster.add(app_server(f"app{i}", env, tmp_path)) for i in (1, 2)]
        nginx = Nginx(tmp_path / "nginx", [a.port for a in apps], static_root)  # type: ignore[attr-defined]
        env["CSRF_TRUSTED_ORIGINS"] = f"https://127.0.0.1:{nginx.https_port}"
        for app in apps:
            app.env["CSRF_TRUSTED_ORIGINS"] = env["CSRF_TRUSTED_ORIGINS"]
            app.start()
        workers = [cluster.add(worker(f"worker{i}", env, tmp_path)) for i in (1, 2)]
        for item in workers:
            item.start()
        nginx.start()
        cluster.add(nginx.proc)
        port = nginx.https_port
        with psycopg.connect(url) as conn:
            unit_id = conn.execute(
                "SELECT u.id FROM people_unit u JOIN people_body b ON b.id = u.body_id "
                "WHERE b.slug = 'demo' ORDER BY u.id LIMIT 1"
            ).fetchone()[0]
        payload = report_payload(unit_id)
        jpeg = small_jpeg()

        # --- the load: many clients, each from its own address ---------------------
        def client_run(index: int) -> dict:
            http = Http(port, tls=True, source=f"127.0.0.{20 + index}")
            out = {"receipts": [], "statuses": Counter(), "followups": 0, "messages": 0}
            for n in range(REPORTS_EACH):
                status, answer = http.submit(payload, jpeg if n % 2 == 0 else None)
                out["statuses"][status] += 1
                if status == 201:
                    out["receipts"].append((answer["receipt"], 1 if n % 2 == 0 else 0))
            for receipt, _files in out["receipts"]:
                status, _ = http.followup(receipt)
                out["followups"] += status == 200
                out["messages"] += http.message(receipt, "还有一件事：发票在财务科。") == 201
            http.close()
            return out

        staff_done = threading.Event()
        staff_result: dict = {}

        def staff_run() -> None:
            try:
                session = staff_session(
                    f"https://127.0.0.1:{port}",
                    "demo-intake",
                    site["password"],
                    site["totp"]["demo-intake"],
                )
                cases: list[int] = []
                deadline = time.monotonic() + 300
                while len(cases) < 8 and time.monotonic() < deadline:  # let reports arrive
                    time.sleep(0.5)
                    with psycopg.connect(url) as conn:
                        cases = [
                            r[0] for r in conn.execute("SELECT id FROM cases_case ORDER BY id")
                        ]
                reads = sum(
                    session.get(f"/office/cases/{pk}/").status_code == 200 for pk in cases[:8]
                )
                accepted = 0
                for pk in cases[:4]:
                    page = session.get(f"/office/cases/{pk}/")
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
                    answer = session.post(
                        f"/office/cases/{pk}/do/accept/",
                        data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                        headers={"Referer": f"https://127.0.0.1:{port}/office/cases/{pk}/"},
                    )
                    accepted += answer.status_code in (200, 302)
                staff_result.update(reads=reads, accepted=accepted, cases=len(cases))
            finally:
                staff_done.set()

        staff_thread = threading.Thread(target=staff_run)
        staff_thread.start()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(client_run, range(CLIENTS)))
        staff_thread.join(timeout=300)

        # --- abuse limits across both servers: one address over its budget --------
        limited = Http(port, tls=True, source="127.0.0.250")
        limited_statuses = [limited.submit(payload)[0] for _ in range(LIMIT + 3)]
        limited.close()

        # --- every task runs, once ---------------------------------------------------
        with psycopg.connect(url) as conn:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                waiting = conn.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                    "WHERE status IN ('READY', 'RUNNING')"
                ).fetchone()[0]
                if waiting == 0:
                    break
                time.sleep(0.5)
            tasks = conn.execute(
                "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
            ).fetchall()
            reports = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
            references = {
                f"{created:%Y}-{pk:06d}"
                for pk, created in conn.execute("SELECT id, created_at FROM cases_case")
            }
            evidence_rows = conn.execute("SELECT count(*) FROM reports_evidence").fetchone()[0]

        receipts = [r for out in results for r in out["receipts"]]
        statuses = sum((out["statuses"] for out in results), Counter())
        assert statuses == Counter({201: CLIENTS * REPORTS_EACH}), statuses
        assert len({r for r, _ in receipts}) == len(receipts) == CLIENTS * REPORTS_EACH
        assert limited_statuses == [201] * LIMIT + [429] * 3, limited_statuses
        assert reports == len(receipts) + LIMIT, "every report arrived exactly once"
        assert evidence_rows == sum(files for _, files in receipts)
        assert sum(out["followups"] for out in results) == len(receipts)
        assert sum(out["messages"] for out in results) == len(receipts)
        assert staff_result == {"reads": 8, "accepted": 4, "cases": staff_result["cases"]}

        assert all(status == "SUCCESSFUL" for _path, status, _w in tasks), Counter(
            s for _p, s, _w in tasks
        )
        assert all(len(ids) == 1 for _p, _s, ids in tasks), "a task ran twice"
        assert {ids[0] for _p, _s, ids in tasks} <= {"worker1", "worker2"}
        paths = Counter(path for path, _s, _w in tasks)
        assert paths["tipoff.reports.tasks.notify_new_report"] == reports
        assert paths["tipoff.reports.tasks.notify_reporter_message"] == len(receipts)
        mailed = Counter(
            m
            for message in smtp_sink.messages
            for m in re.findall(
                r"New report (\d{4}-\d{6})", str(make_header(decode_header(message["Subject"])))
            )
        )
        assert set(mailed) == references and set(mailed.values()) == {1}, "one mail per report"

        # --- both servers served; metrics only with the token, not through nginx ---
        served = []
        for app in apps:
            status, _h, text = Http(app.port).request(  # type: ignore[attr-defined]
                "GET", "/metrics", headers={"Authorization": "Bearer cluster-metrics-token"}
            )
            assert status == 200
            served.append(
                sum(
                    float(v)
                    for v in re.findall(
                        r'tipoff_http_requests_total\{method="POST",route="api/v1/reports[^"]*",status="201"\} (\S+)',
                        text.decode(),
                    )
                )
            )
            assert 'tipoff_task_queue{status="SUCCESSFUL"}' in text.decode()
        assert all(count > 0 for count in served), served
        assert http_status(port, "/metrics", tls=True) == 404
        assert http_status(port, "/readyz", tls=True) == 404
        assert http_status(port, "/healthz", tls=True) == 200

        # --- static files: hashed, compressed, cached for a year --------------------
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        hashed = manifest["tipoff/css/site.css"]
        status, headers, _body = Http(port, tls=True).request(
            "GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
        )
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert (
            "immutable" in headers["Cache-Control"]
            and "max-age=31536000" in headers["Cache-Control"]
        )

        assert manage(env, "verify_audit").strip()
        cluster_logs = "".join(
            path.read_text(errors="replace")
            for path in tmp_path.rglob("*.log")
            if "s3" not in path.parts
        )
    for index in range(CLIENTS):
        assert f"127.0.0.{20 + index}" not in cluster_logs, "a client address reached a log"
    assert "127.0.0.250" not in cluster_logs
    assert "Traceback" not in cluster_logs, cluster_logs[-3000:]
