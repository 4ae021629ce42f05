"""Attendance fixtures: a site with a schedule, employees, and real face photos.

Photos come from ``../shared/data/faces`` (never copied into the project);
tests that need them skip, saying why, where that folder is absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.attendance.helpers import faces_or_skip
from tipoff.attendance.models import Employee, Schedule, Site
from tipoff.people.models import Unit


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """Messages are asserted in English (requests without a language get English
    too); the Chinese catalogue and pages are checked on their own."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_galleries() -> Iterator[None]:
    from tipoff.attendance.gallery import forget_galleries

    forget_galleries()
    yield
    forget_galleries()


@pytest.fixture
def johns() -> dict[str, list[bytes]]:
    """Five people, eleven aligned face photos each (JPEG bytes), sorted by file name."""
    root = faces_or_skip() / "small" / "johns"
    return {
        person.name: [p.read_bytes() for p in sorted(person.glob("*.jpg"))]
        for person in sorted(root.iterdir())
    }


@pytest.fixture
def site(body: Any) -> Site:
    return Site.objects.create(
        body=body.body,
        name_zh="示范市人民法院",
        name_en="Demo City People's Court",
        timezone="Asia/Shanghai",
    )


@pytest.fixture
def day_schedule(body: Any) -> Schedule:
    return Schedule.objects.create(
        body=body.body,
        name="Office hours",
        start=dt.time(8, 30),
        end=dt.time(17, 30),
        grace_minutes=5,
        rest_weekdays=[5, 6],
    )


@pytest.fixture
def make_employee(site: Site, day_schedule: Schedule, body: Any) -> Callable[..., Employee]:
    counter = iter(range(1, 10_000))

    def make(name: str = "", **fields: Any) -> Employee:
        number = next(counter)
        values: dict[str, Any] = {
            "site": site,
            "unit": Unit.objects.get(body=body.body, name_zh="市人民法院"),
            "number": f"E{number:04d}",
            "name": name or f"Employee {number}",
            "position": "Clerk",
            "schedule": day_schedule,
        }
        values.update(fields)
        return Employee.objects.create(**values)

    return make
