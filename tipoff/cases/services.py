"""Opening cases. The full workflow lives here too as it grows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tipoff.cases.models import Case
from tipoff.people.models import Body


def case_open(*, body: Body, at: dt.datetime | None = None) -> Case:
    now = at or timezone.now()
    return Case.objects.create(
        body=body,
        created_at=now,
        updated_at=now,
        acknowledge_due=now + dt.timedelta(days=body.acknowledge_days),
        conclude_due=now + dt.timedelta(days=body.conclude_days),
    )
