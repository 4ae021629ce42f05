"""Reading bodies and their public configuration.

Intake reads a body's lists (categories, units, districts) on every report.
They change rarely, so each process keeps them for ``CATALOGUE_SECONDS``
(``intake_catalogue``); a configuration change through tipoff's own pages
forgets them at once in that process (``catalogue_forget``), other processes
within seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models import QuerySet

from tipoff.people.models import Body, Category, District, Team, Unit

CATALOGUE_SECONDS = 10.0


@dataclass
class IntakeCatalogue:
    body: Body
    categories: dict[int, Category] = field(default_factory=dict)  # active ones
    category_codes: dict[str, Category] = field(default_factory=dict)
    units: dict[int, Unit] = field(default_factory=dict)
    districts: dict[int, District] = field(default_factory=dict)


_catalogues: dict[int, tuple[float, IntakeCatalogue]] = {}
_default: list[tuple[float, int | None]] = []
_lock = threading.Lock()


def intake_catalogue(body: Body) -> IntakeCatalogue:
    now = time.monotonic()
    with _lock:
        cached = _catalogues.get(body.pk)
        if cached is not None and now - cached[0] < CATALOGUE_SECONDS:
            return cached[1]
    categories = list(Category.objects.filter(body=body, active=True))
    catalogue = IntakeCatalogue(
        body=body,
        categories={c.pk: c for c in categories},
        category_codes={c.code: c for c in categories},
        units={u.pk: u for u in Unit.objects.filter(body=body).select_related("district")},
        districts={d.pk: d for d in District.objects.filter(body=body)},
    )
    with _lock:
        _catalogues[body.pk] = (now, catalogue)
    return catalogue


def catalogue_forget() -> None:
    """Forget the kept lists and default body (after a configuration change)."""
    with _lock:
        _catalogues.clear()
        _default.clear()


def body_default() -> Body | None:
    """The body the public site shows when none is named."""
    now = time.monotonic()
    with _lock:
        if _default and now - _default[0][0] < CATALOGUE_SECONDS:
            body_id = _default[0][1]
            cached = _catalogues.get(body_id) if body_id is not None else None
            if cached is not None:
                return cached[1].body
    body = Body.objects.filter(is_default=True).first() or Body.objects.order_by("id").first()
    with _lock:
        _default[:] = [(now, body.pk if body else None)]
    return body


def body_by_slug(slug: str) -> Body | None:
    return Body.objects.filter(slug=slug).first()


def categories_active(body: Body) -> QuerySet[Category]:
    return Category.objects.filter(body=body, active=True).order_by("order", "id")


def units_of(body: Body) -> QuerySet[Unit]:
    return Unit.objects.filter(body=body).select_related("district").order_by("name_zh")


def districts_of(body: Body) -> QuerySet[District]:
    """The body's list of districts, in its own order."""
    return District.objects.filter(body=body).order_by("order", "name_zh")


def teams_directory(body: Body) -> QuerySet[Team]:
    """Inspection teams with their public contact details, in published order."""
    return (
        Team.objects.filter(body=body)
        .prefetch_related("units", "districts")
        .order_by("order", "id")
    )
