"""Back-office benchmark: the office's pages and operations at 100,000 reports.

Makes a fresh PostgreSQL database with the demo body and its staff, then
generates N realistic reports quickly — bulk inserts, but with the same
encryption as intake (a data key per report sealed to the body, the report
document under it, a case key per case). Receipts are not derived (9 ms of
Argon2id each would take longer than everything else; the office never uses
them): those rows get random lookup tokens. About a third of the cases are
open, the rest decided, closed, rejected or merged; one rare word sits in
exactly ``RARE`` reports spread over the whole history, and one old open case
has a near-duplicate among the newest reports.

Then, signed in as the demo administrator (password and TOTP, like a person),
it measures with Django's test client against the real database:

* the queue pages (triage, all, overdue), first page;
* the case page of the newest report (duplicates and routing included);
* duplicate suggestions alone, for that case;
* search for the rare word (every match must be found), and for a common word;
* the CSV export of everything (time, rows, peak memory of the process).

    .venv/bin/python bench/office.py --reports 100000 \\
        --database postgres://postgres@127.0.0.1:5432/tipoff_office_bench

The database is dropped and re-created unless --reuse is given (then the
data of an earlier run is measured again). Results print as a Markdown table
and go to bench/results/office.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from common import percentile, recreate_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RARE = "琥珀湾"  # appears in exactly RARE_COUNT reports
RARE_COUNT = 52
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红"
POSITIONS = ["局长", "副局长", "处长", "科长", "主任", "副主任", "所长", "站长", "书记"]
PLACES = ["金龙大酒店", "湖畔会所", "城东农家乐", "滨江宾馆", "市政府食堂", "高尔夫俱乐部"]
STORIES = [
    "{who}{pos}在{place}用公款宴请{n}人，花费约{money}元，发票以会议费名义报销。",
    "{who}{pos}长期私自使用公车接送家属，周末开到{place}，车牌号不清楚。",
    "{who}{pos}收受下属单位送的购物卡和烟酒，价值约{money}元，地点在{place}附近。",
    "{who}{pos}上班时间经常不在岗，办事群众多次找不到人，有人看到他在{place}打牌。",
    "{who}{pos}为儿子操办婚礼，在{place}摆了{n}桌，收受管理对象礼金。",
    "{who}{pos}对群众反映的问题推诿扯皮，材料一拖再拖，要求先去{place}吃饭才办事。",
]


def setup_django(database: str) -> None:
    os.environ.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="tipoff.settings",
        TIPOFF_ENV="development",
        DEBUG="false",
        RATE_LIMITS_ENABLED="false",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def generate(count: int, seed: int = 2026) -> dict:
    """Bulk reports and cases with real encryption; returns facts to check against."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from tipoff.cases.models import Case, Status
    from tipoff.lib import vault
    from tipoff.office.decisions import sanction_kinds_seed
    from tipoff.people.demo import load_people
    from tipoff.people.models import Category, District, Team, Unit
    from tipoff.reports.content import ReportContent
    from tipoff.reports.models import Report

    rng = random.Random(seed)
    body, _recovery, staff = load_people()
    sanction_kinds_seed(body=body)
    categories = list(Category.objects.filter(body=body))
    units = list(Unit.objects.filter(body=body))
    districts = list(District.objects.filter(body=body))
    teams = list(Team.objects.filter(body=body))
    inspector = staff["demo-inspector"]
    rare_at = set(rng.sample(range(count), RARE_COUNT))
    now = timezone.now()
    span = dt.timedelta(days=3 * 365)
    channels = ["web"] * 5 + ["api", "wechat", "wechat", "weibo", "telegram", "sms", "email"]
    statuses = (
        [Status.RECEIVED] * 4
        + [Status.TRIAGED] * 3
        + [Status.ASSIGNED] * 5
        + [Status.INVESTIGATING] * 15
        + [Status.DECIDED] * 5
        + [Status.CLOSED] * 55
        + [Status.REJECTED] * 8
        + [Status.MERGED] * 5
    )
    started = time.perf_counter()
    batch = 2000
    facts: dict = {"rare": RARE, "rare_reports": RARE_COUNT}
    for first in range(0, count, batch):
        cases, reports = [], []
        for i in range(first, min(first + batch, count)):
            received = now - span * (1 - i / count) - dt.timedelta(minutes=rng.randint(0, 60))
            status = rng.choice(statuses) if i < count - 50 else Status.RECEIVED
            if now - received < dt.timedelta(days=30) and status == Status.CLOSED:
                status = Status.INVESTIGATING
            who, pos = _name(rng), rng.choice(POSITIONS)
            story = rng.choice(STORIES).format(
                who=who,
                pos=pos,
                place=rng.choice(PLACES),
                n=rng.randint(5, 40),
                money=rng.randint(2, 300) * 100,
            )
            if i in rare_at:
                story += f" 地点在{RARE}附近。"
            content = ReportContent(
                what=story,
                place=rng.choice(PLACES),
                official_name=who,
                official_position=pos,
                answers={"people": str(rng.randint(3, 30))},
            )
            key = vault.new_key()
            case_key = vault.new_key()
            team = rng.choice(teams) if status not in (Status.RECEIVED, Status.TRIAGED) else None
            working = status in (Status.ASSIGNED, Status.INVESTIGATING, Status.DECIDED)
            cases.append(
                Case(
                    body=body,
                    status=status,
                    created_at=received,
                    updated_at=received,
                    acknowledge_due=received + dt.timedelta(days=body.acknowledge_days),
                    conclude_due=received + dt.timedelta(days=body.conclude_days),
                    acknowledged_at=None if status == Status.RECEIVED else received,
                    closed_at=received + dt.timedelta(days=40) if status == Status.CLOSED else None,
                    team=team,
                    assignee=inspector if working and rng.random() < 0.1 else None,
                    sealed_key=vault.seal_to(body.public_key, case_key),
                )
            )
            unit = rng.choice(units)
            reports.append(
                Report(
                    body=body,
                    channel=rng.choice(channels),
                    category=rng.choice(categories),
                    unit=unit,
                    district=unit.district or rng.choice(districts),
                    occurred_on=received.date(),
                    received_at=received,
                    receipt_lookup=os.urandom(32),
                    sealed_key=vault.seal_to(body.public_key, key),
                    reporter_wrapped_key=vault.seal(os.urandom(32), key, label="reporter"),
                    content=vault.seal(key, content.to_bytes(), label="report"),
                )
            )
        with transaction.atomic():
            made = Case.objects.bulk_create(cases)
            for case, report in zip(made, reports, strict=True):
                report.case = case
            Report.objects.bulk_create(reports)
        done = min(first + batch, count)
        if done % 20000 == 0 or done == count:
            print(f"  {done} reports, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # A merged case points at an open one of the same era.
    open_ids = list(
        Case.objects.filter(body=body, status=Status.INVESTIGATING).values_list("pk", flat=True)
    )
    for case_id in Case.objects.filter(body=body, status=Status.MERGED).values_list(
        "pk", flat=True
    ):
        Case.objects.filter(pk=case_id).update(merged_into_id=rng.choice(open_ids))
    # An old open case and its near-duplicate among the newest reports.
    old = Case.objects.filter(body=body, status=Status.INVESTIGATING).order_by("created_at").first()
    newest = Case.objects.filter(body=body, status=Status.RECEIVED).order_by("-created_at").first()
    facts["old_case"], facts["new_case"] = old.pk, newest.pk
    story = "吕建国局长每周五晚上开公车去城东农家乐钓鱼，车上还坐着家属，已经持续半年。"
    for case, text in ((old, story), (newest, story.replace("每周五晚上", "每逢周五晚"))):
        report = Report.objects.get(case=case)
        key = vault.new_key()
        doc = ReportContent(
            what=text, place="城东农家乐", official_name="吕建国", official_position="局长"
        )
        Report.objects.filter(pk=report.pk).update(
            sealed_key=vault.seal_to(body.public_key, key),
            content=vault.seal(key, doc.to_bytes(), label="report"),
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
    facts["generate_seconds"] = round(time.perf_counter() - started, 1)
    return facts


def signed_in_client():
    import pyotp
    from django.test import Client

    from tipoff.people import signin
    from tipoff.people.demo import DEMO_PASSWORD
    from tipoff.people.models import User

    user = User.objects.get(username="demo-admin")
    secret = pyotp.random_base32()
    signin.totp_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (
        client.post(
            "/staff/login/", {"username": user.username, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    assert client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    return client


def timed(client, url: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, status, size = [], [], 0, 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            body = (
                b"".join(response.streaming_content)
                if getattr(response, "streaming", False)
                else response.content
            )
            times.append((time.perf_counter() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
        status, size = response.status_code, len(body)
    return {
        "url": url,
        "status": status,
        "bytes": size,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "first_ms": round(times[0], 1),
        "queries": max(queries),
        "body": body,
    }


def measure(facts: dict, runs: int) -> list[dict]:
    from tipoff.office import index
    from tipoff.people.demo import DEMO_PASSWORD
    from tipoff.people.models import User
    from tipoff.people.services import staff_body_keys
    from tipoff.reports.models import Report

    admin = User.objects.get(username="demo-admin")
    key = staff_body_keys(user=admin, password=DEMO_PASSWORD)[admin.body_id]
    started = time.perf_counter()
    built = index.build_all(body_id=admin.body_id, body_key=key)
    facts["index_build_seconds"] = round(time.perf_counter() - started, 1)
    index.forget_all()  # measure a new process: segments loaded, not reports opened
    print(f"  index: {len(built)} reports in {facts['index_build_seconds']} s", file=sys.stderr)
    client = signed_in_client()
    total = Report.objects.count()
    results = []

    def add(name: str, url: str, n: int = runs, check=None) -> None:
        row = timed(client, url, n)
        body = row.pop("body")
        row["name"] = name
        if check is not None:
            row["check"] = check(body)
        results.append(row)
        print(
            f"  {name}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
            f"{row['queries']} queries, {row.get('check', '')}",
            file=sys.stderr,
        )

    add("queue: triage", "/office/queue/triage/")
    add("queue: all", "/office/queue/all/")
    add("queue: overdue", "/office/queue/overdue/")
    add("case page (new report)", f"/office/cases/{facts['new_case']}/")
    add(
        "duplicate suggestions",
        f"/office/cases/{facts['new_case']}/duplicates/",
        check=lambda b: (
            "old duplicate found"
            if f'name="target" value="{facts["old_case"]}"'.encode() in b
            else "OLD DUPLICATE MISSED"
        ),
    )

    def found(expected: int | None):
        def check(body: bytes) -> str:
            text = body.decode()
            marker = 'data-matches="'
            if marker not in text:
                return "no match count on the page"
            start = text.index(marker) + len(marker)
            count = text[start : text.index(chr(34), start)]
            return f"{count} of {expected} matching reports" if expected else f"{count} matches"

        return check

    add("search: rare word", f"/office/queue/all/?q={RARE}", check=found(RARE_COUNT))
    add("search: common word", "/office/queue/all/?q=公车", check=found(None))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    newline = b"\n"
    add(
        "CSV export, all",
        "/office/queue/all/export.csv",
        n=max(3, runs // 5),
        check=lambda b: f"{b.count(newline) - 1} rows of {total}",
    )
    results[-1]["peak_rss_growth_mb"] = round(
        (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, 1
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/tipoff_office_bench"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure data made earlier")
    args = parser.parse_args()
    facts_file = ROOT / "bench" / "results" / "office-facts.json"
    if not args.reuse:
        recreate_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command

    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"generating {args.reports} reports…", file=sys.stderr)
        facts = generate(args.reports)
        facts_file.write_text(json.dumps(facts))
    facts = json.loads(facts_file.read_text())
    results = measure(facts, args.runs)
    out = {"reports": args.reports, "facts": facts, "results": results}
    (ROOT / "bench" / "results" / "office.json").write_text(json.dumps(out, indent=2))
    print(f"\n| {args.reports:,} reports | p50 | p95 | first | queries | check |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['name']} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['first_ms']} ms | "
            f"{r['queries']} | {r.get('check', '')} |"
        )


if __name__ == "__main__":
    main()
