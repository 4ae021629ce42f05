"""Deadlines: extending them with a recorded reason, and reminding handlers by e-mail.

Each body sets how long it has to acknowledge a report and to conclude a case
(``Body.acknowledge_days`` / ``conclude_days``); ``case_open`` stamps the due
dates. ``reminders_send`` mails the people who must act on overdue and
due-soon cases, at most once a day per case; the background task in
``tasks.py`` runs it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.cases import permissions
from tipoff.cases.models import Case, DeadlineExtension, EventKind, Status
from tipoff.cases.selectors import case_deadline, due_soon_q, overdue_q
from tipoff.cases.services import TransitionRefused, case_event_record
from tipoff.people.models import Role, User

MAX_EXTENSION_DAYS = 180
REMIND_EVERY = dt.timedelta(hours=23)


@transaction.atomic
def deadline_extend(*, case: Case, actor: User, days: int, reason: str) -> DeadlineExtension:
    """Push the deadline that applies now back by ``days``, saying why."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    permissions.require(actor, "extend", locked)
    reason = reason.strip()
    if not reason:
        raise TransitionRefused(_("Give a reason."))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise TransitionRefused(_("Extend by 1 to %(max)d days.") % {"max": MAX_EXTENSION_DAYS})
    deadline = case_deadline(locked)
    assert deadline is not None  # an open case always has one
    field = "acknowledge_due" if deadline.kind == "acknowledge" else "conclude_due"
    new_due = deadline.due + dt.timedelta(days=days)
    setattr(locked, field, new_due)
    locked.reminded_at = None
    locked.save(update_fields=[field, "reminded_at"])
    extension = DeadlineExtension.objects.create(
        case=locked,
        deadline=deadline.kind,
        old_due=deadline.due,
        new_due=new_due,
        reason=reason,
        by=actor,
        at=timezone.now(),
    )
    case_event_record(
        case=locked,
        actor=actor,
        kind=EventKind.EXTENSION,
        action="deadline_extended",
        reason=reason,
        details={
            "deadline": deadline.kind,
            "old": deadline.due.isoformat(),
            "new": new_due.isoformat(),
        },
    )
    case.refresh_from_db()
    return extension


def reminder_recipients(case: Case) -> list[User]:
    """Who should act: the assignee, else the team leader, else intake and administrators."""
    excluded = case.exclusions.values("user_id")
    if case.assignee_id and case.assignee and case.assignee.is_active:
        return [case.assignee]
    staff = User.objects.filter(body_id=case.body_id, is_active=True).exclude(pk__in=excluded)
    if case.team_id:
        leaders = list(staff.filter(role=Role.LEADER, team_id=case.team_id))
        if leaders:
            return leaders
    if case.status in (Status.RECEIVED, Status.TRIAGED):
        return list(staff.filter(role__in=[Role.INTAKE, Role.ADMIN]))
    return list(staff.filter(role=Role.ADMIN))


def reminders_due(now: dt.datetime) -> list[Case]:
    return list(
        Case.objects.filter(overdue_q(now) | due_soon_q(now))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_EVERY))
        .select_related("assignee")
        .order_by("created_at")
    )


def reminders_send(now: dt.datetime | None = None) -> int:
    """Mail handlers of overdue and due-soon cases; returns how many mails went out.

    The mails name the case reference and the deadline only, never contents.
    """
    now = now or timezone.now()
    sent = 0
    for case in reminders_due(now):
        deadline = case_deadline(case, now)
        if deadline is None:
            continue
        addresses = [u.email for u in reminder_recipients(case) if u.email]
        # Claim the reminder first (compare-and-set) so two workers never both send it.
        claimed = Case.objects.filter(pk=case.pk, reminded_at=case.reminded_at).update(
            reminded_at=now
        )
        if not claimed or not addresses:
            continue
        overdue = deadline.flag == "overdue"
        due = timezone.localtime(deadline.due).strftime("%Y-%m-%d %H:%M")
        link = f"{settings.SITE_URL}/office/cases/{case.pk}/"
        subject = (
            f"[tipoff] {'OVERDUE' if overdue else 'Due soon'} {case.reference} / "
            f"{'已逾期' if overdue else '即将到期'} {case.reference}"
        )
        what_en = (
            "acknowledge the report" if deadline.kind == "acknowledge" else "conclude the case"
        )
        what_zh = "受理答复" if deadline.kind == "acknowledge" else "办结"
        body = (
            f"Case {case.reference}: the deadline to {what_en} {'passed' if overdue else 'is'} {due}.\n{link}\n\n"
            f"案件 {case.reference}：{what_zh}期限{'已于' if overdue else '为'} {due}{'逾期' if overdue else ''}。\n{link}\n"
        )
        send_mail(subject=subject, message=body, from_email=None, recipient_list=addresses)
        sent += 1
    return sent
