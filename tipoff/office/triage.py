"""Triage of a new case: accept, reject, forward to another body, merge; and assignment.

Each operation changes the status through ``case_transition`` and tells the
reporter, in their own language, in their follow-up thread: that is how a
report is acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseExclusion, EventKind
from tipoff.cases.services import TransitionRefused, case_event_record, case_open, case_transition
from tipoff.people.models import Body, Role, Team, User
from tipoff.people.services import body_content_touch
from tipoff.reports.models import Author, Report
from tipoff.reports.selectors import case_reports, report_data_key
from tipoff.reports.services import message_post, report_transfer


def reporters_tell(
    *, case: Case, actor: User, body_key: bytes, text: Callable[[Report], str]
) -> int:
    """Post a staff message to every reporter of the case, each in their language."""
    count = 0
    for report in case_reports(case):
        with translation.override(report.language):
            message = str(text(report))
        message_post(
            report=report,
            data_key=report_data_key(report=report, body_private_key=body_key),
            text=message,
            author=Author.STAFF,
            staff=actor,
        )
        count += 1
    return count


@transaction.atomic
def case_accept(*, case: Case, actor: User, body_key: bytes) -> Case:
    case = case_transition(case=case, actor=actor, action="accept")
    reporters_tell(
        case=case,
        actor=actor,
        body_key=body_key,
        text=lambda r: (
            _(
                "Your report %(ref)s has been received and accepted for handling. "
                "We will tell you here when it is concluded."
            )
            % {"ref": r.case.reference}
        ),
    )
    return case


@transaction.atomic
def case_reject(*, case: Case, actor: User, reason: str, body_key: bytes) -> Case:
    case = case_transition(
        case=case,
        actor=actor,
        action="reject",
        reason=reason,
        changes={"reporter_note": reason.strip()},
    )
    reporters_tell(
        case=case,
        actor=actor,
        body_key=body_key,
        text=lambda r: (
            _("Your report could not be accepted. Reason: %(reason)s") % {"reason": reason.strip()}
        ),
    )
    return case


@transaction.atomic
def case_merge(*, case: Case, actor: User, target: Case, body_key: bytes, reason: str = "") -> Case:
    """Fold a new case into an open case of the same body; the reports stay readable."""
    if (
        target.pk == case.pk
        or target.body_id != case.body_id
        or not target.is_open
        or target.merged_into_id
    ):
        raise TransitionRefused(_("Choose an open case of this body to merge into."))
    if permissions.is_excluded(actor, target):
        raise permissions.NotAllowed("merge")
    reporters_tell(
        case=case,
        actor=actor,
        body_key=body_key,
        text=lambda r: _(
            "Your report has been received. It concerns a matter we are already handling, "
            "so it will be handled together with the related reports."
        ),
    )
    case = case_transition(
        case=case,
        actor=actor,
        action="merge",
        reason=reason,
        changes={"merged_into": target},
        details={"into": target.pk},
    )
    # Keep the merge flat, and keep everyone excluded from a part excluded from the whole.
    Case.objects.filter(merged_into=case).update(merged_into=target)
    body_content_touch(body_id=case.body_id)
    for exclusion in CaseExclusion.objects.filter(case=case):
        CaseExclusion.objects.get_or_create(
            case=target,
            user=exclusion.user,
            defaults={
                "reason": exclusion.reason,
                "created_at": exclusion.created_at,
                "created_by": exclusion.created_by,
            },
        )
    case_event_record(
        case=target,
        actor=actor,
        kind=EventKind.MERGE,
        action="merged_in",
        details={"case": case.pk},
    )
    return case


@transaction.atomic
def case_forward(
    *, case: Case, actor: User, target_body: Body, reason: str, body_key: bytes
) -> Case:
    """Hand the reports to another body on this deployment, keeping their history.

    A new case opens there; each report's data key is re-sealed to that body's
    public key and the report moves to the new case, so the reporter follows it
    up with the same receipt. This case stays here, marked forwarded.
    """
    if target_body.pk == case.body_id:
        raise TransitionRefused(_("Choose another body."))
    reports = list(case_reports(case))
    reporters_tell(
        case=case,
        actor=actor,
        body_key=body_key,
        text=lambda r: (
            _(
                "Your report has been forwarded to %(body)s, which is responsible for it. "
                "Keep using the same receipt to follow it up."
            )
            % {"body": target_body.name()}
        ),
    )
    new_case = case_open(body=target_body)
    case = case_transition(
        case=case,
        actor=actor,
        action="forward",
        reason=reason,
        changes={"forwarded_to": new_case},
        details={"to_body": target_body.pk, "to_case": new_case.pk},
    )
    for report in reports:
        report_transfer(report=report, body_private_key=body_key, to_case=new_case)
    body_content_touch(body_id=case.body_id)
    body_content_touch(body_id=target_body.pk)
    case_event_record(
        case=new_case,
        actor=actor,
        kind=EventKind.FORWARD,
        action="forwarded_in",
        reason=reason,
        details={
            "from_body": case.body_id,
            "from_case": case.pk,
            "reports": [r.pk for r in reports],
        },
    )
    return case


def _check_assignee(case: Case, team: Team, inspector: User) -> None:
    if team.body_id != case.body_id:
        raise TransitionRefused(_("Choose a team of this body."))
    if (
        inspector.body_id != case.body_id
        or inspector.team_id != team.pk
        or not inspector.is_active
        or inspector.role not in (Role.INSPECTOR, Role.LEADER)
    ):
        raise TransitionRefused(_("Choose an inspector of that team."))
    if permissions.is_excluded(inspector, case):
        raise TransitionRefused(_("That inspector is excluded from this case."))


@transaction.atomic
def case_assign(*, case: Case, actor: User, team: Team, inspector: User, reason: str = "") -> Case:
    """Give the case to a team and an inspector (or hand it to another one)."""
    _check_assignee(case, team, inspector)
    if actor.role == Role.LEADER and team.pk != actor.team_id:
        raise permissions.NotAllowed("assign")
    details = {
        "team": team.pk,
        "assignee": inspector.pk,
        "previous_team": case.team_id,
        "previous_assignee": case.assignee_id,
    }
    return case_transition(
        case=case,
        actor=actor,
        action="assign",
        reason=reason,
        changes={"team": team, "assignee": inspector},
        details=details,
    )
