"""The demo: a court with divisions, schedules, employees and a month of records."""

from __future__ import annotations

import pytest
from django.test import Client

from tipoff.attendance import demo
from tipoff.attendance.models import DailyRecord, Employee, Enrollment, Site
from tipoff.attendance.monthly import month_report, repeated_lateness
from tipoff.attendance.tasks import sites_settle, snapshots_purge

pytestmark = pytest.mark.django_db


def test_demo_has_a_site_employees_and_a_month_of_records(body, staff):
    users = {u.username: u for u in staff.values()}
    demo.load(body.body, users)
    site = Site.objects.get(name_zh="示范市人民法院")
    employees = Employee.objects.filter(site=site)
    assert employees.count() == 25 and employees.values("unit").distinct().count() == 5
    assert employees.filter(user__username="demo-admin").exists()
    assert not Enrollment.objects.exists()  # faces are enrolled by people themselves
    statuses = set(DailyRecord.objects.filter(employee__site=site).values_list("status", flat=True))
    assert {"on_time", "late", "absent", "leave", "rest"} <= statuses
    latest = DailyRecord.objects.filter(employee__site=site).latest("date").date
    report = month_report(site, latest)
    assert report.total.workdays > 0
    assert repeated_lateness(report, min_late=2, min_absent=1)
    # Housekeeping runs over it without complaint.
    assert sites_settle(days=1) >= 25
    assert snapshots_purge() == 0
    client = Client()
    client.force_login(users["demo-admin"])
    page = client.get(f"/attendance/sites/{site.pk}/report/?month={latest:%Y-%m}")
    assert page.status_code == 200 and "<svg" in page.content.decode()
