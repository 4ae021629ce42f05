"""Schedule arithmetic: which days are working days, which shift an instant
belongs to, and how a day's check-ins and check-outs turn into a status.

Pure functions over plain values (no database), so the rules are easy to read
and to test with frozen time and property tests.

Rules, as the settlement of a day applies them:

* A day is a working day when its weekday is not a weekly rest day, unless the
  working calendar makes it a public holiday; a swapped working day (调休)
  makes a rest day a working day. A schedule may ignore the calendar.
* A shift belongs to the day it starts on. When the end is at or before the
  start the shift runs overnight into the next day.
* Every instant belongs to exactly one day: each shift is widened by half the
  off-duty gap on both sides, so consecutive days tile the timeline. An
  overnight shift's early-morning check-out counts for the previous day.
* Late: the first check-in is more than ``grace`` whole minutes after the
  start; the lateness is counted from the start. Left early: the last
  check-out is more than ``early_grace`` whole minutes before the end.
* A day is settled once its window has closed; before that a day with no
  check-in is pending rather than absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

HOLIDAY = "holiday"
WORKDAY = "workday"


@dataclass(frozen=True)
class ShiftRule:
    start: dt.time
    end: dt.time
    grace_minutes: int = 0
    early_grace_minutes: int = 0
    rest_weekdays: frozenset[int] = frozenset({5, 6})
    follows_calendar: bool = True

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    @property
    def length(self) -> dt.timedelta:
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.start)
        end = dt.datetime.combine(dt.date(2000, 1, 2 if self.overnight else 1), self.end)
        return end - start


@dataclass(frozen=True)
class DayResult:
    status: str
    arrival: dt.datetime | None
    departure: dt.datetime | None
    late_minutes: int
    early_minutes: int


def is_workday(day: dt.date, rule: ShiftRule, calendar: Mapping[dt.date, str]) -> bool:
    if rule.follows_calendar:
        kind = calendar.get(day)
        if kind == HOLIDAY:
            return False
        if kind == WORKDAY:
            return True
    return day.weekday() not in rule.rest_weekdays


def shift_bounds(day: dt.date, rule: ShiftRule, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Aware start and end of the shift that starts on ``day``."""
    start = dt.datetime.combine(day, rule.start, tzinfo=tz)
    end_day = day + dt.timedelta(days=1) if rule.overnight else day
    end = dt.datetime.combine(end_day, rule.end, tzinfo=tz)
    return start, end


def day_window(day: dt.date, rule: ShiftRule, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants that count for ``day``: the shift widened by half the off-duty gap."""
    start, end = shift_bounds(day, rule, tz)
    half_gap = (dt.timedelta(days=1) - rule.length) / 2
    return start - half_gap, end + half_gap


def day_of(instant: dt.datetime, rule: ShiftRule, tz: ZoneInfo) -> dt.date:
    """The day whose window contains ``instant``."""
    local = instant.astimezone(tz).date()
    for candidate in (local, local - dt.timedelta(days=1), local + dt.timedelta(days=1)):
        opens, closes = day_window(candidate, rule, tz)
        if opens <= instant < closes:
            return candidate
    # Only reachable around a daylight-saving jump wider than the off-duty gap.
    return local


def whole_minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def late_minutes(arrival: dt.datetime, start: dt.datetime, grace: int) -> int:
    minutes = whole_minutes(arrival - start)
    return minutes if minutes > grace else 0


def early_minutes(departure: dt.datetime, end: dt.datetime, grace: int) -> int:
    minutes = whole_minutes(end - departure)
    return minutes if minutes > grace else 0


def evaluate_day(
    day: dt.date,
    rule: ShiftRule,
    tz: ZoneInfo,
    *,
    calendar: Mapping[dt.date, str],
    events: Iterable[tuple[dt.datetime, str]],
    on_leave: bool,
    now: dt.datetime,
) -> DayResult:
    """The status of one day from its check-ins ("in") and check-outs ("out")."""
    ins = sorted(at for at, direction in events if direction == "in")
    outs = sorted(at for at, direction in events if direction == "out")
    arrival = ins[0] if ins else None
    departure = outs[-1] if outs else None
    _opens, closes = day_window(day, rule, tz)
    settled = now >= closes

    def result(status: str, late: int = 0, early: int = 0) -> DayResult:
        return DayResult(status, arrival, departure, late, early)

    if on_leave:
        return result("leave")
    if not is_workday(day, rule, calendar):
        return result("rest")
    start, end = shift_bounds(day, rule, tz)
    late = late_minutes(arrival, start, rule.grace_minutes) if arrival else 0
    early = early_minutes(departure, end, rule.early_grace_minutes) if departure else 0
    if arrival is None and departure is None:
        return result("absent" if settled else "pending")
    if arrival is None or (departure is None and settled):
        return result("missing_punch", late, early)
    if late and early:
        return result("late_and_early", late, early)
    if late:
        return result("late", late, early)
    if early:
        return result("left_early", late, early)
    return result("on_time")
