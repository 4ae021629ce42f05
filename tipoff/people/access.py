"""The isolation rule, in one place: staff act only inside their own body.

* A **body member** (``User.body`` set) signs in with password and TOTP and
  sees only what belongs to that body; a body *administrator* configures it
  through the office's settings pages, never through Django's admin.
* A **platform operator** (no body; made only by ``manage.py operator_create``)
  is the one cross-body role, and the only one Django's admin lets in.

Every configuration page looks its objects up through ``body_objects`` (or a
query that filters on the member's body the same way), so an id from
another body is simply not found. ``tests/test_isolation.py`` checks every
URL and every model against this rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tipoff.lib import sealed_session
from tipoff.people.models import Role, User

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def is_operator(user: object) -> bool:
    """A platform operator: active, superuser, and a member of no body."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.is_superuser
        and user.body_id is None
        and user.is_authenticated
    )


def body_admin(user: object) -> User | None:
    if isinstance(user, User) and user.is_active and user.role == Role.ADMIN and user.body_id:
        return user
    return None


def admin_required(view: View) -> View:
    """A page for the signed-in administrator of a body (not an operator)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if body_admin(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def member_body_id(request: HttpRequest) -> int:
    body_id = getattr(request.user, "body_id", None)
    if not isinstance(body_id, int):
        raise PermissionDenied
    return body_id


def body_objects(
    request: HttpRequest, source: type[M] | QuerySet[M], *, path: str = "body"
) -> QuerySet[M]:
    """A model's objects (or a queryset) limited to the signed-in member's body.

    ``path`` is the lookup that leads from the model to its body.
    """
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    return queryset.filter(**{f"{path}_id": member_body_id(request)})


def body_object(
    request: HttpRequest, source: type[M] | QuerySet[M], pk: int, *, path: str = "body"
) -> M:
    """One object of the member's body, or 404 (whether it exists elsewhere is not said)."""
    return get_object_or_404(body_objects(request, source, path=path), pk=pk)


# --- the body keys a signed-in member's session holds ----------------------------------
#
# Unlocked at sign-in with the member's password, kept sealed between the
# session store and a cookie (``lib.sealed_session``) so neither alone opens them.

KEYS_SESSION_NAME = "keys"


def encode_keys(keys: dict[int, bytes]) -> bytes:
    return json.dumps({str(k): v.hex() for k, v in keys.items()}).encode()


def session_body_key(request: HttpRequest, body_id: int) -> bytes | None:
    """The body's private key from the member's session, or None (not granted, or signed out)."""
    raw = sealed_session.get(request, KEYS_SESSION_NAME)
    if raw is None:
        return None
    value = json.loads(raw).get(str(body_id))
    return bytes.fromhex(value) if value else None
