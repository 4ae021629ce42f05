"""From investigation to outcome: start, propose a decision, approve or return it, close, reopen.

An inspector proposes a finding and the measures for each official; the team
leader approves it (never the proposer) or returns it with a reason. On
approval the reporter is told the outcome in plain words, in their thread and
on their follow-up page. Officials' names stay encrypted; the kinds of measure
are clear so statistics can count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.cases.models import (
    Case,
    Decision,
    DecisionSanction,
    DecisionState,
    Finding,
    SanctionKind,
)
from tipoff.cases.selectors import case_key, decision_lines_for_reporter
from tipoff.cases.services import TransitionRefused, case_transition
from tipoff.lib import vault
from tipoff.office.investigation import official_blob
from tipoff.office.triage import reporters_tell
from tipoff.people.models import Body, User

# The default list (REFERENCE.md §2): Party and administrative sanctions and
# lighter measures. Each body may edit its own copy.
DEFAULT_SANCTIONS = [
    ("criticism", "批评教育", "Criticism and education"),
    ("admonishing_talk", "诫勉谈话", "Admonishing talk"),
    ("party_warning", "党内警告", "Party warning"),
    ("party_serious_warning", "党内严重警告", "Serious Party warning"),
    ("party_post_removal", "撤销党内职务", "Removal from Party post"),
    ("party_probation", "留党察看", "Party probation"),
    ("party_expulsion", "开除党籍", "Expulsion from the Party"),
    ("warning", "警告", "Warning"),
    ("demerit", "记过", "Demerit"),
    ("major_demerit", "记大过", "Major demerit"),
    ("demotion", "降级", "Demotion"),
    ("dismissal", "撤职", "Dismissal from post"),
    ("expulsion", "开除", "Expulsion from public service"),
    ("prosecution", "移送司法机关", "Transfer to judicial organs"),
]
MAX_SUMMARY = 2000
MAX_REASONING = 10000


def sanction_kinds_seed(*, body: Body) -> int:
    """Give a body the default list of measures, once (it has none yet).

    Two pages opened at the same moment may both seed: the second one's rows
    conflict with the first's and are skipped, never an error.
    """
    if SanctionKind.objects.filter(body=body).exists():
        return 0
    created = SanctionKind.objects.bulk_create(
        [
            SanctionKind(body=body, code=code, name_zh=zh, name_en=en, order=i)
            for i, (code, zh, en) in enumerate(DEFAULT_SANCTIONS)
        ],
        ignore_conflicts=True,
    )
    return len(created)


@dataclass(frozen=True)
class SanctionInput:
    official_name: str
    official_position: str
    kind_id: int


def case_start(*, case: Case, actor: User) -> Case:
    return case_transition(case=case, actor=actor, action="start")


@transaction.atomic
def decision_propose(
    *,
    case: Case,
    actor: User,
    finding: str,
    summary: str,
    reasoning: str,
    sanctions: Sequence[SanctionInput],
    body_key: bytes,
) -> Decision:
    if finding not in Finding.values:
        raise TransitionRefused(_("Choose a finding."))
    summary, reasoning = summary.strip(), reasoning.strip()
    if not summary or len(summary) > MAX_SUMMARY:
        raise TransitionRefused(
            _("Write the outcome for the reporter (up to %(limit)d characters).")
            % {"limit": MAX_SUMMARY}
        )
    if len(reasoning) > MAX_REASONING:
        raise TransitionRefused(
            _("Please keep the reasoning under %(limit)d characters.") % {"limit": MAX_REASONING}
        )
    if finding == Finding.UNFOUNDED and sanctions:
        raise TransitionRefused(_("An unfounded report carries no measures."))
    kinds = {k.pk: k for k in SanctionKind.objects.filter(body_id=case.body_id, active=True)}
    for item in sanctions:
        if item.kind_id not in kinds or not item.official_name.strip():
            raise TransitionRefused(
                _("Each measure needs an official's name and a measure from the list.")
            )
    case = case_transition(
        case=case,
        actor=actor,
        action="propose",
        details={"finding": finding, "sanctions": len(sanctions)},
    )
    key = case_key(case=case, body_private_key=body_key)
    decision = Decision.objects.create(
        case=case,
        finding=finding,
        summary=summary,
        reasoning=vault.seal(key, reasoning.encode(), label=f"reasoning:{case.pk}"),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    DecisionSanction.objects.bulk_create(
        DecisionSanction(
            decision=decision,
            kind=kinds[item.kind_id],
            official=official_blob(
                key=key,
                case=case,
                name=item.official_name.strip()[:200],
                position=item.official_position.strip()[:200],
            ),
        )
        for item in sanctions
    )
    return decision


def _proposal(case: Case) -> Decision:
    decision = (
        case.decisions.filter(state=DecisionState.PROPOSED).order_by("proposed_at", "id").last()
    )
    if decision is None:
        raise TransitionRefused(_("There is no proposed decision."))
    return decision


@transaction.atomic
def decision_approve(*, case: Case, actor: User, body_key: bytes) -> Decision:
    decision = _proposal(case)
    case = case_transition(
        case=case,
        actor=actor,
        action="approve",
        details={"decision": decision.pk, "finding": decision.finding},
        changes={"reporter_note": decision.summary},
    )
    decision.state, decision.approved_by, decision.approved_at = (
        DecisionState.APPROVED,
        actor,
        timezone.now(),
    )
    decision.save(update_fields=["state", "approved_by", "approved_at"])
    reporters_tell(
        case=case,
        actor=actor,
        body_key=body_key,
        text=lambda r: "\n".join(
            [_("Handling of your report is concluded."), *decision_lines_for_reporter(case)]
        ),
    )
    return decision


@transaction.atomic
def decision_return(*, case: Case, actor: User, reason: str) -> Decision:
    decision = _proposal(case)
    case_transition(
        case=case, actor=actor, action="return", reason=reason, details={"decision": decision.pk}
    )
    decision.state = DecisionState.RETURNED
    decision.save(update_fields=["state"])
    return decision


def case_close(*, case: Case, actor: User, reason: str = "") -> Case:
    return case_transition(case=case, actor=actor, action="close", reason=reason)


def case_reopen(*, case: Case, actor: User, reason: str) -> Case:
    return case_transition(case=case, actor=actor, action="reopen", reason=reason)


def sanction_kinds_for(body: Body) -> list[SanctionKind]:
    return list(SanctionKind.objects.filter(body=body, active=True))
