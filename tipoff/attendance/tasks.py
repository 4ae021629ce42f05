"""Background work: settling past days (absences) and deleting expired review snapshots.

Run ``manage.py attendance_settle`` from cron (hourly is plenty); it calls the
same functions, and a task can be enqueued after a calendar change.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tipoff.attendance.models import Attempt, Site
from tipoff.attendance.records import records_settle, site_zone


def snapshots_purge(*, now: dt.datetime | None = None) -> int:
    """Delete snapshots past their retention (the review period, or the shorter one of
    accepted check-ins); the attempt row stays, without a picture."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(snapshot__isnull=False, purge_after__lte=now)
    with transaction.atomic():
        unreviewed = expired.filter(needs_review=True).update(
            snapshot=None, needs_review=False, review_result="expired"
        )
        return unreviewed + expired.update(snapshot=None)


def sites_settle(*, days: int = 3, now: dt.datetime | None = None) -> int:
    """Recompute the last ``days`` days of every site, so absences show once a day is over."""
    now = now or timezone.now()
    count = 0
    for site in Site.objects.all():
        today = now.astimezone(site_zone(site)).date()
        count += records_settle(
            site=site, first=today - dt.timedelta(days=days), last=today, now=now
        )
    return count


@task()
def attendance_housekeeping() -> dict[str, int]:
    return {"settled": sites_settle(), "purged": snapshots_purge()}
