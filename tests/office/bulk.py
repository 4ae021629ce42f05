"""Many reports fast, with the real encryption (for search and duplicate tests).

Like ``bench/office.py``: each report has its own data key sealed to the body
and its document encrypted under it, each case its own key; receipts are not
derived (the office never uses them), so these reports cannot be followed up.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.utils import timezone

from tipoff.cases.models import Case, Status
from tipoff.lib import vault
from tipoff.people.models import Body, Category, Unit
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Report


def bulk_reports(
    body: Body, texts: list[str], *, status: str = Status.INVESTIGATING, **content: Any
) -> list[Report]:
    """One case and report per text, oldest first (a day apart, ending today)."""
    category = Category.objects.filter(body=body).first()
    unit = Unit.objects.filter(body=body).first()
    now = timezone.now()
    cases, reports = [], []
    for i, text in enumerate(texts):
        at = now - dt.timedelta(days=len(texts) - i)
        key = vault.new_key()
        doc = ReportContent(what=text, **content)
        cases.append(
            Case(
                body=body,
                status=status,
                created_at=at,
                updated_at=at,
                acknowledge_due=at,
                conclude_due=at + dt.timedelta(days=90),
                sealed_key=vault.seal_to(body.public_key, vault.new_key()),
            )
        )
        reports.append(
            Report(
                body=body,
                channel="web",
                category=category,
                unit=unit,
                received_at=at,
                receipt_lookup=os.urandom(32),
                sealed_key=vault.seal_to(body.public_key, key),
                reporter_wrapped_key=b"-",
                content=vault.seal(key, doc.to_bytes(), label="report"),
            )
        )
    made = Case.objects.bulk_create(cases)
    for case, report in zip(made, reports, strict=True):
        report.case = case
    return Report.objects.bulk_create(reports)
