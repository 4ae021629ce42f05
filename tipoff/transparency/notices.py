"""Notices of typical cases (典型案例通报): drafting, two-person approval, withdrawal.

The workflow, enforced here and nowhere else:

* **draft** — a team leader or administrator who may see a *decided* case
  starts a draft from it. The draft is filled from the case's clear,
  structured facts only (category, unit, finding, kinds of measure, dates);
  nothing is taken from a report's encrypted contents or from the reporter,
  and no free text staff wrote (the outcome told to the reporter may name
  people) is copied either. Only the drafter edits the draft.
* **submit** — the drafter hands it over for approval; from then on the text
  is frozen, so the approver approves exactly what will be published.
  Submitting and approving both check again that the case is still decided
  with the finding the draft copied (it may have been reopened since).
* **approve** — a second person (a leader or administrator of the same body,
  never the drafter, never someone excluded from the case) publishes it; or
  **return** it, with a reason, to draft.
* **withdraw** — a published notice is taken down, with a reason.

Every step is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipoff.audit.services import audit_record
from tipoff.cases import permissions
from tipoff.cases.models import Case, Finding, SanctionKind, Status
from tipoff.cases.selectors import decision_approved
from tipoff.people.models import Category, Role, Unit, User
from tipoff.reports.selectors import case_primary_report
from tipoff.transparency.models import Notice, NoticeState

# Who works on notices: "the body administrator publishes notices" (DESIGN.md §1);
# team leaders, who approve decisions, may draft and approve them too.
NOTICE_ROLES = frozenset({Role.ADMIN, Role.LEADER})
# Auditors read the notices and their history; they change nothing.
READER_ROLES = NOTICE_ROLES | {Role.AUDITOR}
DECIDED = frozenset({Status.DECIDED, Status.CLOSED})
MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_REASON = 2000
# Unfounded reports are counted in statistics, never described (issue 12).
PUBLISHABLE_FINDINGS = frozenset({Finding.FOUNDED, Finding.PARTLY})
FINDING_WORDS: dict[str, Any] = {
    Finding.FOUNDED: gettext_lazy("On inspection, what was reported was found to be true."),
    Finding.PARTLY: gettext_lazy("On inspection, what was reported was found to be partly true."),
}


class NoticeRefused(Exception):
    """The step is not possible for this person or in this state."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- who may ------------------------------------------------------------------------------


def _staff(user: object) -> User | None:
    if isinstance(user, User) and user.is_active and user.body_id is not None:
        return user
    return None


def can_read_notices(user: object) -> bool:
    staff = _staff(user)
    return staff is not None and staff.role in READER_ROLES


def can_work_on_notices(user: object) -> bool:
    staff = _staff(user)
    return staff is not None and staff.role in NOTICE_ROLES


def can_draft(user: object, case: Case) -> bool:
    """A leader or administrator who may see this decided case of their own body."""
    staff = _staff(user)
    return (
        staff is not None
        and staff.role in NOTICE_ROLES
        and case.body_id == staff.body_id
        and case.status in DECIDED
        and permissions.visible(staff, case)
        and _publishable(case)
    )


def _publishable(case: Case) -> bool:
    """Founded, and not already told: one notice per case, unless it was withdrawn."""
    decision = decision_approved(case)
    if decision is None or decision.finding not in PUBLISHABLE_FINDINGS:
        return False
    return not Notice.objects.filter(case=case).exclude(state=NoticeState.WITHDRAWN).exists()


def case_changed(notice: Notice) -> str:
    """Why the notice's case no longer bears it out ("" if it does).

    The finding was copied when the draft began; the case may have been
    reopened, or decided again with another finding, since. A notice whose
    case was purged (closed, then deleted by retention) is left as it is.
    """
    case = notice.case
    if case is None:
        return ""
    if case.status not in DECIDED:
        return _("The case of this notice was reopened and is not decided now.")
    decision = decision_approved(case)
    if (
        decision is None
        or decision.finding != notice.finding
        or decision.finding not in PUBLISHABLE_FINDINGS
    ):
        return _("The case of this notice was decided again, with another finding.")
    return ""


def _refuse_if_case_changed(notice: Notice) -> None:
    changed = case_changed(notice)
    if changed:
        rule = _("A notice is only published while its case is decided as it says.")
        raise NoticeRefused(f"{changed} {rule}")


def _may_act(staff: User, notice: Notice) -> bool:
    if staff.role not in NOTICE_ROLES or staff.body_id != notice.body_id:
        return False
    return notice.case is None or not permissions.is_excluded(staff, notice.case)


