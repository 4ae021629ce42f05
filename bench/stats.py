"""Statistics benchmark: the public statistics page and API over a million reports.

Makes a fresh PostgreSQL database with the demo body, then writes N reports
and their cases with ``COPY`` (three years of them, about a third still open,
the rest rejected, decided or closed, with approved decisions and measures as
the office would leave them). The contents are random bytes, not encrypted
documents: statistics never read them, and sealing a million would take
longer than everything else. Then:

1. the roll-ups are built from nothing by the same job that keeps them
   (``stats_refresh``'s first run, all cases in batches) — timed;
2. the periodic job is timed with nothing new, and with a batch of fresh
   reports and status changes (what decides how old the figures can be);
3. the statistics page and ``/api/v1/stats/…`` are requested with Django's
   test client against the real database: *cold* (cache emptied before every
   request, as after each roll-up change) and *warm* — p50 and p95 (after one
   unmeasured request per address, which loads templates and catalogues).

    .venv/bin/python bench/stats.py --reports 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/tipoff_stats_bench

Results print as a Markdown table and go to bench/results/stats.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from common import percentile, recreate_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHANNELS = ["web"] * 40 + ["wechat"] * 30 + ["sms"] * 10 + ["email"] * 10 + ["telegram"] * 5
CHANNELS += ["api"] * 5


def setup_django(database: str) -> None:
    os.environ.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="tipoff.settings",
        TIPOFF_ENV="development",
        DEBUG="false",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def prepare() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from tipoff.office.decisions import sanction_kinds_seed
    from tipoff.people.demo import load_people

    body, _recovery, staff = load_people()
    sanction_kinds_seed(body=body)
    return {"body": body, "staff": staff}


def generate(count: int, world: dict, seed: int = 2026) -> dict:
    """``count`` reports over the last three years, written with COPY."""
    from django.db import connection
    from django.utils import timezone

    from tipoff.cases.models import SanctionKind
    from tipoff.people.models import Category, Unit

    rng = random.Random(seed)
    body = world["body"]
    leader = world["staff"]["demo-leader"]
    inspector = world["staff"]["demo-inspector"]
    categories = list(Category.objects.filter(body=body).values_list("pk", flat=True))
    units = [*Unit.objects.filter(body=body).values_list("pk", flat=True), None]
    kinds = list(SanctionKind.objects.filter(body=body).values_list("pk", flat=True))[:6]
    cat_w = [(len(categories) - i) ** 2 for i in range(len(categories))]
    unit_w = [(len(units) - i) ** 2 for i in range(len(units))]
    now = timezone.now()
    span = 3 * 365 * 86400
    blob = b"\x00" * 48  # stands for a sealed key or an encrypted document
    started = time.perf_counter()
    raw = connection.connection  # psycopg 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        first_id = cursor.fetchone()[0] + 1
    decision_id = 0
    sanctions = 0
    with raw.cursor() as cur:
        with cur.copy(
            "COPY cases_case (id, body_id, status, created_at, updated_at, acknowledge_due, "
            "conclude_due, acknowledged_at, closed_at, reporter_note, sealed_key, team_id, "
            "assignee_id) FROM STDIN"
        ) as cases_copy:
            plan = []
            for i in range(count):
                case_id = first_id + i
                created = now - dt.timedelta(seconds=rng.randint(60, span))
                ack = created + dt.timedelta(hours=rng.randint(2, 24 * 10))
                concluded = created + dt.timedelta(days=rng.randint(15, 130))
                roll = rng.random()
                finding = None
                if ack > now:
                    status, ack_at = "received", None
                elif roll < 0.15:
                    status, ack_at = "rejected", ack
                elif concluded > now or roll < 0.25:
                    status, ack_at = "investigating", ack
                else:
                    status = "closed" if rng.random() < 0.7 else "decided"
                    ack_at = ack
                    finding = rng.choices(["founded", "partly", "unfounded"], [55, 10, 35])[0]
                handled = status not in ("received", "rejected")
                cases_copy.write_row(
                    (
                        case_id,
                        body.pk,
                        status,
                        created,
                        concluded if finding else (ack_at or created),
                        created + dt.timedelta(days=body.acknowledge_days),
                        created + dt.timedelta(days=body.conclude_days),
                        ack_at,
                        concluded if status == "closed" else None,
                        "",
                        blob,
                        inspector.team_id if handled else None,
                        inspector.pk if handled else None,
                    )
                )
                plan.append((case_id, created, finding, concluded))
        with cur.copy(
            "COPY reports_report (public_id, body_id, case_id, channel, category_id, unit_id, "
            "legacy_district, is_named, language, received_at, receipt_lookup, sealed_key, "
            "reporter_wrapped_key, content) FROM STDIN"
        ) as reports_copy:
            for case_id, created, _finding, _concluded in plan:
                reports_copy.write_row(
                    (
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        body.pk,
                        case_id,
                        rng.choice(CHANNELS),
                        rng.choices(categories, cat_w)[0],
                        rng.choices(units, unit_w)[0],
                        b"",
                        False,
                        "zh-hans",
                        created,
                        case_id.to_bytes(8, "big") + b"\x01" * 24,
                        blob,
                        blob,
                        blob,
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM cases_decision")
            decision_id = cursor.fetchone()[0]
        with cur.copy(
            "COPY cases_decision (id, case_id, state, finding, summary, reasoning, proposed_by_id, "
            "proposed_at, approved_by_id, approved_at) FROM STDIN"
        ) as decisions_copy:
            measures = []
            for case_id, _created, finding, concluded in plan:
                if not finding:
                    continue
                decision_id += 1
                decisions_copy.write_row(
                    (
                        decision_id,
                        case_id,
                        "approved",
                        finding,
                        "",
                        blob,
                        inspector.pk,
                        concluded - dt.timedelta(days=2),
                        leader.pk,
                        concluded,
                    )
                )
                if finding != "unfounded":
                    for _ in range(rng.choices([1, 2], [80, 20])[0]):
                        measures.append(
                            (decision_id, rng.choices(kinds, [40, 25, 15, 12, 8, 5])[0])
                        )
        with cur.copy(
            "COPY cases_decisionsanction (decision_id, kind_id, official) FROM STDIN"
        ) as sanctions_copy:
            for decision, kind in measures:
                sanctions_copy.write_row((decision, kind, blob))
            sanctions = len(measures)
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_decision"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return {
        "reports": count,
        "decisions": decision_id,
        "measures": sanctions,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }


def timed(client, url: str, runs: int, cold: bool) -> dict:
    from django.core.cache import cache

    times = []
    status = 0
    for _ in range(runs):
        if cold:
            cache.clear()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    return {
        "url": url,
        "cold": cold,
        "status": status,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def job_timings(world: dict) -> dict:
    """The periodic job with nothing new, and after a burst of real activity."""
    from tipoff.cases.models import Case
    from tipoff.office import triage
    from tipoff.reports.services import ReportInput, report_submit
    from tipoff.transparency.stats_rollup import stats_refresh

    body = world["body"]
    out = {}
    t0 = time.perf_counter()
    stats_refresh()
    out["job_idle_seconds"] = round(time.perf_counter() - t0, 2)
    from tipoff.people.demo import DEMO_PASSWORD
    from tipoff.people.models import Category
    from tipoff.people.services import staff_body_keys

    intake = world["staff"]["demo-intake"]
    key = staff_body_keys(user=world["staff"]["demo-admin"], password=DEMO_PASSWORD)[body.pk]
    category = Category.objects.filter(body=body, code="bribery").first()
    fresh = []
    for _ in range(50):
        fresh.append(
            report_submit(
                data=ReportInput(
                    body=body,
                    channel="web",
                    category_id=category.pk,
                    what="基准测试：某局长上周在酒店用公款宴请二十多人，花费约两万元。",
                    official_name="测试",
                    official_position="科长",
                )
            ).report.case
        )
    for case in fresh[:25]:
        triage.case_accept(case=Case.objects.get(pk=case.pk), actor=intake, body_key=key)
    t0 = time.perf_counter()
    changed = stats_refresh()
    out["job_after_50_reports_25_accepted_seconds"] = round(time.perf_counter() - t0, 2)
    out["job_after_burst_facts_changed"] = changed
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/tipoff_stats_bench"
    )
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data and roll-ups of an earlier run again (no generation)",
    )
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(args.database)
    setup_django(args.database)
    from django.db import connection
    from django.test import Client

    from tipoff.transparency.models import OutcomeCell, ReportFact
    from tipoff.transparency.stats import years_available
    from tipoff.transparency.stats_rollup import stats_refresh

    path = ROOT / "bench" / "results" / "stats.json"
    if args.reuse:
        from tipoff.people.models import Body, User

        body = Body.objects.get(is_default=True)
        world = {"body": body, "staff": {u.username: u for u in User.objects.filter(body=body)}}
        facts = json.loads(path.read_text())["facts"] if path.exists() else {}
    else:
        world = prepare()
        facts = generate(args.reports, world)
        print(f"generated {facts}", file=sys.stderr)
        t0 = time.perf_counter()
        stats_refresh()
        facts["rollup_build_seconds"] = round(time.perf_counter() - t0, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"roll-ups built: {facts}", file=sys.stderr)
    facts["report_facts"] = ReportFact.objects.count()
    facts["outcome_cells"] = OutcomeCell.objects.count()
    facts.update(job_timings(world))
    print(f"job: {facts}", file=sys.stderr)

    body = world["body"]
    year = years_available(body)[0]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    results = []
    for name, url in [
        ("page, latest year", f"/transparency/statistics/?year={year}"),
        ("page, all years", "/transparency/statistics/?year=all"),
        ("API, latest year", f"/api/v1/stats/{body.slug}?year={year}"),
        ("API, all years", f"/api/v1/stats/{body.slug}?year=all"),
        ("home page (headline)", "/"),
    ]:
        client.get(url)  # the process's first rendering (templates, catalogues) is not measured
        for cold in (True, False):
            row = timed(client, url, args.runs, cold)
            row["name"] = name
            results.append(row)
            print(
                f"  {name} {'cold' if cold else 'warm'}: p50 {row['p50_ms']} ms, "
                f"p95 {row['p95_ms']} ms ({row['status']})",
                file=sys.stderr,
            )
    out = {
        "machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end",
        "database": "PostgreSQL",
        "facts": facts,
        "results": results,
        "runs": args.runs,
    }
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n")
    print("\n| request | cold p50 | cold p95 | warm p50 | warm p95 |")
    print("|---|---:|---:|---:|---:|")
    for i in range(0, len(results), 2):
        c, w = results[i], results[i + 1]
        print(
            f"| {c['name']} | {c['p50_ms']} ms | {c['p95_ms']} ms | "
            f"{w['p50_ms']} ms | {w['p95_ms']} ms |"
        )


if __name__ == "__main__":
    main()
