"""The statistics roll-ups follow the cases through the real services, incrementally.

Reports are filed with ``report_submit`` and handled with the office's
services; after each step one run of the job (``stats_refresh``) must leave
the cells equal to a count made from scratch, and the published figures must
show the change at once (figures at most one job run — under a minute — old).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipoff.cases.models import Case, CaseEvent, SanctionKind
from tipoff.office import decisions, triage
from tipoff.ops.scheduler import jobs_discover
from tipoff.reports.models import Report
from tipoff.reports.retention import case_purge
from tipoff.transparency.models import CaseFact, DurationCell, OutcomeCell, SanctionCell
from tipoff.transparency.stats import stats_published
from tipoff.transparency.stats_rollup import month_of, outcome_of, stats_reconcile, stats_refresh

pytestmark = pytest.mark.django_db


def _cells() -> Counter:
    return Counter(
        {
            (c.body_id, c.month, c.dim, c.key, c.outcome): c.n
            for c in OutcomeCell.objects.all()
            if c.n
        }
    )


def _from_scratch() -> Counter:
    """The same cells, counted directly from the reports and their cases (what a scan would do)."""
    expected: Counter = Counter()
    for report in Report.objects.select_related("case", "case__merged_into"):
        case = report.case.merged_into or report.case
        decision = case.decisions.filter(state="approved").order_by("approved_at", "id").last()
        outcome = outcome_of(case.status, decision.finding if decision else None)
        month = month_of(report.received_at)
        for dim, key in (
            ("category", str(report.category_id)),
            ("unit", str(report.unit_id or 0)),
            ("channel", report.channel),
        ):
            expected[(report.body_id, month, dim, key, outcome)] += 1
    return expected


@pytest.fixture
def handle(body, staff):
    key = body.private_key

    def accept(case: Case) -> Case:
        return triage.case_accept(case=case, actor=staff["intake"], body_key=key)

    def decide(case: Case, finding: str, measures: list[str]) -> Case:
        triage.case_assign(
            case=case,
            actor=staff["intake"],
            team=staff["inspector"].team,
            inspector=staff["inspector"],
        )
        decisions.case_start(case=case, actor=staff["inspector"])
        kinds = {k.code: k.pk for k in SanctionKind.objects.filter(body=body.body)}
        decisions.decision_propose(
            case=case,
            actor=staff["inspector"],
            finding=finding,
            summary="Outcome for the reporter.",
            reasoning="Reasoning.",
            body_key=key,
            sanctions=[decisions.SanctionInput("Wang Wu", "Director", kinds[m]) for m in measures],
        )
        decisions.decision_approve(case=case, actor=staff["leader"], body_key=key)
        case.refresh_from_db()
        return case

    decisions.sanction_kinds_seed(body=body.body)
    return {"accept": accept, "decide": decide, "key": key}


def test_every_step_of_handling_reaches_the_roll_ups_in_one_run(body, staff, submit, handle):
    first = submit().report.case
    second = submit(channel="wechat", category_id=body.category("bribery").pk).report.case
    third = submit(channel="sms", unit_id=None).report.case
    stats_refresh()
    assert _cells() == _from_scratch()
    year = month_of(first.created_at).year
    assert stats_published(body=body.body, year=year).tables["channel"].totals["pending"] is None

    handle["accept"](first)
    triage.case_reject(
        case=second, actor=staff["intake"], reason="Out of scope.", body_key=handle["key"]
    )
    triage.case_merge(case=third, actor=staff["intake"], target=first, body_key=handle["key"])
    stats_refresh()
    assert _cells() == _from_scratch()
    outcomes = Counter()
    for cell in OutcomeCell.objects.filter(dim="channel"):
        outcomes[cell.outcome] += cell.n
    assert +outcomes == {"handling": 2, "not_accepted": 1}  # the merged report follows its case

    handle["decide"](first, "founded", ["warning", "warning", "demerit"])
    stats_refresh()
    assert _cells() == _from_scratch()
    outcomes = Counter()
    for cell in OutcomeCell.objects.filter(dim="channel"):
        outcomes[cell.outcome] += cell.n
    assert +outcomes == {"founded": 2, "not_accepted": 1}
    kinds = {k.pk: k.code for k in SanctionKind.objects.filter(body=body.body)}
    assert {kinds[c.kind_id]: c.n for c in SanctionCell.objects.all()} == {
        "warning": 2,
        "demerit": 1,
    }
    acknowledged = sum(c.n for c in DurationCell.objects.filter(measure="acknowledge", within=True))
    assert acknowledged == 3  # all three answered at once, well within the deadline
    assert DurationCell.objects.get(measure="conclude").n == 1

    # Reconciling from scratch agrees with what the increments built.
    before = _cells()
    stats_reconcile()
    assert _cells() == before


def test_a_reopened_case_goes_back_to_being_handled(body, staff, submit, handle):
    case = handle["decide"](handle["accept"](submit().report.case), "unfounded", [])
    stats_refresh()
    assert OutcomeCell.objects.get(dim="channel", outcome="unfounded").n == 1
    decisions.case_close(case=case, actor=staff["leader"])
    decisions.case_reopen(case=case, actor=staff["leader"], reason="New evidence.")
    stats_refresh()
    assert OutcomeCell.objects.get(dim="channel", outcome="unfounded").n == 0
    assert OutcomeCell.objects.get(dim="channel", outcome="handling").n == 1
    assert not CaseFact.objects.get(case_id=case.pk).sanctions
    assert _cells() == _from_scratch()


def test_a_run_reads_only_what_changed_lately(body, submit, handle):
    for _ in range(4):
        submit()
    stats_refresh()
    hour_ago = dt.timedelta(hours=1)
    for report in Report.objects.all():
        Report.objects.filter(pk=report.pk).update(received_at=report.received_at - hour_ago)
    for case in Case.objects.all():
        Case.objects.filter(pk=case.pk).update(created_at=case.created_at - hour_ago)
    for event in CaseEvent.objects.all():
        CaseEvent.objects.filter(pk=event.pk).update(at=event.at - hour_ago)
    stats_reconcile()
    with CaptureQueriesContext(connection) as idle:
        assert stats_refresh() == 0
    # Two index lookups for what changed, the state row; no case or decision is read.
    assert len(idle.captured_queries) <= 12
    assert not any("cases_decision" in q["sql"] for q in idle.captured_queries)

    submit()
    with CaptureQueriesContext(connection) as busy:
        assert stats_refresh() == 2  # one report fact and one case fact
    assert len(busy.captured_queries) <= 30


def test_a_purged_report_stays_counted(body, staff, submit, handle):
    case = submit().report.case
    triage.case_reject(
        case=case, actor=staff["intake"], reason="Out of scope.", body_key=handle["key"]
    )
    stats_refresh()
    before = _cells()
    case_purge(case_id=case.pk)
    assert not Report.objects.exists()
    stats_refresh()
    stats_reconcile()
    assert _cells() == before


def test_late_commits_are_caught_by_the_overlap(body, submit):
    submit()
    stats_refresh()
    # A report whose transaction stamped it a few minutes ago but committed only now.
    late = submit().report
    Report.objects.filter(pk=late.pk).update(received_at=late.received_at - dt.timedelta(minutes=5))
    Case.objects.filter(pk=late.case_id).update(
        created_at=late.received_at - dt.timedelta(minutes=5),
        updated_at=late.received_at - dt.timedelta(minutes=5),
    )
    stats_refresh()
    assert sum(_cells().values()) == 2 * 3


def test_the_refresh_is_a_scheduled_job_every_30_seconds():
    jobs = {job.name: job for job in jobs_discover()}
    assert jobs["transparency.stats_refresh"].every == dt.timedelta(seconds=30)
    assert "transparency.stats_reconcile" in jobs


def test_a_first_build_claims_its_start_and_the_reconcile_finishes_a_broken_one(
    body, submit, monkeypatch
):
    from tipoff.transparency import stats_rollup
    from tipoff.transparency.models import RollupState

    submit()
    submit()

    def dies(case_ids):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(stats_rollup, "_apply_batches", dies)
    with pytest.raises(RuntimeError):
        stats_refresh()
    # Runs queued meanwhile follow changes only, instead of starting the whole build again.
    assert RollupState.objects.get(pk=1).caught_up_to is not None
    monkeypatch.undo()
    stats_reconcile()
    assert _cells() == _from_scratch()


def test_speed_of_handling_counts_days_and_deadlines(body, staff, submit, handle):
    from tipoff.transparency.models import StatsSettings

    StatsSettings.objects.create(body=body.body, threshold=2)
    cases = [submit().report.case for _ in range(3)]
    for case in cases:
        handle["accept"](case)
    late = cases[0]
    Case.objects.filter(pk=late.pk).update(acknowledged_at=late.created_at + dt.timedelta(days=9))
    CaseEvent.objects.create(case=late, at=late.created_at, kind="intake", action="touch")
    stats_refresh()
    year = month_of(late.created_at).year
    timing = stats_published(body=body.body, year=year).timing
    assert timing["acknowledge"].median_days == 0  # two of three the same day
    assert timing["acknowledge"].within_share == 67  # the third after 9 days (deadline 7)
    assert timing["conclude"].median_days is None  # none concluded: fewer than the threshold
