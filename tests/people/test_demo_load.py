"""``manage.py demo_load``, as the README's quick start runs it: a real command, real commits."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tipoff.cases.models import Case
from tipoff.office import demo as office_demo
from tipoff.people.models import Body
from tipoff.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_loads_with_reports_filed_through_intake_and_only_once(capsys):
    call_command("demo_load")
    assert "RECOVERY KEY" in capsys.readouterr().out
    body = Body.objects.get()
    reports = Report.objects.filter(body=body).count()
    assert (
        reports >= 5 and Case.objects.filter(body=body, status__in=["decided", "closed"]).exists()
    )
    call_command("demo_load")  # idempotent: nothing is filed twice
    assert Report.objects.count() == reports and Body.objects.count() == 1


def test_a_failure_part_way_says_what_happened_and_how_to_start_again(monkeypatch):
    def broken(body, staff):
        raise RuntimeError("disk full")

    monkeypatch.setattr(office_demo, "load", broken)
    with pytest.raises(CommandError, match=r"disk full.*empty database"):
        call_command("demo_load")
