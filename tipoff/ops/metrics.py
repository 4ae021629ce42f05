"""Prometheus metrics (``prometheus-client``): requests, latency, tasks, queue depth.

* ``tipoff_http_requests_total{method,route,status}`` and
  ``tipoff_http_request_duration_seconds{method,route}`` — ``route`` is the URL
  pattern (``office/cases/<int:pk>/``), never the path, so no identifier and
  nothing a client typed becomes a label.
* ``tipoff_tasks_enqueued_total{task}``, ``tipoff_tasks_finished_total{task,status}``
  and ``tipoff_task_duration_seconds{task}`` from django-tasks' signals (web
  servers enqueue, workers finish).
* ``tipoff_task_queue{status}`` and ``tipoff_task_oldest_ready_seconds`` read
  from the task table at scrape time: the depth of the whole cluster's queue.
* ``tipoff_scheduler_job_late_seconds{job}``: how far behind each periodic job is.

With several processes per host (gunicorn workers, ``db_worker``s), set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder for all of them
(``deploy/gunicorn.conf.py`` does); a scrape then adds up every process's
counters. ``GET /metrics`` needs ``Authorization: Bearer $METRICS_TOKEN`` and
answers 404 when no token is set; the proxy does not pass ``/metrics`` on
(``deploy/nginx/tipoff.conf``), so scrape the app servers directly.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

REQUESTS = Counter("tipoff_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "tipoff_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASKS_ENQUEUED = Counter("tipoff_tasks_enqueued", "Background tasks enqueued", ["task"])
TASKS_FINISHED = Counter("tipoff_tasks_finished", "Background tasks finished", ["task", "status"])
TASK_DURATION = Histogram(
    "tipoff_task_duration_seconds",
    "Time a background task ran",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unnamed"


class MetricsMiddleware:
    """Counts and times every request by URL pattern (right after the health probes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        route = _route(request)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        LATENCY.labels(method, route).observe(time.perf_counter() - started)
        return response


# --- tasks ------------------------------------------------------------------------

_started: dict[str, float] = {}


def _task_name(task_result: Any) -> str:
    return str(getattr(task_result.task, "name", "") or task_result.task.module_path)


def _on_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    TASKS_ENQUEUED.labels(_task_name(task_result)).inc()


def _on_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _started[str(task_result.id)] = time.perf_counter()


def _on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    name = _task_name(task_result)
    TASKS_FINISHED.labels(name, str(task_result.status)).inc()
    started = _started.pop(str(task_result.id), None)
    if started is not None:
        TASK_DURATION.labels(name).observe(time.perf_counter() - started)


def connect_task_signals() -> None:
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(_on_enqueued, dispatch_uid="tipoff.ops.metrics.enqueued")
    task_started.connect(_on_started, dispatch_uid="tipoff.ops.metrics.started")
    task_finished.connect(_on_finished, dispatch_uid="tipoff.ops.metrics.finished")


class DatabaseCollector(Collector):
    """Queue depth and scheduler lag, read from the database at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        from tipoff.ops.scheduler import jobs_overview

        queue = GaugeMetricFamily(
            "tipoff_task_queue", "Background tasks by status", labels=["status"]
        )
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
            queue.add_metric([status], counts.get(status, 0))
        yield queue
        now = timezone.now()
        oldest = DBTaskResult.objects.filter(status="READY").aggregate(at=Min("enqueued_at"))["at"]
        yield GaugeMetricFamily(
            "tipoff_task_oldest_ready_seconds",
            "Age of the oldest task waiting for a worker",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        late = GaugeMetricFamily(
            "tipoff_scheduler_job_late_seconds",
            "How long a periodic job has been due without being enqueued",
            labels=["job"],
        )
        for job in jobs_overview(now=now):
            late.add_metric([job["name"]], max(0.0, (now - job["next_run_at"]).total_seconds()))
        yield late


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(offered.encode(), token.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        response = HttpResponse("unauthorised\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    body += generate_latest(database)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
