"""Liveness and readiness, answered before anything else in the middleware chain.

* ``GET /healthz`` — the process answers (no database): for a supervisor or a
  load balancer deciding whether to restart it.
* ``GET /readyz`` — it can serve: the database answers, the evidence storage
  answers, the cache answers. 503 with the failing part named otherwise, so a
  load balancer stops sending traffic while PostgreSQL restarts.

They answer before host validation, sessions and locale (a load balancer
checks by address, not by the public host name), are never cached, and say
nothing about the client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PATHS = {"/healthz", "/readyz"}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_storage() -> None:
    # A name that never exists: the answer ("no") proves the store is reachable.
    storages["evidence"].exists("readiness-probe.bin")


def _check_cache() -> None:
    cache.get("readiness-probe")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "storage": _check_storage,
    "cache": _check_cache,
}


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            logger.warning("readiness: %s unavailable (%s)", name, type(exc).__name__)
            results[name] = "unavailable"
    if results["database"] != "ok":
        connection.close()  # do not keep a broken connection for the next request
    return all(value == "ok" for value in results.values()), results


def _answer(status: int, payload: dict[str, object]) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in ``MIDDLEWARE``: answers the two probes and passes everything else on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path not in PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path == "/healthz":
            return _answer(200, {"status": "ok"})
        ready, parts = readiness()
        return _answer(200 if ready else 503, {"status": "ok" if ready else "unavailable", **parts})


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 with Retry-After, not a 500 and a traceback.

    While PostgreSQL restarts (or fails over) every request fails the same way;
    clients should come back in a moment, and the log needs one line, not a
    traceback per request. Nothing was written: the transaction never began or
    was rolled back with the connection.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if connection.connection is not None and connection.is_usable():
            return None  # the database answers: a real error (a missing table, a lock), a 500

        logger.warning("database unavailable (%s): answered 503", type(exception).__name__)
        connection.close()
        if request.path.startswith("/api/"):
            response = _answer(
                503, {"detail": "The service is briefly unavailable. Please try again in a minute."}
            )
        else:
            from django.template.loader import render_to_string

            text: str
            try:
                text = render_to_string(
                    "error.html",
                    {
                        "title": "暂时无法提供服务 / Temporarily unavailable",
                        "text": "请一分钟后再试。Please try again in a minute.",
                    },
                    request=request,
                )
            except Exception:  # the page itself may need the database
                text = "Temporarily unavailable. Please try again in a minute.\n"
            response = HttpResponse(text, status=503)
            response["Cache-Control"] = "no-store"
        response["Retry-After"] = "30"
        return response
