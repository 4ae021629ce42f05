"""Helpers for the generated isolation test: bodies, markers, the URL conf as a list.

Body A is the full demo (people, cases at every stage, attendance, a channel
account); every text of every object it owns is suffixed with ``MARK``, so a
page that shows any of A's objects to someone outside A gives itself away. Body
B gets one member per role and a little configuration of its own.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

MARK = "ZQXALPHA"

# Models that belong to no body, each with the reason. A new model must either
# reach people.Body through its foreign keys or be listed here (test fails otherwise).
GLOBAL_MODELS = {
    "admin.LogEntry": "Django admin history; the admin is for platform operators only",
    "auth.Permission": "Django's permission table, not used for body data",
    "auth.Group": "Django's groups, not used",
    "contenttypes.ContentType": "model registry",
    "sessions.Session": "opaque, encrypted where it matters (sealed sessions)",
    "django_tasks_database.DBTaskResult": "background task queue (ids only)",
    "limits.Counter": "keyed-hash counters",
    "audit.AuditHead": "the chain's head",
    "reports.ReceiptSalt": "one deployment-wide salt",
    "people.Body": "the bodies themselves",
    "ops.JobSchedule": "when each periodic job runs next (job names only)",
    "transparency.RollupState": "how far the statistics roll-ups have caught up (a time)",
}
# Text fields that are identifiers or technical values, never shown as names.
TECHNICAL = {
    "password",
    "username",
    "slug",
    "code",
    "storage_name",
    "media_type",
    "extension",
    "language",
    "timezone",
    "token_hash",
    "pin_hash",
    "code_hash",
    "status",
    "kind",
    "channel",
    "action",
    "from_status",
    "to_status",
    "engine",
    "public_id",
    "text_version",
    "how",
    "direction",
    "method",
    "step",
    "deadline",
    "finding",
    "state",
    "added_by",
    "author",
    "nonce",
    "email",
    "phone",
}


def body_path(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its body ("body", "case__body", …), or None."""
    if model._meta.label == "audit.AuditEvent":
        return "body_id"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    seen = {model}
    for _depth in range(4):
        following = []
        for current, path in frontier:
            for field in current._meta.fields:
                if not field.is_relation or field.related_model is None:
                    continue
                target = field.related_model
                lookup = f"{path}__{field.name}" if path else field.name
                if target._meta.label == "people.Body":
                    return lookup
                if target not in seen and field.name not in ("merged_into", "forwarded_to"):
                    seen.add(target)
                    following.append((target, lookup))
        frontier = following
    return None


def scoped_models() -> list[tuple[type[models.Model], str]]:
    result = []
    for model in apps.get_models():
        if model._meta.label in GLOBAL_MODELS:
            continue
        path = body_path(model)
        assert path is not None, (
            f"{model._meta.label} reaches no body: give it a path to people.Body "
            "or list it in GLOBAL_MODELS with the reason"
        )
        result.append((model, path))
    return result


def owned_by(model: type[models.Model], path: str, body_id: int) -> models.QuerySet:
    lookup = path if path.endswith("_id") else f"{path}_id"
    return model._default_manager.filter(**{lookup: body_id})


def mark_texts(body_id: int) -> int:
    """Append MARK to every shown text of every object the body owns."""
    count = 0
    for model, path in scoped_models():
        text_fields = [
            f
            for f in model._meta.fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and f.name not in TECHNICAL
            and not f.name.endswith(("_hash", "_lookup"))
            and (not isinstance(f, models.CharField) or (f.max_length or 0) >= 12)
        ]
        if not text_fields:
            continue
        for obj in owned_by(model, path, body_id):
            for field in text_fields:
                value = getattr(obj, field.name) or ""
                limit = getattr(field, "max_length", None) or 10_000
                setattr(obj, field.name, (value[: limit - len(MARK) - 1] + MARK)[:limit])
            obj.save(update_fields=[f.name for f in text_fields])
            count += 1
    return count


def snapshot(body_id: int) -> str:
    """A digest of every row the body owns: any write by an outsider changes it."""
    digest = hashlib.sha256()
    for model, path in sorted(scoped_models(), key=lambda item: item[0]._meta.label):
        rows = owned_by(model, path, body_id).order_by("pk").values()
        for row in rows:
            digest.update(repr(sorted(row.items())).encode())
        digest.update(model._meta.label.encode())
    return digest.hexdigest()


def candidate_ids(body_id: int, per_model: int = 2) -> dict[str, list[int]]:
    """A few primary keys of each model the body owns, by lower-case model name."""
    found: dict[str, list[int]] = {}
    for model, path in scoped_models():
        pks = list(owned_by(model, path, body_id).order_by("pk").values_list("pk", flat=True))
        if pks:
            found[model._meta.model_name] = pks[:per_model]
    return found


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    params: tuple[tuple[str, str], ...]  # (name, converter class name)


def routes() -> Iterator[Route]:
    """Every named URL pattern reachable from the root URL conf."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or ""
                yield from walk(
                    entry.url_patterns, f"{namespace}:{ns}".strip(":") if ns else namespace
                )
            elif isinstance(entry, URLPattern) and entry.name:
                converters = getattr(entry.pattern, "converters", {})
                params = tuple(
                    (key, type(converters[key]).__name__) if key in converters else (key, "str")
                    for key in entry.pattern.regex.groupindex
                )
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Route(name, params)

    seen = set()
    for route in walk(get_resolver().url_patterns, ""):
        if route.name not in seen:
            seen.add(route.name)
            yield route


def words() -> dict[tuple[str, str], list[str]]:
    """Values of the text parameters of staff URLs, by (namespace, parameter)."""
    from tipoff.office.actions import HANDLERS
    from tipoff.office.queues import QUEUES
    from tipoff.people.config_views import KINDS
    from tipoff.transparency.notices_office import STEPS

    return {
        ("config", "kind"): list(KINDS),
        ("office", "name"): list(QUEUES),
        ("office", "action"): list(HANDLERS),
        ("people", "token"): ["not-a-real-setup-token"],
        ("notices_office", "step"): list(STEPS),
    }


def values_for(
    param: str, converter: str, ids: dict[str, list[int]], namespace: str = ""
) -> list[Any]:
    """Values to try for one URL parameter: the matching model's ids, or one id of every model."""
    if converter != "IntConverter":
        table = words()
        assert (namespace, param) in table, (
            f"{namespace}:<{param}>: add the values to try to tests/isolation.words()"
        )
        return table[(namespace, param)]
    stem = param.removesuffix("_id").removesuffix("_pk").replace("_", "")
    if stem in ids:
        return ids[stem]
    return sorted({values[0] for values in ids.values()})


def argument_sets(route: Route, ids: dict[str, list[int]]) -> list[dict[str, Any]]:
    if not route.params:
        return [{}]
    namespace = route.name.split(":")[0]
    choices = [values_for(name, conv, ids, namespace) for name, conv in route.params]
    if any(not c for c in choices):
        return []
    names = [name for name, _conv in route.params]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices)]
