"""Who may see what: administrators manage; auditors and team leaders read reports.

Every object is looked up within the signed-in staff member's own body.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tipoff.attendance.models import Employee, Site
from tipoff.people.models import Role, User

READERS: set[str] = {Role.ADMIN, Role.AUDITOR, Role.LEADER}

View = Callable[..., HttpResponse]


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _requiring(roles: set[str]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = staff(request)
            if user.role not in roles or user.body_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


admin_required = _requiring({str(Role.ADMIN)})
reader_required = _requiring(READERS)


def site_of(request: HttpRequest, site_id: int) -> Site:
    return get_object_or_404(Site, pk=site_id, body_id=staff(request).body_id)


def employee_of(request: HttpRequest, employee_id: int) -> Employee:
    return get_object_or_404(
        Employee.objects.select_related("site", "unit", "schedule"),
        pk=employee_id,
        site__body_id=staff(request).body_id,
    )
