"""Demo attendance data: the city court as a site, its divisions, schedules, a kiosk,
employees, and a month of check-ins and check-outs turned into daily records.

No faces: people enroll their own at the kiosk page (an administrator gives
them an enrollment code from the employee's page). The month is the thirty
days before the demo is loaded, so the reports always have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from tipoff.attendance.models import CalendarDay, Employee, Event, Kiosk, Leave, Schedule, Site
from tipoff.attendance.records import records_settle
from tipoff.people.models import Body, Unit, User

DIVISIONS = [
    ("立案庭", "Case Filing Division"),
    ("刑事审判庭", "Criminal Division"),
    ("民事审判庭", "Civil Division"),
    ("执行局", "Enforcement Bureau"),
    ("办公室", "General Office"),
]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "晓东",
    "海燕",
    "建国",
]
POSITIONS = ["法官", "法官助理", "书记员", "执行员", "科员"]


def _at(day: dt.date, tz: ZoneInfo, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def load(body: Body, staff: dict[str, User]) -> None:
    rng = random.Random(2026)  # the same demo every time
    court = Unit.objects.filter(body=body, name_zh="市人民法院").first()
    divisions = [
        Unit.objects.create(
            body=body,
            parent=court,
            name_zh=f"市人民法院{zh}",
            name_en=f"Municipal People's Court, {en}",
        )
        for zh, en in DIVISIONS
    ]
    site = Site.objects.create(
        body=body,
        name_zh="示范市人民法院",
        name_en="Demo City People's Court",
        timezone="Asia/Shanghai",
    )
    Kiosk.objects.create(site=site, name="一楼大厅 Lobby")
    office = Schedule.objects.create(
        body=body,
        name="标准工时 Office hours",
        start=dt.time(8, 30),
        end=dt.time(17, 30),
        grace_minutes=5,
        rest_weekdays=[5, 6],
    )
    night = Schedule.objects.create(
        body=body,
        name="法警夜班 Night guard",
        start=dt.time(20, 0),
        end=dt.time(8, 0),
        grace_minutes=10,
        rest_weekdays=[2, 3],
        follows_calendar=False,
    )
    tz = ZoneInfo(site.timezone)
    today = timezone.now().astimezone(tz).date()
    first = today - dt.timedelta(days=30)
    days = [first + dt.timedelta(days=i) for i in range(30)]
    weekdays = [d for d in days if d.weekday() < 5]
    saturdays = [d for d in days if d.weekday() == 5]
    holiday, swapped = weekdays[len(weekdays) // 2], saturdays[len(saturdays) // 2]
    CalendarDay.objects.create(
        body=body, date=holiday, kind="holiday", name="示范假日 Demo public holiday"
    )
    CalendarDay.objects.create(
        body=body, date=swapped, kind="workday", name="调休上班 Swapped working day"
    )

    admin_user = staff.get("demo-admin")
    employees = []
    for index in range(24):
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
        employees.append(
            Employee.objects.create(
                site=site,
                unit=divisions[index % len(divisions)],
                number=f"FY{index + 1:03d}",
                name=name,
                position=POSITIONS[index % len(POSITIONS)],
                schedule=night if index in (22, 23) else office,
            )
        )
    if admin_user is not None:
        employees.append(
            Employee.objects.create(
                site=site,
                unit=divisions[-1],
                number="FY100",
                name=admin_user.display_name or admin_user.username,
                position="管理员",
                schedule=office,
                user=admin_user,
            )
        )
    habits = {employee.pk: "punctual" for employee in employees}
    for index, kind in ((3, "late"), (8, "late"), (11, "late"), (15, "absent"), (19, "forgetful")):
        habits[employees[index].pk] = kind
    if admin_user is not None:
        Leave.objects.create(
            employee=employees[6],
            start=weekdays[3],
            end=weekdays[4],
            kind="annual",
            reason="年休假 Annual leave",
            entered_by=admin_user,
        )
        Leave.objects.create(
            employee=employees[12],
            start=weekdays[10],
            end=weekdays[10],
            kind="sick",
            reason="病假 Sick leave",
            entered_by=admin_user,
        )

    events = []
    for employee in employees:
        habit = habits[employee.pk]
        for day in days:
            if employee.schedule_id == night.pk:
                if day.weekday() in (2, 3):
                    continue
                start = (
                    _at(day, tz, 19, rng.randint(40, 59))
                    if rng.random() > 0.1
                    else _at(day, tz, 20, rng.randint(11, 40))
                )
                events += [
                    (employee, start, "in"),
                    (employee, _at(day, tz, 8, rng.randint(0, 20)) + dt.timedelta(days=1), "out"),
                ]
                continue
            working = (day.weekday() < 5 and day != holiday) or day == swapped
            if not working:
                continue
            if habit == "absent" and rng.random() < 0.2:
                continue
            late = habit == "late" and rng.random() < 0.35
            arrival = (
                _at(day, tz, 8, rng.randint(36, 59))
                if late
                else _at(day, tz, 8, rng.randint(0, 30)) - dt.timedelta(minutes=rng.randint(0, 20))
            )
            departure = (
                _at(day, tz, 17, rng.randint(0, 25))
                if rng.random() < 0.04
                else _at(day, tz, 17, 30) + dt.timedelta(minutes=rng.randint(0, 50))
            )
            events.append((employee, arrival, "in"))
            if not (habit == "forgetful" and rng.random() < 0.3):
                events.append((employee, departure, "out"))
    Event.objects.bulk_create(
        Event(
            employee=e,
            at=when,
            direction=direction,
            method="face",
            distance=round(rng.uniform(0.22, 0.38), 3),
        )
        for e, when, direction in events
        if when < timezone.now()
    )
    records_settle(site=site, first=first, last=today - dt.timedelta(days=1))
