"""The audit trail as administrators and auditors read it: filtered, labelled, exported.

The filter takes a case by its reference (``2026-000010``), a person, an action
(one code or a whole family such as "case handling") and a date range. A
reference that names no case of the body is an error shown on the page, and
the list is then empty — never the whole trail. Rows are labelled through
``tipoff.audit.labels``; ids in the details (a team, an inspector, a case)
become names and references, looked up for a whole page at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tipoff.audit.labels import ACTION_LABELS, FAMILY_LABELS, action_label, detail_lines
from tipoff.audit.models import AuditEvent
from tipoff.audit.services import audit_record
from tipoff.cases.models import Case, ExclusionReason, Finding, Status
from tipoff.lib.spreadsheet import csv_row
from tipoff.people.models import Team, User

QUEUE_NAMES = {
    "triage": _("To triage"),
    "mine": _("My cases"),
    "team": _("My team's cases"),
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "all": _("All cases"),
}
REFERENCE = re.compile(r"^\s*(\d{4})-(\d{1,12})\s*$")
SYSTEM = "system"
CSV_CHUNK = 2000


def _action_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "—")]
    for family, family_name in FAMILY_LABELS.items():
        codes = [(c, label) for c, label in ACTION_LABELS.items() if c.split(".")[0] == family]
        everything = gettext("all: %(family)s") % {"family": family_name}
        groups.append((str(family_name), [(f"{family}.", everything), *codes]))
    return groups


class AuditFilterForm(forms.Form):
    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-000010", "inputmode": "numeric"}),
    )
    person = forms.ChoiceField(label=_("Person"), required=False)
    action = forms.ChoiceField(label=pgettext_lazy("audit trail", "Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body_id = body_id
        people = User.objects.filter(body_id=body_id).order_by("username")
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (SYSTEM, gettext("the system (no person)")),
            *[(str(u.pk), f"{u} ({u.username})" if u.display_name else str(u)) for u in people],
        ]
        self.fields["action"].choices = _action_choices()  # type: ignore[attr-defined]

    def clean_case(self) -> Case | None:
        text = self.cleaned_data["case"].strip()
        if not text:
            return None
        match = REFERENCE.match(text)
        case = None
        if match:
            year, pk = int(match.group(1)), int(match.group(2))
            case = Case.objects.filter(pk=pk, body_id=self.body_id, created_at__year=year).first()
        if case is None:
            raise forms.ValidationError(
                gettext("No case of this body has the reference %(ref)s.") % {"ref": text}
            )
        return case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("The end date is before the start date."))
        return data


def audit_events(*, body_id: int, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """The body's events, newest first, as the form filters them; none if the form is invalid."""
    events = AuditEvent.objects.filter(body_id=body_id).select_related("actor").order_by("-seq")
    if not form.is_bound:
        return events
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data.get("case") is not None:
        events = events.filter(object_type="case", object_id=str(data["case"].pk))
    person = data.get("person") or ""
    if person == SYSTEM:
        events = events.filter(actor__isnull=True)
    elif person:
        events = events.filter(actor_id=int(person))
    action = data.get("action") or ""
    if action.endswith("."):
        events = events.filter(action__startswith=action)
    elif action:
        events = events.filter(action=action)
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(min(data["date_to"], _LAST_DAY) + dt.timedelta(1)))
    return events


# The calendar's ends (0001-01-01, 9999-12-31) cannot be moved to UTC; nothing is logged there.
_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)


def _day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, _FIRST_DAY), _LAST_DAY)
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def filters_used(form: AuditFilterForm) -> dict[str, str]:
    """The filters as plain values, for the audit event that records an export."""
    if not form.is_bound or not form.is_valid():
        return {}
    used = {}
    people = dict(form.fields["person"].choices)  # type: ignore[attr-defined]
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        if isinstance(value, Case):
            used[name] = value.reference
        elif name == "person":
            used[name] = str(people.get(value, value))
        else:
            used[name] = str(value)
    return used


