"""Reading notices: what the public sees, what staff see, the cases a notice can start from."""

from __future__ import annotations

from django.db.models import QuerySet

from tipoff.cases import permissions
from tipoff.cases.models import Case, DecisionState
from tipoff.people.models import Body, User
from tipoff.transparency.models import Notice, NoticeState
from tipoff.transparency.notices import DECIDED, PUBLISHABLE_FINDINGS, can_work_on_notices


def notices_published(body: Body) -> QuerySet[Notice]:
    """What the public sees: published notices only, newest first."""
    return (
        Notice.objects.filter(body=body, state=NoticeState.PUBLISHED)
        .select_related("category", "unit")
        .prefetch_related("sanction_kinds")
        .order_by("-published_at", "-id")
    )


def notices_for_staff(user: User) -> QuerySet[Notice]:
    # Someone excluded from a case (named in it, or a declared conflict) does not see its notice.
    return (
        Notice.objects.filter(body_id=user.body_id or 0)
        .exclude(case__exclusions__user=user)
        .select_related("drafted_by", "approved_by", "category", "case")
        .order_by("-updated_at", "-id")
    )


def cases_to_notice(user: User) -> QuerySet[Case]:
    """Decided cases of the user's body they may see, newest decisions first."""
    if not can_work_on_notices(user):
        return Case.objects.none()
    return (
        permissions.visible_cases(user)
        .filter(
            status__in=DECIDED,
            decisions__state=DecisionState.APPROVED,
            decisions__finding__in=PUBLISHABLE_FINDINGS,
        )
        .exclude(notices__state__in=[s for s in NoticeState if s != NoticeState.WITHDRAWN])
        .distinct()
        .order_by("-updated_at")
    )
