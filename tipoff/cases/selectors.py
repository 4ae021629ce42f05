"""Reading cases: what a reporter may be told about their case's progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tipoff.cases.models import Case, Status

# What each state means, said plainly to the person who reported.
_REPORTER_TEXT = {
    Status.RECEIVED: _("Your report has been received and is waiting to be reviewed."),
    Status.TRIAGED: _("Your report has been reviewed and accepted for handling."),
    Status.ASSIGNED: _("Your report has been passed to an inspection team."),
    Status.INVESTIGATING: _("Inspectors are looking into what you reported."),
    Status.DECISION_PROPOSED: _("The inspection is finished and a decision is being approved."),
    Status.DECIDED: _("A decision has been taken on your report."),
    Status.CLOSED: _("Handling of your report is complete."),
    Status.REJECTED: _("Your report could not be accepted. See the message from the inspectors below."),
    Status.FORWARDED: _("Your report has been forwarded to the body responsible for it."),
    Status.MERGED: _("Your report is being handled together with other reports about the same matter."),
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
    status = Status(case.status)
    return ReporterStatus(code=status.value, label=str(status.label), explanation=str(_REPORTER_TEXT[status]))
