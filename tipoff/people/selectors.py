"""Reading bodies and their public configuration."""

from __future__ import annotations

from django.db.models import QuerySet

from tipoff.people.models import Body, Category, District, Team, Unit


def body_default() -> Body | None:
    """The body the public site shows when none is named."""
    return Body.objects.filter(is_default=True).first() or Body.objects.order_by("id").first()


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
