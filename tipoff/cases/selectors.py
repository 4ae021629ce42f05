"""Reading cases: their reports, what a reporter may be told, deadlines and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from tipoff.cases.models import ENDED, Case, Decision, DecisionState, Finding, Status
from tipoff.lib import vault

# What each state means, said plainly to the person who reported.
_REPORTER_TEXT = {
    Status.RECEIVED: _("Your report has been received and is waiting to be reviewed."),
    Status.TRIAGED: _("Your report has been reviewed and accepted for handling."),
    Status.ASSIGNED: _("Your report has been passed to an inspection team."),
    Status.INVESTIGATING: _("Inspectors are looking into what you reported."),
    Status.DECISION_PROPOSED: _("The inspection is finished and a decision is being approved."),
    Status.DECIDED: _("A decision has been taken on your report."),
    Status.CLOSED: _("Handling of your report is complete."),
    Status.REJECTED: _(
        "Your report could not be accepted. See the message from the inspectors below."
    ),
    Status.FORWARDED: _("Your report has been forwarded to the body responsible for it."),
    Status.MERGED: _(
        "Your report is being handled together with other reports about the same matter."
    ),
}


@dataclass(frozen=True)
class ReporterStatus:
    code: str
    label: str
    explanation: str
    # Further plain-language lines for the reporter (e.g. an outcome or the
    # reason a report was not accepted), in the reporter's language.
    details: tuple[str, ...] = ()


def case_status_for_reporter(case: Case) -> ReporterStatus:
    """The status a reporter sees: a merged report shows the case it joined."""
    details: list[str] = []
    seen = {case.pk}
    while case.merged_into_id is not None and case.merged_into_id not in seen:
        details.append(str(_REPORTER_TEXT[Status.MERGED]))
        case = Case.objects.get(pk=case.merged_into_id)
        seen.add(case.pk)
    status = Status(case.status)
    if case.forwarded_from.exists():
        previous = case.forwarded_from.select_related("body").first()
        if previous is not None:
            details.append(
                gettext("Your report was forwarded from %(old)s to %(new)s, which handles it now.")
                % {"old": previous.body.name(), "new": case.body.name()}
            )
    if status == Status.REJECTED and case.reporter_note:
        details.append(gettext("Reason: %(reason)s") % {"reason": case.reporter_note})
    if status in (Status.DECIDED, Status.CLOSED):
        details.extend(decision_lines_for_reporter(case))
    return ReporterStatus(
        code=status.value,
        label=str(status.label),
        explanation=str(_REPORTER_TEXT[status]),
        details=tuple(details),
    )


def status_of_new_report() -> ReporterStatus:
    """What a reporter is told about a report just received (no query needed)."""
    status = Status.RECEIVED
    return ReporterStatus(
        code=status.value, label=str(status.label), explanation=str(_REPORTER_TEXT[status])
    )


def decision_approved(case: Case) -> Decision | None:
    return case.decisions.filter(state=DecisionState.APPROVED).order_by("approved_at", "id").last()


def decision_lines_for_reporter(case: Case) -> list[str]:
    """The approved outcome in plain words: finding, measures taken (no names), summary."""
    decision = decision_approved(case)
    if decision is None:
        return []
    lines = [gettext("Finding: %(finding)s") % {"finding": Finding(decision.finding).label}]
    counts = (
        decision.sanctions.values("kind__name_zh", "kind__name_en", "kind__order")
        .annotate(n=Count("id"))
        .order_by("kind__order")
    )

    english = (get_language() or "").startswith("en")
    # "Serious Party warning (1 person); …", never program output like "× 1".
    measures = [
        ngettext("%(measure)s (%(n)s person)", "%(measure)s (%(n)s people)", row["n"])
        % {"measure": row["kind__name_en"] if english else row["kind__name_zh"], "n": row["n"]}
        for row in counts
    ]
    if measures:
        separator = pgettext("between the items of a list", "; ")
        lines.append(
            gettext("Measures taken: %(measures)s.") % {"measures": separator.join(measures)}
        )
    if decision.summary:
        lines.append(decision.summary)
    return lines


def case_key(*, case: Case, body_private_key: bytes) -> bytes:
    """The case's own key (notes, files, decisions), opened with its body's key."""
    return vault.open_sealed(body_private_key, case.sealed_key)


# --- deadlines ----------------------------------------------------------------

DUE_SOON = {"acknowledge": dt.timedelta(days=2), "conclude": dt.timedelta(days=14)}


@dataclass(frozen=True)
class Deadline:
    kind: str  # acknowledge | conclude
    due: dt.datetime
    flag: str  # overdue | due_soon | ""

    @property
    def label(self) -> str:
        return gettext("Acknowledge by") if self.kind == "acknowledge" else gettext("Conclude by")


def case_deadline(case: Case, now: dt.datetime | None = None) -> Deadline | None:
    """The deadline that applies now: acknowledging until triage, then concluding."""
    if case.status in ENDED:
        return None
    now = now or timezone.now()
    kind = "acknowledge" if case.status == Status.RECEIVED else "conclude"
    due = case.acknowledge_due if kind == "acknowledge" else case.conclude_due
    flag = "overdue" if due < now else "due_soon" if due - now <= DUE_SOON[kind] else ""
    return Deadline(kind=kind, due=due, flag=flag)


def overdue_q(now: dt.datetime) -> Q:
    return Q(status=Status.RECEIVED, acknowledge_due__lt=now) | (
        ~Q(status__in=[*ENDED, Status.RECEIVED]) & Q(conclude_due__lt=now)
    )


def due_soon_q(now: dt.datetime) -> Q:
    ack, conclude = DUE_SOON["acknowledge"], DUE_SOON["conclude"]
    return Q(status=Status.RECEIVED, acknowledge_due__gte=now, acknowledge_due__lte=now + ack) | (
        ~Q(status__in=[*ENDED, Status.RECEIVED])
        & Q(conclude_due__gte=now, conclude_due__lte=now + conclude)
    )