def can_edit(user: object, notice: Notice) -> bool:
    staff = _staff(user)
    return (
        staff is not None
        and notice.state == NoticeState.DRAFT
        and notice.drafted_by_id == staff.pk
        and _may_act(staff, notice)
    )


def can_approve(user: object, notice: Notice) -> bool:
    """Four eyes: anyone allowed, except the person who drafted it."""
    staff = _staff(user)
    return (
        staff is not None
        and notice.state == NoticeState.PENDING
        and notice.drafted_by_id != staff.pk
        and _may_act(staff, notice)
    )


def can_return(user: object, notice: Notice) -> bool:
    staff = _staff(user)
    return staff is not None and notice.state == NoticeState.PENDING and _may_act(staff, notice)


def can_withdraw(user: object, notice: Notice) -> bool:
    staff = _staff(user)
    return staff is not None and notice.state == NoticeState.PUBLISHED and _may_act(staff, notice)


# --- the facts a draft starts from -------------------------------------------------------------


@dataclass(frozen=True)
class NoticeFacts:
    """The clear, structured facts of a decided case: all a draft starts from."""

    category: Category | None
    unit: Unit | None
    finding: str
    sanction_kinds: list[SanctionKind] = field(default_factory=list)
    reported_on: dt.date | None = None
    decided_on: dt.date | None = None


def notice_facts(case: Case) -> NoticeFacts:
    decision = decision_approved(case)
    if decision is None or decision.finding not in PUBLISHABLE_FINDINGS:
        raise NoticeRefused(_("Only a case decided as founded can become a notice."))
    report = case_primary_report(case)
    kinds = list(
        SanctionKind.objects.filter(pk__in=decision.sanctions.values("kind_id")).order_by(
            "order", "id"
        )
    )
    approved = decision.approved_at or decision.proposed_at
    return NoticeFacts(
        category=report.category if report else None,
        unit=report.unit if report else None,
        finding=decision.finding,
        sanction_kinds=kinds,
        reported_on=timezone.localdate(case.created_at),
        decided_on=timezone.localdate(approved),
    )


def _month(day: dt.date | None, language: str) -> str:
    if day is None:
        return ""
    return f"{day.year}年{day.month}月" if language == "zh-hans" else f"{day:%B %Y}"


def draft_wording(facts: NoticeFacts, language: str) -> tuple[str, str]:
    """A starting title and account in one language, made of the structured facts alone.

    Staff rewrite it; it only saves them typing what the case's clear fields say.
    """
    with translation.override(language):
        unit = facts.unit.name() if facts.unit else _("a unit")
        category = facts.category.name() if facts.category else _("a breach of discipline")
        kinds = "、" if language == "zh-hans" else ", "
        measures = kinds.join(k.name() for k in facts.sanction_kinds)
        title = _("Typical case: %(category)s at %(unit)s") % {"category": category, "unit": unit}
        lines = [
            _("In %(month)s the commission received a report about %(category)s at %(unit)s.")
            % {"month": _month(facts.reported_on, language), "category": category, "unit": unit},
            str(FINDING_WORDS.get(facts.finding, "")),
        ]
        if measures:
            lines.append(
                _("In %(month)s the people responsible received: %(measures)s.")
                % {"month": _month(facts.decided_on, language), "measures": measures}
            )
        return title[:MAX_TITLE], "\n\n".join(lines)


# --- the steps --------------------------------------------------------------------------------


def _audit(notice: Notice, actor: User, action: str, **details: object) -> None:
    audit_record(
        actor=actor,
        action=f"notice.{action}",
        body_id=notice.body_id,
        obj=notice,
        details={"case": notice.case_id, "state": notice.state, **details},
    )


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


@transaction.atomic
def notice_draft(*, case: Case, actor: User) -> Notice:
    """Start a draft from a decided case, filled from its structured facts only."""
    if not can_draft(actor, case):
        raise NoticeRefused(_("You may not write a notice about this case."))
    facts = notice_facts(case)
    title_zh, text_zh = draft_wording(facts, "zh-hans")
    title_en, text_en = draft_wording(facts, "en")
    now = timezone.now()
    notice = Notice.objects.create(
        body_id=case.body_id,
        case=case,
        title_zh=title_zh,
        title_en=title_en,
        text_zh=text_zh,
        text_en=text_en,
        category=facts.category,
        unit=facts.unit,
        finding=facts.finding,
        reported_on=facts.reported_on,
        decided_on=facts.decided_on,
        drafted_by=actor,
        created_at=now,
        updated_at=now,
    )
    notice.sanction_kinds.set(facts.sanction_kinds)
    _audit(notice, actor, "drafted")
    return notice