class _Names:
    """Ids in details, turned into names: looked up once for a whole page of events."""

    USERS = ("user", "assignee", "previous_assignee", "drafted_by")
    TEAMS = ("team", "previous_team")
    CASES = ("case", "into", "to_case", "from_case")

    def __init__(self, events: Iterable[AuditEvent]) -> None:
        ids: dict[str, set[int]] = {"user": set(), "team": set(), "case": set()}
        for event in events:
            details = event.details if isinstance(event.details, dict) else {}
            for key, value in details.items():
                kind = self._kind(key)
                if kind and isinstance(value, int):
                    ids[kind].add(value)
        self.users = {u.pk: str(u) for u in User.objects.filter(pk__in=ids["user"])}
        self.teams = {t.pk: str(t) for t in Team.objects.filter(pk__in=ids["team"])}
        self.cases = {c.pk: c.reference for c in Case.objects.filter(pk__in=ids["case"])}

    def _kind(self, key: str) -> str:
        if key in self.USERS:
            return "user"
        if key in self.TEAMS:
            return "team"
        if key in self.CASES:
            return "case"
        return ""

    def __call__(self, key: str, value: Any) -> str | None:
        if key in ("from", "to") and isinstance(value, str) and value in Status.values:
            return str(Status(value).label)
        if key == "finding" and isinstance(value, str) and value in Finding.values:
            return str(Finding(value).label)
        if key == "reason" and isinstance(value, str) and value in ExclusionReason.values:
            return str(ExclusionReason(value).label)
        if key == "queue" and isinstance(value, str) and value in QUEUE_NAMES:
            return str(QUEUE_NAMES[value])
        kind = self._kind(key)
        if not kind or not isinstance(value, int):
            return None
        table = {"user": self.users, "team": self.teams, "case": self.cases}[kind]
        return table.get(value, f"#{value}")


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action: str
    subject: str
    details: list[tuple[str, str]]


@cache
def _kinds() -> dict[str, type[Model]]:
    """Model names as events store them (``case``, ``user``, ``unit``) to their models."""
    kinds: dict[str, type[Model]] = {}
    for model in apps.get_models():
        kinds.setdefault(model._meta.model_name or "", model)
    return kinds


def _subject(event: AuditEvent, cases: dict[int, str], users: dict[int, str]) -> str:
    if not event.object_type:
        return ""
    number = int(event.object_id) if event.object_id.isdigit() else None
    if event.object_type == "case" and number is not None:
        return cases.get(number, f"#{number}")
    if event.object_type == "user" and number is not None and number in users:
        return users[number]
    model = _kinds().get(event.object_type)
    kind = str(model._meta.verbose_name) if model else event.object_type
    return f"{kind} #{event.object_id}" if event.object_id else kind


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    events = list(events)
    names = _Names(events)

    def numbers(kind: str) -> set[int]:
        return {int(e.object_id) for e in events if e.object_type == kind and e.object_id.isdigit()}

    cases = {c.pk: c.reference for c in Case.objects.filter(pk__in=numbers("case"))}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=numbers("user"))}
    return [
        AuditRow(
            event=e,
            action=action_label(e.action),
            subject=_subject(e, cases, users),
            details=detail_lines(e.details, resolve=names),
        )
        for e in events
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield [
        "seq",
        gettext("When"),
        gettext("Who"),
        pgettext("audit trail", "Action"),
        "code",
        gettext("Object"),
        gettext("Details"),
    ]
    local = timezone.get_current_timezone()
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=CSV_CHUNK):
        batch.append(event)
        if len(batch) == CSV_CHUNK:
            yield from _csv_batch(batch, local)
            batch = []
    yield from _csv_batch(batch, local)


def _csv_batch(batch: list[AuditEvent], local: dt.tzinfo) -> Iterator[list[str]]:
    for row in audit_rows(batch):
        yield [
            str(row.event.seq),
            row.event.at.astimezone(local).isoformat(timespec="seconds"),
            row.event.actor_label,
            row.action,
            row.event.action,
            row.subject,
            "\n".join(f"{label}: {value}" for label, value in row.details),
        ]


def audit_csv_response(*, user: User, form: AuditFilterForm) -> StreamingHttpResponse:
    """The filtered trail as CSV; the export is itself written to the trail first."""
    assert user.body_id is not None
    events = audit_events(body_id=user.body_id, form=form)
    audit_record(
        actor=user,
        action="audit.exported_csv",
        body_id=user.body_id,
        details={"filters": filters_used(form), "rows": events.count()},
    )
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for line in _csv_lines(events):
            yield writer.writerow(csv_row(line))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tipoff-audit-{timezone.localdate():%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
