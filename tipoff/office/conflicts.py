"""Conflicts of interest: staff named in a case's reports, or who declare a conflict.

A staff member whose name matches a reported official (in any script or
romanisation, ``lib.similarity.names_match``) is excluded from the case the
first time its reports are decrypted, before anything is shown. Staff may
declare a conflict themselves; an administrator may lift a wrong match
(a namesake), with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseExclusion, EventKind, ExclusionReason
from tipoff.cases.services import TransitionRefused, case_event_record, case_unassign
from tipoff.lib import similarity
from tipoff.people.models import User
from tipoff.reports.content import ReportContent


def conflicts_detect(*, case: Case, contents: Sequence[ReportContent]) -> list[User]:
    """Exclude every staff member of the body whose name matches a reported official."""
    names = [c.official_name for c in contents if c.official_name.strip()]
    if not names:
        return []
    excluded: list[User] = []
    already = set(CaseExclusion.objects.filter(case=case).values_list("user_id", flat=True))
    for member in User.objects.filter(body_id=case.body_id, is_active=True).exclude(pk__in=already):
        staff_names = [n for n in (member.display_name, member.get_full_name()) if n.strip()]
        if any(similarity.names_match(name, staff) for name in names for staff in staff_names):
            _exclude(case=case, user=member, reason=ExclusionReason.NAMED, by=None)
            excluded.append(member)
    return excluded


def conflicts_in_search(*, user: User, candidates: dict[int, str]) -> set[int]:
    """Of the cases a search found, those whose reported official is the searcher.

    ``candidates`` maps each case to the official's name (as the index keeps
    it). The searcher is excluded from those cases before the results are
    shown, so searching never tells anyone that they were reported.
    """
    staff_names = [n for n in (user.display_name, user.get_full_name()) if n.strip()]
    keys = {similarity.simplified("".join(similarity.tokens(n))) for n in staff_names}
    keys |= {similarity.simplified("".join(similarity.tokens(n.split()[-1]))) for n in staff_names}
    keys = {k for k in keys if len(k) >= 2}
    named: set[int] = set()
    for case_id, name in candidates.items():
        if not name:
            continue
        plausible = not name.isascii() and any(k in name or name in k for k in keys)
        if (plausible or name.isascii()) and any(
            similarity.names_match(name, staff) for staff in staff_names
        ):
            named.add(case_id)
    for case in Case.objects.filter(pk__in=named):
        _exclude(case=case, user=user, reason=ExclusionReason.NAMED, by=None)
    return named


def _exclude(*, case: Case, user: User, reason: str, by: User | None) -> bool:
    """Exclude ``user`` (once); False if they were excluded already."""
    try:
        with transaction.atomic():
            CaseExclusion.objects.create(
                case=case, user=user, reason=reason, created_at=timezone.now(), created_by=by
            )
            case_event_record(
                case=case,
                actor=by,
                kind=EventKind.CONFLICT,
                action="excluded",
                details={"user": user.pk, "reason": reason},
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def conflict_declare(*, case: Case, actor: User) -> None:
    """A staff member says they have a conflict of interest: they lose sight of the case.

    If they were its assignee, the case goes back to be assigned again, in the
    same transaction: an assigned case never stands without an assignee.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    permissions.require(actor, "declare_conflict", locked)
    if locked.assignee_id == actor.pk and locked.is_open:
        # First hand the case back (they may still), then step out of sight.
        case_unassign(case=locked, actor=actor, reason=_("Conflict of interest declared."))
    _exclude(case=locked, user=actor, reason=ExclusionReason.DECLARED, by=actor)
    case.refresh_from_db()


@transaction.atomic
def exclusion_lift(*, exclusion: CaseExclusion, actor: User, reason: str) -> None:
    """An administrator lifts a wrong match (a namesake); the reason is recorded."""
    permissions.require(actor, "lift_exclusion", exclusion.case)
    if not reason.strip():
        raise TransitionRefused(_("Give a reason."))
    case, user_id = exclusion.case, exclusion.user_id
    exclusion.delete()
    case_event_record(
        case=case,
        actor=actor,
        kind=EventKind.CONFLICT,
        action="exclusion_lifted",
        reason=reason.strip(),
        details={"user": user_id},
    )