@dataclass(frozen=True)
class NoticeWording:
    title_zh: str
    text_zh: str
    title_en: str = ""
    text_en: str = ""
    show_unit: bool = True

    def cleaned(self) -> NoticeWording:
        return NoticeWording(
            title_zh=self.title_zh.strip(),
            text_zh=self.text_zh.strip(),
            title_en=self.title_en.strip(),
            text_en=self.text_en.strip(),
            show_unit=self.show_unit,
        )

    def problems(self) -> list[str]:
        found = []
        if not self.title_zh or not self.text_zh:
            found.append(_("A notice needs a title and an account in Chinese."))
        if max(len(self.title_zh), len(self.title_en)) > MAX_TITLE:
            found.append(_("Keep the title under %(limit)d characters.") % {"limit": MAX_TITLE})
        if max(len(self.text_zh), len(self.text_en)) > MAX_TEXT:
            found.append(_("Keep the account under %(limit)d characters.") % {"limit": MAX_TEXT})
        return found


@transaction.atomic
def notice_edit(*, notice: Notice, actor: User, wording: NoticeWording) -> Notice:
    notice = _locked(notice)
    if not can_edit(actor, notice):
        raise NoticeRefused(_("Only the person who drafted it edits a draft."))
    wording = wording.cleaned()
    problems = wording.problems()
    if problems:
        raise NoticeRefused(" ".join(problems))
    notice.title_zh, notice.text_zh = wording.title_zh, wording.text_zh
    notice.title_en, notice.text_en = wording.title_en, wording.text_en
    notice.show_unit = wording.show_unit
    notice.updated_at = timezone.now()
    notice.save()
    _audit(notice, actor, "edited")
    return notice


@transaction.atomic
def notice_submit(*, notice: Notice, actor: User) -> Notice:
    notice = _locked(notice)
    if not can_edit(actor, notice):
        raise NoticeRefused(_("Only the person who drafted it submits a draft."))
    problems = NoticeWording(notice.title_zh, notice.text_zh, notice.title_en, notice.text_en)
    if problems.problems():
        raise NoticeRefused(" ".join(problems.problems()))
    _refuse_if_case_changed(notice)
    notice.state, notice.submitted_at = NoticeState.PENDING, timezone.now()
    notice.return_reason = ""
    notice.save(update_fields=["state", "submitted_at", "return_reason"])
    _audit(notice, actor, "submitted")
    return notice


@transaction.atomic
def notice_approve(*, notice: Notice, actor: User) -> Notice:
    """Publish: a second person's approval, never the drafter's own."""
    notice = _locked(notice)
    if notice.drafted_by_id == actor.pk:
        raise NoticeRefused(_("Someone other than the drafter must approve a notice."))
    if not can_approve(actor, notice):
        raise NoticeRefused(_("You may not approve this notice."))
    _refuse_if_case_changed(notice)
    notice.state, notice.approved_by = NoticeState.PUBLISHED, actor
    notice.published_at = timezone.now()
    notice.save(update_fields=["state", "approved_by", "published_at"])
    _audit(notice, actor, "approved", drafted_by=notice.drafted_by_id)
    return notice


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise NoticeRefused(
            _("Give a reason (up to %(limit)d characters).") % {"limit": MAX_REASON}
        )
    return reason


@transaction.atomic
def notice_return(*, notice: Notice, actor: User, reason: str) -> Notice:
    notice = _locked(notice)
    if not can_return(actor, notice):
        raise NoticeRefused(_("You may not return this notice."))
    notice.state, notice.return_reason = NoticeState.DRAFT, _reason(reason)
    notice.submitted_at = None
    notice.save(update_fields=["state", "return_reason", "submitted_at"])
    _audit(notice, actor, "returned", reason=notice.return_reason)
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, actor: User, reason: str) -> Notice:
    notice = _locked(notice)
    if not can_withdraw(actor, notice):
        raise NoticeRefused(_("You may not withdraw this notice."))
    notice.withdraw_reason = _reason(reason)
    notice.state, notice.withdrawn_by = NoticeState.WITHDRAWN, actor
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["state", "withdraw_reason", "withdrawn_by", "withdrawn_at"])
    _audit(notice, actor, "withdrawn", reason=notice.withdraw_reason)
    return notice
