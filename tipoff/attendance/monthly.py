"""Monthly figures per employee, unit and day; server-drawn SVG charts; CSV export.

Charts are plain SVG built here (no chart library, nothing loaded from
elsewhere) and styled by classes in ``attendance.css``; every chart sits next
to a table with the same numbers for screen readers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tipoff.attendance.models import DailyRecord, Employee, Site, Status
from tipoff.lib.spreadsheet import csv_cell

LATE = (Status.LATE, Status.LATE_AND_EARLY)
EARLY = (Status.LEFT_EARLY, Status.LATE_AND_EARLY)
SERIES = ["on_time", "late", "left_early", "missing_punch", "absent", "leave"]


def series_labels() -> dict[str, str]:
    return {
        "on_time": _("On time"),
        "late": _("Late"),
        "left_early": _("Left early"),
        "missing_punch": _("Missing punch"),
        "absent": _("Absent"),
        "leave": _("On leave"),
    }


@dataclass
class Tally:
    workdays: int = 0
    on_time: int = 0
    late: int = 0
    late_minutes: int = 0
    left_early: int = 0
    early_minutes: int = 0
    missing_punch: int = 0
    absent: int = 0
    leave: int = 0
    flagged: int = 0

    def add(self, record: DailyRecord) -> None:
        status = record.status
        if status in (Status.REST, Status.PENDING):
            return
        self.workdays += 1
        self.flagged += record.flagged
        if status == Status.ON_TIME:
            self.on_time += 1
        if status in LATE:
            self.late += 1
            self.late_minutes += record.late_minutes
        if status in EARLY:
            self.left_early += 1
            self.early_minutes += record.early_minutes
        if status == Status.MISSING_PUNCH:
            self.missing_punch += 1
        if status == Status.ABSENT:
            self.absent += 1
        if status == Status.LEAVE:
            self.leave += 1

    @property
    def late_rate(self) -> float:
        return self.late / self.workdays if self.workdays else 0.0


@dataclass
class MonthReport:
    site: Site
    month: dt.date
    employees: list[tuple[Employee, Tally]] = field(default_factory=list)
    units: list[tuple[str, int, Tally]] = field(default_factory=list)
    days: list[tuple[dt.date, dict[str, int]]] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def month_report(site: Site, month: dt.date, *, unit_id: int | None = None) -> MonthReport:
    first, last = month_bounds(month)
    records = DailyRecord.objects.filter(
        employee__site=site, date__gte=first, date__lte=last
    ).select_related("employee", "employee__unit")
    if unit_id:
        records = records.filter(employee__unit_id=unit_id)
    per_employee: dict[int, Tally] = defaultdict(Tally)
    employees: dict[int, Employee] = {}
    per_unit: dict[int, Tally] = defaultdict(Tally)
    unit_names: dict[int, str] = {}
    unit_people: dict[int, set[int]] = defaultdict(set)
    per_day: dict[dt.date, dict[str, int]] = {
        first + dt.timedelta(days=i): dict.fromkeys(SERIES, 0)
        for i in range((last - first).days + 1)
    }
    report = MonthReport(site=site, month=first)
    for record in records:
        employee = record.employee
        employees[employee.pk] = employee
        per_employee[employee.pk].add(record)
        per_unit[employee.unit_id].add(record)
        unit_names[employee.unit_id] = employee.unit.name()
        unit_people[employee.unit_id].add(employee.pk)
        report.total.add(record)
        bucket = per_day[record.date]
        for key, statuses in (
            ("on_time", (Status.ON_TIME,)),
            ("late", LATE),
            ("left_early", (Status.LEFT_EARLY,)),
            ("missing_punch", (Status.MISSING_PUNCH,)),
            ("absent", (Status.ABSENT,)),
            ("leave", (Status.LEAVE,)),
        ):
            if record.status in statuses:
                bucket[key] += 1
    report.employees = sorted(
        ((employees[pk], tally) for pk, tally in per_employee.items()),
        key=lambda item: (item[0].unit_id, item[0].number),
    )
    report.units = sorted(
        ((unit_names[pk], len(unit_people[pk]), tally) for pk, tally in per_unit.items()),
        key=lambda item: item[0],
    )
    report.days = sorted(per_day.items())
    return report


def repeated_lateness(
    report: MonthReport, *, min_late: int, min_absent: int
) -> list[tuple[Employee, Tally]]:
    return [
        (employee, tally)
        for employee, tally in report.employees
        if tally.late >= min_late or tally.absent >= min_absent
    ]


# --- charts -------------------------------------------------------------------------


def days_chart(report: MonthReport) -> SafeString:
    """Stacked bars, one per day: how many people were on time, late, absent..."""
    width, height, left, bottom = 720, 240, 32, 28
    days = report.days
    peak = max([sum(counts.values()) for _day, counts in days] + [1])
    slot = (width - left - 8) / max(len(days), 1)
    bar = max(slot * 0.7, 2)
    scale = (height - bottom - 12) / peak
    title = escape(
        _("People per day by status, %(month)s") % {"month": report.month.strftime("%Y-%m")}
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="days-chart-title">',
        f'<title id="days-chart-title">{title}</title>',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}"/>',
        f'<text class="tick" x="{left - 6}" y="{height - bottom - peak * scale + 4:.1f}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{left - 6}" y="{height - bottom + 4}" text-anchor="end">0</text>',
    ]
    for index, (day, counts) in enumerate(days):
        x = left + index * slot + (slot - bar) / 2
        y: float = height - bottom
        for key in SERIES:
            value = counts[key]
            if not value:
                continue
            h = value * scale
            y -= h
            label = escape(f"{day.isoformat()} {series_labels()[key]}: {value}")
            parts.append(
                f'<rect class="s-{key}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}"><title>{label}</title></rect>'
            )
        if day.day == 1 or day.day % 5 == 0:
            parts.append(
                f'<text class="tick" x="{x + bar / 2:.1f}" y="{height - 10}" text-anchor="middle">{day.day}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def units_chart(report: MonthReport) -> SafeString:
    """Horizontal bars: the share of working days each unit's people were late."""
    row, label_width, width = 28, 220, 720
    height = max(len(report.units), 1) * row + 16
    title = escape(_("Share of working days late, per unit"))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="units-chart-title">',
        f'<title id="units-chart-title">{title}</title>',
    ]
    span = width - label_width - 70
    for index, (name, _people, tally) in enumerate(report.units):
        y = 8 + index * row
        length = span * tally.late_rate
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(name)}</text>'
        )
        parts.append(
            f'<rect class="s-late" x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 10}"/>'
        )
        parts.append(
            f'<text class="tick" x="{label_width + length + 6:.1f}" y="{y + 17}">{tally.late_rate:.0%}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


# --- CSV ------------------------------------------------------------------------------


def report_csv(report: MonthReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Staff number"),
            _("Name"),
            _("Unit"),
            _("Working days"),
            _("On time"),
            _("Late (days)"),
            _("Late (minutes)"),
            _("Left early (days)"),
            _("Left early (minutes)"),
            _("Missing punch"),
            _("Absent"),
            _("On leave"),
            _("PIN or manual"),
        ]
    )
    for employee, t in report.employees:
        writer.writerow(
            [csv_cell(v) for v in (employee.number, employee.name, employee.unit.name())]
            + [t.workdays, t.on_time, t.late, t.late_minutes, t.left_early, t.early_minutes]
            + [t.missing_punch, t.absent, t.leave, t.flagged]
        )
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read the Chinese names as UTF-8
