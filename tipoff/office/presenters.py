"""What the case page shows: the decrypted case, its timeline, suggestions and action forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms as dj_forms
from django.db.models import Q
from django.utils.translation import gettext as _

from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseEvent, Decision, SanctionKind, Status
from tipoff.cases.selectors import case_deadline
from tipoff.lib import vault
from tipoff.office import forms
from tipoff.office.decisions import sanction_kinds_seed
from tipoff.office.investigation import official_read
from tipoff.office.reading import CaseContents, case_read
from tipoff.office.suggestions import duplicates_suggest, routing_suggest
from tipoff.people.models import Role, Team, User
from tipoff.reports.models import Author
from tipoff.reports.selectors import case_reports


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # event | note | message_in | message_out | file | evidence
    who: str
    title: str
    text: str = ""


def _event_title(event: CaseEvent) -> str:
    if event.from_status and event.to_status:
        return _("%(from)s → %(to)s") % {
            "from": Status(event.from_status).label,
            "to": Status(event.to_status).label,
        }
    return {
        "reassign": _("Assignment changed"),
        "deadline_extended": _("Deadline extended"),
        "excluded": _("A staff member was excluded (conflict of interest)"),
        "exclusion_lifted": _("An exclusion was lifted"),
        "merged_in": _("Another case was merged into this one"),
        "forwarded_in": _("Forwarded here from another body"),
        "files_not_received": _("Files the reporter sent could not be received"),
        "unassign": _("Handed back to be assigned again"),
    }.get(event.action, event.action)


def timeline(case: Case, contents: CaseContents | None) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    history_cases = [case.pk, *case.forwarded_from.values_list("pk", flat=True)]
    for event in CaseEvent.objects.filter(case_id__in=history_cases).select_related("actor"):
        items.append(
            TimelineItem(
                event.at,
                "event",
                str(event.actor or _("system")),
                _event_title(event),
                event.reason,
            )
        )
    if contents is not None:
        for note in contents.notes:
            items.append(
                TimelineItem(
                    note.note.created_at,
                    "note",
                    str(note.note.author),
                    _("Internal note"),
                    note.text,
                )
            )
        for read in contents.reports:
            for item in read.thread:
                by_reporter = item.message.author == Author.REPORTER
                items.append(
                    TimelineItem(
                        item.message.created_at,
                        "message_in" if by_reporter else "message_out",
                        _("Reporter") if by_reporter else str(item.message.staff or _("Inspector")),
                        _("Message from the reporter")
                        if by_reporter
                        else _("Message to the reporter"),
                        item.text,
                    )
                )
        for f in contents.files:
            items.append(
                TimelineItem(
                    f.file.created_at, "file", str(f.file.added_by), _("File added"), f.name
                )
            )
    items.sort(key=lambda i: i.at)
    return items


def decisions_view(case: Case, key: bytes | None) -> list[dict[str, Any]]:
    """The case's decisions; names and reasoning decrypted when ``key`` (the case key) is given."""
    result = []
    for decision in Decision.objects.filter(case=case).select_related("proposed_by", "approved_by"):
        entry: dict[str, Any] = {"decision": decision, "sanctions": [], "reasoning": None}
        readable = key is not None and decision.legacy_report_id is None
        for sanction in decision.sanctions.select_related("kind"):
            official = (
                official_read(key=key, case=case, blob=sanction.official)
                if readable and key
                else {}
            )
            entry["sanctions"].append({"kind": sanction.kind, "official": official})
        if readable and key:
            entry["reasoning"] = vault.unseal(
                key, decision.reasoning, label=f"reasoning:{case.pk}"
            ).decode()
        result.append(entry)
    return result


def assign_choices(case: Case, actor: User) -> tuple[Any, Any]:
    teams = Team.objects.filter(body_id=case.body_id)
    if actor.role == Role.LEADER:
        teams = teams.filter(pk=actor.team_id or 0)
    people = (
        User.objects.filter(team__in=teams, is_active=True, role__in=[Role.INSPECTOR, Role.LEADER])
        .exclude(case_exclusions__case=case)
        .select_related("team")
        .order_by("team__order", "role", "username")
    )
    return teams, people


def action_forms(
    case: Case, actor: User, allowed: set[str], bound: dict[str, dj_forms.Form | Any]
) -> dict[str, Any]:
    """One form per allowed action; a bound form (with errors) replaces the blank one."""
    built: dict[str, Any] = {}
    report_choices = [
        (r.pk, f"{r.case.reference} · {r.received_at:%Y-%m-%d}") for r in case_reports(case)
    ]
    makers = {
        "reject": lambda: forms.RejectForm(),
        "forward": lambda: forms.ForwardForm(case=case),
        "merge": lambda: forms.MergeForm(case=case),
        "assign": lambda: forms.AssignForm(
            case=case, teams=assign_choices(case, actor)[0], people=assign_choices(case, actor)[1]
        ),
        "extend": lambda: forms.ExtendForm(),
        "note": lambda: forms.NoteForm(),
        "message": lambda: forms.MessageForm(report_choices=report_choices),
        "file": lambda: forms.FileForm(),
        "return": lambda: forms.ReasonForm(),
        "reopen": lambda: forms.ReasonForm(),
        "close": lambda: forms.OptionalReasonForm(),
        "propose": lambda: forms.DecisionForm(),
    }
    for action, make in makers.items():
        if action in allowed:
            built[action] = bound.get(action) or make()
    if "propose" in allowed:
        # A body gets the default list of measures the first time one is needed.
        sanction_kinds_seed(body=case.body)
        kinds = SanctionKind.objects.filter(body_id=case.body_id, active=True)
        built["sanctions"] = bound.get("sanctions") or forms.SanctionFormSet(
            prefix="sanction", form_kwargs={"kinds": kinds}
        )
    return built


def case_page(
    *, case: Case, actor: User, body_key: bytes | None, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the case page needs. Raises ``NotAllowed`` for a newly found conflict."""
    allowed = permissions.allowed_actions(actor, case)
    contents = case_read(case=case, actor=actor, body_key=body_key) if body_key else None
    context: dict[str, Any] = {
        "case": case,
        "allowed": allowed,
        "locked": body_key is None,
        "contents": contents,
        "deadline": case_deadline(case),
        "timeline": timeline(case, contents),
        "decisions": decisions_view(case, contents.key if contents else None),
        "forms": action_forms(case, actor, allowed, bound or {}),
        "extensions": case.extensions.select_related("by"),
        "merged_cases": case.merged_cases.all(),
        "forwarded_from": case.forwarded_from.select_related("body"),
    }
    if body_key and "merge" in allowed:
        context["duplicates"] = duplicates_suggest(case=case, actor=actor, body_key=body_key)
    if "assign" in allowed:
        context["routing"] = routing_suggest(case=case)[:3]
    if permissions.can_see_exclusions(actor):
        context["exclusions"] = case.exclusions.filter(Q(case=case)).select_related(
            "user", "created_by"
        )
    return context
