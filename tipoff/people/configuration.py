"""Changing a body's configuration: every change is written to the audit trail.

The settings pages of every app (teams, units, districts and categories here;
channel accounts in ``channels``; attendance sites and kiosks in
``attendance``) save through ``config_saved`` and delete through
``config_delete``, so no configuration change goes unrecorded and nothing
that reports or cases still point at is deleted from under them.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from tipoff.audit.services import audit_record
from tipoff.people.selectors import catalogue_forget


class InUse(Exception):
    """The object is referred to by other records and cannot be deleted."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def _body_id(obj: models.Model) -> int | None:
    body_id = getattr(obj, "body_id", None)
    if body_id is None and obj._meta.label == "people.Body":
        return int(obj.pk)
    return body_id


def config_saved(
    *, actor: Any, obj: models.Model, created: bool, fields: list[str] | tuple[str, ...] = ()
) -> None:
    """Record that ``actor`` created or changed ``obj`` (field names only, never values)."""
    catalogue_forget()
    audit_record(
        actor=actor,
        action="config.created" if created else "config.changed",
        body_id=_body_id(obj),
        obj=obj,
        details={"model": obj._meta.label, "fields": sorted(fields)},
    )


def references(obj: models.Model) -> int:
    """How many records outside ``obj`` itself point at it (reports, cases, employees…)."""
    total = 0
    for relation in obj._meta.related_objects:
        if relation.many_to_many:
            continue
        accessor = relation.get_accessor_name()
        if accessor is None:
            continue
        if relation.one_to_one:
            total += int(hasattr(obj, accessor))
        else:
            total += getattr(obj, accessor).count()
    return total


@transaction.atomic
def config_delete(*, actor: Any, obj: models.Model, cascade: bool = False) -> None:
    """Delete a configuration row that nothing refers to (or, with ``cascade``, with
    what belongs to it), and record it."""
    catalogue_forget()
    count = 0 if cascade else references(obj)
    if count:
        raise InUse(count)
    body_id, label, object_id = _body_id(obj), obj._meta.label, str(obj.pk)
    obj.delete()
    audit_record(
        actor=actor,
        action="config.deleted",
        body_id=body_id,
        object_type=obj._meta.model_name or "",
        object_id=object_id,
        details={"model": label},
    )
