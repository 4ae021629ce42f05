"""Schedule rules: grace periods, overnight shifts, holidays and swapped working days.

Example tests pin the rules down; property tests (hypothesis) check they hold
for any schedule and any time; frozen time (time-machine) checks a day that is
still running against one that has been settled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from tipoff.attendance.schedule import (
    HOLIDAY,
    WORKDAY,
    ShiftRule,
    day_of,
    day_window,
    evaluate_day,
    is_workday,
    shift_bounds,
)

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = ShiftRule(
    start=dt.time(8, 30), end=dt.time(17, 30), grace_minutes=5, early_grace_minutes=0
)
NIGHT = ShiftRule(
    start=dt.time(20, 0), end=dt.time(8, 0), grace_minutes=10, rest_weekdays=frozenset()
)
MONDAY = dt.date(2026, 9, 14)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def evaluate(rule, day, events, *, calendar=None, on_leave=False, now=None):
    return evaluate_day(
        day,
        rule,
        TZ,
        calendar=calendar or {},
        events=events,
        on_leave=on_leave,
        now=now or at(day + dt.timedelta(days=2), 0),
    )


@pytest.mark.parametrize(
    ("arrival", "status", "late"),
    [
        ((8, 20), "on_time", 0),
        ((8, 30), "on_time", 0),
        ((8, 35, 59), "on_time", 0),  # five whole minutes: still within the grace period
        ((8, 36), "late", 6),  # counted from the start, not from the end of grace
        ((9, 45), "late", 75),
    ],
)
def test_grace_period(arrival, status, late):
    result = evaluate(OFFICE, MONDAY, [(at(MONDAY, *arrival), "in"), (at(MONDAY, 17, 40), "out")])
    assert (result.status, result.late_minutes) == (status, late)


def test_leaving_early_and_both():
    early = evaluate(OFFICE, MONDAY, [(at(MONDAY, 8, 0), "in"), (at(MONDAY, 17, 0), "out")])
    assert (early.status, early.early_minutes) == ("left_early", 30)
    both = evaluate(OFFICE, MONDAY, [(at(MONDAY, 9, 0), "in"), (at(MONDAY, 16, 0), "out")])
    assert (both.status, both.late_minutes, both.early_minutes) == ("late_and_early", 30, 90)


def test_first_check_in_and_last_check_out_count():
    result = evaluate(
        OFFICE,
        MONDAY,
        [
            (at(MONDAY, 9, 10), "in"),
            (at(MONDAY, 8, 25), "in"),
            (at(MONDAY, 12, 0), "out"),
            (at(MONDAY, 17, 31), "out"),
        ],
    )
    assert result.status == "on_time"
    assert result.arrival == at(MONDAY, 8, 25) and result.departure == at(MONDAY, 17, 31)


def test_absent_missing_punch_leave_and_rest():
    assert evaluate(OFFICE, MONDAY, []).status == "absent"
    assert evaluate(OFFICE, MONDAY, [(at(MONDAY, 8, 0), "in")]).status == "missing_punch"
    assert evaluate(OFFICE, MONDAY, [(at(MONDAY, 18, 0), "out")]).status == "missing_punch"
    assert evaluate(OFFICE, MONDAY, [], on_leave=True).status == "leave"
    saturday = MONDAY + dt.timedelta(days=5)
    assert evaluate(OFFICE, saturday, []).status == "rest"


def test_public_holiday_and_swapped_working_day():
    saturday = MONDAY + dt.timedelta(days=5)
    calendar = {MONDAY: HOLIDAY, saturday: WORKDAY}
    assert not is_workday(MONDAY, OFFICE, calendar)
    assert is_workday(saturday, OFFICE, calendar)
    assert evaluate(OFFICE, MONDAY, [], calendar=calendar).status == "rest"
    assert evaluate(OFFICE, saturday, [], calendar=calendar).status == "absent"
    late = evaluate(
        OFFICE,
        saturday,
        [(at(saturday, 8, 50), "in"), (at(saturday, 17, 30), "out")],
        calendar=calendar,
    )
    assert (late.status, late.late_minutes) == ("late", 20)
    # A schedule that ignores the calendar (e.g. security guards) works holidays as usual.
    ignoring = ShiftRule(start=OFFICE.start, end=OFFICE.end, follows_calendar=False)
    assert is_workday(MONDAY, ignoring, calendar) and not is_workday(saturday, ignoring, calendar)


def test_overnight_shift_belongs_to_the_day_it_starts():
    tuesday = MONDAY + dt.timedelta(days=1)
    start, end = shift_bounds(MONDAY, NIGHT, TZ)
    assert (start, end) == (at(MONDAY, 20), at(tuesday, 8))
    # The 07:50 check-out on Tuesday morning is Monday's shift; Tuesday 19:55 is Tuesday's.
    assert day_of(at(tuesday, 7, 50), NIGHT, TZ) == MONDAY
    assert day_of(at(tuesday, 19, 55), NIGHT, TZ) == tuesday
    assert day_of(at(tuesday, 13, 59), NIGHT, TZ) == MONDAY
    assert day_of(at(tuesday, 14, 0), NIGHT, TZ) == tuesday
    result = evaluate(NIGHT, MONDAY, [(at(MONDAY, 20, 15), "in"), (at(tuesday, 7, 30), "out")])
    assert (result.status, result.late_minutes, result.early_minutes) == ("late_and_early", 15, 30)


def test_a_running_day_is_pending_until_its_window_closes():
    with time_machine.travel(at(MONDAY, 10, 0), tick=False):
        now = dt.datetime.now(tz=TZ)
        assert evaluate(OFFICE, MONDAY, [], now=now).status == "pending"
        running = evaluate(OFFICE, MONDAY, [(at(MONDAY, 8, 50), "in")], now=now)
        assert (running.status, running.late_minutes) == ("late", 20)
    _opens, closes = day_window(MONDAY, OFFICE, TZ)
    with time_machine.travel(closes, tick=False):
        now = dt.datetime.now(tz=TZ)
        assert evaluate(OFFICE, MONDAY, [], now=now).status == "absent"
        assert (
            evaluate(OFFICE, MONDAY, [(at(MONDAY, 8, 50), "in")], now=now).status == "missing_punch"
        )


# --- properties ------------------------------------------------------------------

times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
rules = st.builds(
    ShiftRule,
    start=times,
    end=times,
    grace_minutes=st.integers(0, 60),
    early_grace_minutes=st.integers(0, 60),
    rest_weekdays=st.frozensets(st.integers(0, 6), max_size=3),
    follows_calendar=st.booleans(),
).filter(lambda r: r.start != r.end)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


@settings(max_examples=120, deadline=None)
@given(rule=rules, day=days, offset=st.integers(-36 * 60, 60 * 60))
def test_every_instant_belongs_to_exactly_one_day(rule, day, offset):
    instant = dt.datetime.combine(day, dt.time(12), tzinfo=TZ) + dt.timedelta(minutes=offset)
    owner = day_of(instant, rule, TZ)
    opens, closes = day_window(owner, rule, TZ)
    assert opens <= instant < closes
    for other in (owner - dt.timedelta(days=1), owner + dt.timedelta(days=1)):
        o_opens, o_closes = day_window(other, rule, TZ)
        assert not (o_opens <= instant < o_closes)
    start, end = shift_bounds(owner, rule, TZ)
    assert opens <= start < end <= closes


@settings(max_examples=120, deadline=None)
@given(rule=rules, day=days, first=st.integers(-120, 600), delay=st.integers(0, 600))
def test_arriving_later_is_never_less_late(rule, day, first, delay):
    start, end = shift_bounds(day, rule, TZ)
    calendar = {day: WORKDAY}
    departure = (end + dt.timedelta(minutes=1), "out")
    early = evaluate(
        rule, day, [(start + dt.timedelta(minutes=first), "in"), departure], calendar=calendar
    )
    later = evaluate(
        rule,
        day,
        [(start + dt.timedelta(minutes=first + delay), "in"), departure],
        calendar=calendar,
    )
    if rule.follows_calendar:
        assert later.late_minutes >= early.late_minutes
        assert early.late_minutes == 0 or early.late_minutes > rule.grace_minutes
        assert early.late_minutes == (max(first, 0) if first > rule.grace_minutes else 0)


@settings(max_examples=120, deadline=None)
@given(rule=rules, day=days, kind=st.sampled_from([HOLIDAY, WORKDAY, None]))
def test_the_calendar_overrides_the_weekly_pattern(rule, day, kind):
    calendar = {day: kind} if kind else {}
    expected = (
        (day.weekday() not in rule.rest_weekdays)
        if (kind is None or not rule.follows_calendar)
        else kind == WORKDAY
    )
    assert is_workday(day, rule, calendar) == expected
    result = evaluate(rule, day, [], calendar=calendar)
    assert result.status == ("absent" if expected else "rest")


@settings(max_examples=100, deadline=None)
@given(
    rule=rules,
    day=days,
    minutes=st.lists(st.integers(0, 23 * 60), min_size=1, max_size=6),
    on_leave=st.booleans(),
)
def test_leave_wins_and_status_is_consistent_with_minutes(rule, day, minutes, on_leave):
    opens, _closes = day_window(day, rule, TZ)
    events = [
        (opens + dt.timedelta(minutes=m), "in" if i % 2 == 0 else "out")
        for i, m in enumerate(minutes)
    ]
    result = evaluate(rule, day, events, calendar={day: WORKDAY}, on_leave=on_leave)
    if on_leave:
        assert result.status == "leave"
    if result.status == "on_time":
        assert result.late_minutes == 0 and result.early_minutes == 0
    if result.status in ("late", "late_and_early"):
        assert result.late_minutes > rule.grace_minutes
    if result.status in ("left_early", "late_and_early"):
        assert result.early_minutes > rule.early_grace_minutes
