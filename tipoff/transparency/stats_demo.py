"""A year of handled reports for the demo, so the statistics page has something to show.

Filing hundreds of reports through ``report_submit`` would take minutes
(each receipt costs an Argon2id derivation), so these are written in bulk —
but consistently, as the services would have left them: each report has its
own data key sealed to the body and an encrypted document; each case has its
key, the status its history implies, deadlines from the body's policy,
``acknowledged_at``, and for concluded cases an approved decision (reasoning
and officials encrypted under the case key) with its measures. Their receipt
codes are random and thrown away: nobody can follow these reports up.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from tipoff.cases.models import (
    Case,
    Decision,
    DecisionSanction,
    DecisionState,
    Finding,
    SanctionKind,
    Status,
)
from tipoff.lib import vault
from tipoff.people.models import Body, Category, Unit, User
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Channel, Report
from tipoff.transparency.stats_rollup import stats_cases_refresh, stats_refresh

CHANNEL_WEIGHTS = {
    Channel.WEB: 40,
    Channel.WECHAT: 30,
    Channel.SMS: 10,
    Channel.TELEGRAM: 5,
    Channel.EMAIL: 10,
    Channel.API: 5,
}
# The measures most decisions end in, most common first.
COMMON_MEASURES = ["criticism", "admonishing_talk", "party_warning", "warning", "demerit"]
OFFICIALS = [
    ("张某", "科长"),
    ("李某", "副局长"),
    ("王某", "主任"),
    ("赵某", "所长"),
    ("陈某", "站长"),
]


def _month_starts(now: dt.datetime, months: int) -> list[dt.datetime]:
    local = timezone.localtime(now)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            year, month = year - 1, month + 12
        starts.append(first.replace(year=year, month=month))
    return starts


def stats_demo_load(
    *,
    body: Body,
    leader: User,
    inspector: User,
    months: int = 12,
    per_month: int = 40,
    seed: int = 12,
    now: dt.datetime | None = None,
) -> int:
    """About ``per_month`` reports a month for ``months`` months, handled as time allowed."""
    rng = random.Random(seed)
    now = now or timezone.now()
    categories = list(Category.objects.filter(body=body, active=True).order_by("order", "id"))
    units = list(Unit.objects.filter(body=body).order_by("id"))
    kinds = {k.code: k for k in SanctionKind.objects.filter(body=body)}
    measures = [kinds[c] for c in COMMON_MEASURES if c in kinds]
    cat_weights = [max(1, len(categories) - i) ** 2 for i in range(len(categories))]
    unit_weights = [max(1, len(units) - i) ** 2 for i in range(len(units))]
    channels = list(CHANNEL_WEIGHTS)
    bundles: list[_Bundle] = []
    for start in _month_starts(now, months):
        count = per_month + rng.randint(-per_month // 4, per_month // 4)
        for _ in range(count):
            created = start + dt.timedelta(seconds=rng.randint(0, 27 * 86400))
            if created >= now:
                continue
            bundle = _one_report(
                body=body,
                created=created,
                now=now,
                rng=rng,
                category=rng.choices(categories, cat_weights)[0],
                unit=rng.choices(units, unit_weights)[0] if units else None,
                channel=rng.choices(channels, list(CHANNEL_WEIGHTS.values()))[0],
                measures=measures,
                leader=leader,
                inspector=inspector,
            )
            bundles.append(bundle)
    made = _save(bundles)
    # Written in bulk, with no history events for the job to notice: counted here.
    stats_cases_refresh(case_ids=made)
    stats_refresh()
    return len(made)


@dataclass
class _Bundle:
    """One demo report and what its handling left, not yet saved (written in bulk)."""

    case: Case
    case_key: bytes
    report: Report
    decision: Decision | None = None
    sanctions: list[tuple[SanctionKind, str, str]] = field(default_factory=list)


def _one_report(
    *,
    body: Body,
    created: dt.datetime,
    now: dt.datetime,
    rng: random.Random,
    category: Category,
    unit: Unit | None,
    channel: str,
    measures: list[SanctionKind],
    leader: User,
    inspector: User,
) -> _Bundle:
    case_key = vault.new_key()
    acknowledge_due = created + dt.timedelta(days=body.acknowledge_days)
    conclude_due = created + dt.timedelta(days=body.conclude_days)
    acknowledged = created + dt.timedelta(hours=rng.randint(2, 24 * (body.acknowledge_days + 3)))
    concluded = created + dt.timedelta(days=rng.randint(20, body.conclude_days + 40))
    roll = rng.random()
    if acknowledged > now:
        status, acknowledged_at = Status.RECEIVED, None
    elif roll < 0.15:
        status, acknowledged_at = Status.REJECTED, acknowledged
    elif concluded > now or roll < 0.25:
        status, acknowledged_at = Status.INVESTIGATING, acknowledged
    else:
        status = Status.CLOSED if rng.random() < 0.7 else Status.DECIDED
        acknowledged_at = acknowledged
    decided = status in (Status.DECIDED, Status.CLOSED)
    case = Case(
        body=body,
        status=status,
        created_at=created,
        updated_at=concluded if decided else max(created, acknowledged_at or created),
        acknowledge_due=acknowledge_due,
        conclude_due=conclude_due,
        acknowledged_at=acknowledged_at,
        closed_at=concluded if status == Status.CLOSED else None,
        team=inspector.team if status not in (Status.RECEIVED, Status.REJECTED) else None,
        assignee=inspector if status not in (Status.RECEIVED, Status.REJECTED) else None,
        reporter_note="不属于本机关受理范围。" if status == Status.REJECTED else "",
        sealed_key=vault.seal_to(body.public_key, case_key),
    )
    data_key = vault.new_key()
    content = ReportContent(
        what="（演示数据）" + category.name_zh + "相关问题。",
        official_name=rng.choice(OFFICIALS)[0],
        official_position=rng.choice(OFFICIALS)[1],
    )
    bundle = _Bundle(
        case=case,
        case_key=case_key,
        report=Report(
            body=body,
            channel=channel,
            category=category,
            unit=unit,
            received_at=created,
            receipt_lookup=secrets.token_bytes(32),
            sealed_key=vault.seal_to(body.public_key, data_key),
            reporter_wrapped_key=secrets.token_bytes(72),
            content=vault.seal(data_key, content.to_bytes(), label="report"),
        ),
    )
    if not decided:
        return bundle
    finding = rng.choices([Finding.FOUNDED, Finding.PARTLY, Finding.UNFOUNDED], [55, 10, 35])[0]
    bundle.decision = Decision(
        state=DecisionState.APPROVED,
        finding=finding,
        summary="经核查，已依规依纪处理。"
        if finding != Finding.UNFOUNDED
        else "经核查，反映问题不属实。",
        proposed_by=inspector,
        proposed_at=concluded - dt.timedelta(days=2),
        approved_by=leader,
        approved_at=concluded,
    )
    if finding == Finding.UNFOUNDED or not measures:
        return bundle
    for _ in range(rng.choices([1, 2], [80, 20])[0]):
        name, position = rng.choice(OFFICIALS)
        kind = rng.choices(measures, [40, 25, 15, 12, 8][: len(measures)])[0]
        bundle.sanctions.append((kind, name, position))
    return bundle


def _save(bundles: list[_Bundle]) -> list[int]:
    """Write the bundles in a few statements; the seals that name a case get its id."""
    Case.objects.bulk_create([b.case for b in bundles], batch_size=500)
    for b in bundles:
        b.report.case = b.case
        if b.decision is not None:
            b.decision.case = b.case
            b.decision.reasoning = vault.seal(
                b.case_key, "（演示数据）".encode(), label=f"reasoning:{b.case.pk}"
            )
    Report.objects.bulk_create([b.report for b in bundles], batch_size=500)
    decided = [b for b in bundles if b.decision is not None]
    Decision.objects.bulk_create([b.decision for b in decided if b.decision], batch_size=500)
    sanctions = []
    for b in decided:
        for kind, name, position in b.sanctions:
            payload = json.dumps({"name": name, "position": position}, ensure_ascii=False)
            sanctions.append(
                DecisionSanction(
                    decision=b.decision,
                    kind=kind,
                    official=vault.seal(
                        b.case_key, payload.encode(), label=f"official:{b.case.pk}"
                    ),
                )
            )
    DecisionSanction.objects.bulk_create(sanctions, batch_size=500)
    return [b.case.pk for b in bundles]
