"""The back office (minimal for now): a list of reports and one report, decrypted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tipoff.audit.services import audit_record
from tipoff.people.keys import session_body_key
from tipoff.reports.models import Report
from tipoff.reports.selectors import report_content, report_data_key, report_initial_evidence, report_thread


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    reports = Report.objects.filter(body_id=request.user.body_id).select_related("case", "category", "unit")[:200]
    return render(request, "office/case_list.html", {"reports": reports})


@login_required
def report_detail(request: HttpRequest, public_id) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("case", "category", "unit"), public_id=public_id, body_id=request.user.body_id
    )
    key = session_body_key(request, report.body_id)
    context = {"report": report, "locked": key is None}
    if key is not None:
        data_key = report_data_key(report=report, body_private_key=key)
        context.update(
            content=report_content(report=report, data_key=data_key),
            thread=report_thread(report=report, data_key=data_key),
            evidence=report_initial_evidence(report=report),
        )
        audit_record(actor=request.user, action="report.read", body_id=report.body_id, obj=report)
    return render(request, "office/report_detail.html", context)
