"""Keeping uploaded pictures in memory only.

Django writes large uploads to temporary files; face pictures must never touch
the disk, so views that take them swap in this handler, which keeps every
upload in memory and refuses a request above a hard limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class InMemoryOnly(MemoryFileUploadHandler):
    limit = 12 * 1024 * 1024

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > self.limit:
            raise RequestDataTooBig("picture upload too large")
        self.activated = True


def pictures_in_memory(
    limit_mb: int,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator: uploads to this view stay in memory (and CSRF is still checked)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            handler = InMemoryOnly(request)
            handler.limit = limit_mb * 1024 * 1024
            request.upload_handlers = [handler]
            return protected(request, *args, **kwargs)

        return wrapped

    return decorate


def read_files(request: HttpRequest, name: str, *, limit: int) -> list[bytes]:
    return [upload.read(limit + 1) for upload in request.FILES.getlist(name)]
