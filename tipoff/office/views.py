"""The back office: queues, the case page, case actions and downloads. Views stay thin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.cases import permissions
from tipoff.cases.models import Case, CaseFile
from tipoff.cases.selectors import case_deadline
from tipoff.office import actions, exports
from tipoff.office.presenters import case_page
from tipoff.office.queue_export import queue_csv_response
from tipoff.office.queues import (
    QUEUES,
    Filters,
    QueuePaginator,
    queue_cases,
    queue_filter,
    queue_search,
    with_reports,
)
from tipoff.office.reading import case_file_open, report_evidence_open, report_evidence_preview
from tipoff.office.suggestions import duplicates_suggest
from tipoff.people.access import session_body_key
from tipoff.people.models import Role, User
from tipoff.reports.models import Evidence
from tipoff.reports.selectors import case_reports
from tipoff.reports.services import SubmissionInvalid

from .forms import FilterForm

DEFAULT_QUEUE: dict[str, str] = {Role.INTAKE: "triage", Role.INSPECTOR: "mine", Role.LEADER: "team"}
PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@permissions.staff_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("office:queue", DEFAULT_QUEUE.get(_staff(request).role, "all"))


def _filters(form: FilterForm) -> Filters:
    data = form.cleaned_data if form.is_valid() else {}
    return Filters(
        category=data.get("category") or "",
        unit=data.get("unit"),
        district=data.get("district"),
        channel=data.get("channel") or "",
        status=data.get("status") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        query=(data.get("q") or "").strip(),
    )


@permissions.staff_required
def queue(request: HttpRequest, name: str) -> HttpResponse:
    if name not in QUEUES:
        raise Http404
    user = _staff(request)
    assert user.body is not None
    form = FilterForm(request.GET or None, body=user.body)
    filters = _filters(form)
    qs = queue_filter(queue_cases(user=user, queue=name), filters)
    key = session_body_key(request, user.body_id) if filters.query else None  # type: ignore[arg-type]
    search = None
    page: Page[Any]
    if filters.query and key is not None:
        search = queue_search(user=user, qs=qs, query=filters.query, body_key=key)
        page = Paginator(search.case_ids, PAGE_SIZE).get_page(request.GET.get("page"))
        chosen = {c.pk: c for c in with_reports(Case.objects.filter(pk__in=list(page)))}
        cases = [chosen[pk] for pk in page if pk in chosen]
    else:
        page = QueuePaginator(with_reports(qs), PAGE_SIZE).get_page(request.GET.get("page"))
        cases = list(page)
    rows = [
        {"case": c, "report": next(iter(c.reports.all()), None), "deadline": case_deadline(c)}
        for c in cases
    ]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "office/queue.html",
        {
            "queue": name,
            "queues": QUEUES,
            "form": form,
            "page": page,
            "rows": rows,
            "search": search,
            "search_locked": bool(filters.query) and key is None,
            "query_string": _without_page(request),
        },
        status=status,
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@permissions.staff_required
def queue_csv(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in QUEUES:
        raise Http404
    user = _staff(request)
    assert user.body is not None
    form = FilterForm(request.GET or None, body=user.body)
    qs = queue_filter(queue_cases(user=user, queue=name), _filters(form))
    return queue_csv_response(user=user, queue=name, cases=qs)


def _case_for(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("team", "assignee", "body"), pk=pk)
    if not permissions.visible(request.user, case):
        raise Http404  # not 403: whether a case exists is need-to-know too
    return case


@permissions.staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return _render_case(request, case)


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    user = _staff(request)
    context = case_page(
        case=case, actor=user, body_key=session_body_key(request, case.body_id), bound=bound
    )
    context["action_error"] = error
    return render(request, "office/case.html", context, status=status)


@permissions.staff_required
def case_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    """The likely duplicates of a case in triage, on a page of their own."""
    case = _case_for(request, pk)
    user = _staff(request)
    key = session_body_key(request, case.body_id)
    if key is None or not permissions.can(user, "merge", case):
        raise Http404
    suggestions = duplicates_suggest(case=case, actor=user, body_key=key)
    return render(
        request,
        "office/duplicates.html",
        {"case": case, "duplicates": suggestions, "locked": False},
    )


@require_POST
@permissions.staff_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case_for(request, pk)
    user = _staff(request)
    handler = actions.HANDLERS.get(action)
    if handler is None:
        raise Http404
    permissions.require(user, action, case)
    try:
        bound = handler(request, case, user, session_body_key(request, case.body_id))
    except actions.KeyMissing:
        return _render_case(
            request,
            case,
            status=403,
            error=_("Your session holds no key for this body. Sign out and sign in again."),
        )
    except actions.TransitionRefused as exc:
        return _render_case(request, case, status=409, error=exc.message)
    except SubmissionInvalid as exc:
        return _render_case(
            request,
            case,
            status=400,
            error=" ".join(str(m) for ms in exc.errors.values() for m in ms),
        )
    if bound:
        return _render_case(
            request, case, bound=bound, status=400, error=_("Please correct the form below.")
        )
    messages.success(request, str(actions.DONE[action]))
    if not permissions.visible(user, case):
        return redirect("office:home")
    return redirect("office:case", case.pk)


@permissions.staff_required
def case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    key = session_body_key(request, case.body_id)
    if key is None:
        return _render_case(
            request,
            case,
            status=403,
            error=_("Your session holds no key for this body. Sign out and sign in again."),
        )
    return exports.case_pdf_response(case=case, actor=_staff(request), body_key=key)


def _download(chunks: Iterator[bytes], name: str, media_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@permissions.staff_required
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponseBase:
    case = _case_for(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_id, report__in=case_reports(case))
    key = session_body_key(request, case.body_id)
    if key is None:
        raise permissions.NotAllowed("view")
    chunks = report_evidence_open(case=case, actor=_staff(request), item=item, body_key=key)
    return _download(chunks, f"evidence-{item.pk}.{item.extension}", item.media_type)


# What the browser may do with a preview: show it, nothing else. A PDF opens in a
# sandbox (no scripts, no forms, no same-origin access), like an untrusted page.
PREVIEW_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"


def _preview_response(data: bytes, item: Evidence, *, media_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=media_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        f"{PREVIEW_CSP}; sandbox" if item.preview == "pdf" else PREVIEW_CSP
    )
    return response


def _evidence_for_preview(request: HttpRequest, pk: int, evidence_id: int) -> tuple:
    case = _case_for(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_id, report__in=case_reports(case))
    if not item.preview:
        raise Http404  # office documents and the like: download them
    key = session_body_key(request, case.body_id)
    if key is None:
        raise permissions.NotAllowed("view")
    return case, item, key


@permissions.staff_required
def evidence_preview(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """The evidence file itself, decrypted in memory, for the browser to show (never saved)."""
    case, item, key = _evidence_for_preview(request, pk, evidence_id)
    data = report_evidence_preview(case=case, actor=_staff(request), item=item, body_key=key)
    return _preview_response(
        data, item, media_type=item.media_type, name=f"evidence-{item.pk}.{item.extension}"
    )


@permissions.staff_required
def evidence_thumbnail(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """A small JPEG of an evidence photo, made in memory on each request."""
    case, item, key = _evidence_for_preview(request, pk, evidence_id)
    if item.preview != "image":
        raise Http404
    data = report_evidence_preview(
        case=case, actor=_staff(request), item=item, body_key=key, thumbnail=True
    )
    return _preview_response(
        data, item, media_type="image/jpeg", name=f"evidence-{item.pk}-small.jpg"
    )


@permissions.staff_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    case = _case_for(request, pk)
    item = get_object_or_404(CaseFile, pk=file_id, case=case)
    key = session_body_key(request, case.body_id)
    if key is None:
        raise permissions.NotAllowed("view")
    chunks = case_file_open(case=case, actor=_staff(request), item=item, body_key=key)
    return _download(chunks, f"case-file-{item.pk}.{item.extension}", item.media_type)
