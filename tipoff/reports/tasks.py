"""Background work after intake: telling staff that something arrived.

Notifications never contain what the reporter wrote: only that there is
something new to look at in the back office.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from tipoff.people.models import Role, User
from tipoff.reports.models import Report


def _intake_addresses(body_id: int) -> list[str]:
    staff = User.objects.filter(body_id=body_id, is_active=True, role__in=[Role.INTAKE, Role.ADMIN])
    return [u.email for u in staff if u.email]


@task()
def notify_new_report(report_id: int) -> int:
    report = Report.objects.select_related("case").filter(pk=report_id).first()
    if report is None:
        return 0
    recipients = _intake_addresses(report.body_id)
    if not recipients:
        return 0
    send_mail(
        subject=f"[tipoff] New report {report.case.reference} / 新举报 {report.case.reference}",
        message=(
            f"A new report has arrived. Sign in to the back office to read it: {settings.SITE_URL}/office/\n"
            f"收到一件新举报，请登录后台查看：{settings.SITE_URL}/office/\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


@task()
def notify_reporter_message(report_id: int) -> int:
    report = Report.objects.select_related("case", "case__assignee").filter(pk=report_id).first()
    if report is None:
        return 0
    assignee = report.case.assignee
    recipients = (
        [assignee.email] if assignee and assignee.email else _intake_addresses(report.body_id)
    )
    if not recipients:
        return 0
    send_mail(
        subject=f"[tipoff] Reporter replied on {report.case.reference} / 举报人回复 {report.case.reference}",
        message=(
            f"The reporter added a message. Sign in to read it: {settings.SITE_URL}/office/\n"
            f"举报人有新留言，请登录后台查看：{settings.SITE_URL}/office/\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


@task()
def retention_purge() -> int:
    """Purge finished cases past their body's retention period (scheduled: reports/jobs.py)."""
    from tipoff.reports.retention import reports_purge_expired

    return reports_purge_expired()


@task()
def orphan_sweep() -> int:
    """Shred storage blobs that no row refers to (left by a crash mid-submission)."""
    from tipoff.reports.sweep import orphans_sweep

    return orphans_sweep()
