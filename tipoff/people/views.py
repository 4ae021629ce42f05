"""Staff sign-in (password, then TOTP), sign-out, setup, recovery and password change.

The password step unlocks the staff member's body keys and parks them, sealed,
until the second factor is checked; only then is the session signed in and the
keys moved into place (``tipoff.people.access``). The password itself is never
kept. Administrators' pages for managing members are in ``member_views.py``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tipoff.audit.services import audit_record
from tipoff.lib import sealed_session
from tipoff.lib.clients import client_key
from tipoff.limits import budgets
from tipoff.limits.budgets import StaffGate
from tipoff.limits.web import proof_context, proof_from
from tipoff.people import signin
from tipoff.people.access import KEYS_SESSION_NAME, encode_keys, is_operator
from tipoff.people.forms import (
    CodeForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    RecoverForm,
)
from tipoff.people.models import User
from tipoff.people.services import (
    InviteInvalid,
    KeyUnavailable,
    staff_body_keys,
    staff_invite_lookup,
    staff_password_change,
    staff_password_reset_with_recovery,
    staff_setup_complete,
)

PENDING = "signin_pending"
PENDING_KEYS = "pending_keys"
ENROL_SECRET = "totp_enrol"  # noqa: S105 - a session slot name, not a secret
PENDING_SECONDS = 300
OFFICE_HOME = "/office/"


def _gate(request: HttpRequest, username: str) -> StaffGate:
    return budgets.staff_attempt(
        client=client_key(request), username=username, proof=proof_from(request)
    )


def _held_back(
    request: HttpRequest, template: str, context: dict[str, Any], gate: StaffGate
) -> HttpResponse | None:
    """The answer when this attempt may not go ahead (wait, or show a proof of work)."""
    if gate.status == budgets.REFUSED:
        context["wait_seconds"] = gate.retry_after
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(gate.retry_after)
        return response
    if gate.status == budgets.PROOF:
        form = context.get("form")
        if form is not None:
            form.add_error(
                None,
                _(
                    "Many failed sign-ins to this account have been made. Your browser does a "
                    "short calculation first; enter your details again and send them once it "
                    "says it is ready."
                ),
            )
        context.update(proof_context(purpose="staff", gate=gate))
        return render(request, template, context, status=429)
    return None


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        gate = _gate(request, username)
        held = _held_back(request, "people/login.html", {"form": form}, gate)
        if held is not None:
            return held
        user = User.objects.filter(username=username).first()
        authed = authenticate(request, username=username, password=password)
        if not isinstance(authed, User) or (authed.body_id is None and not authed.is_superuser):
            signin.signin_failed(user=user, gate=gate)
            if user is not None:
                audit_record(
                    actor=None, action="staff.sign_in_failed", body_id=user.body_id, obj=user
                )
            form.add_error(None, _("User name or password is wrong."))
        else:
            gate.succeeded()
            try:
                keys = staff_body_keys(user=authed, password=password)
            except KeyUnavailable:
                keys = {}
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            request.session[PENDING] = {
                "user": authed.pk,
                "at": time.time(),
                "next": target or OFFICE_HOME,
            }
            step = "people:totp" if signin.totp_enrolled(authed) else "people:enrol"
            response = redirect(step)
            sealed_session.put(request, response, PENDING_KEYS, encode_keys(keys))
            return response
    return render(request, "people/login.html", {"form": form}, status=400 if form.errors else 200)


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish_sign_in(request: HttpRequest, user: User, gate: StaffGate) -> HttpResponse:
    keys_blob = sealed_session.get(request, PENDING_KEYS) or encode_keys({})
    target = request.session.pop(PENDING, {}).get("next") or OFFICE_HOME
    if is_operator(user) and target == OFFICE_HOME:
        target = "/admin/"  # operators belong to no body: the office has nothing for them
    request.session.pop(f"sealed:{ENROL_SECRET}", None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    failures = signin.signin_succeeded(user=user, gate=gate)
    if failures:
        messages.warning(
            request,
            ngettext(
                "There was %(n)d failed attempt to sign in to your account since your last "
                "visit. If it was not you, tell your administrator.",
                "There were %(n)d failed attempts to sign in to your account since your last "
                "visit. If they were not you, tell your administrator.",
                failures,
            )
            % {"n": failures},
        )
    audit_record(
        actor=user,
        action="staff.sign_in",
        body_id=user.body_id,
        obj=user,
        details={"keys_unlocked": len(json.loads(keys_blob))},
    )
    response = redirect(target)
    sealed_session.forget(request, response, PENDING_KEYS)
    sealed_session.put(request, response, KEYS_SESSION_NAME, keys_blob)
    return response


def _code_failed(request: HttpRequest, user: User, action: str, gate: StaffGate) -> None:
    signin.signin_failed(user=user, gate=gate)
    audit_record(actor=None, action=action, body_id=user.body_id, obj=user)


def totp_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("people:login")
    if not signin.totp_enrolled(user):
        return redirect("people:enrol")
    form = CodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "demo_hint": _demo_hint(user)}
    if request.method == "POST" and form.is_valid():
        gate = _gate(request, user.username)
        held = _held_back(request, "people/totp.html", context, gate)
        if held is not None:
            return held
        if signin.totp_check(user=user, code=form.cleaned_data["code"]):
            return _finish_sign_in(request, user, gate)
        _code_failed(request, user, "staff.totp_failed", gate)
        form.add_error("code", _("That code is wrong or was used already. Wait for the next one."))
    return render(request, "people/totp.html", context, status=400 if form.errors else 200)


def _demo_hint(user: User) -> bool:
    return not settings.PRODUCTION and user.body is not None and user.body.slug == "demo"


def enrol_view(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan a QR code, then confirm with a code from the app."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("people:login")
    if signin.totp_enrolled(user):
        return redirect("people:totp")
    raw = sealed_session.get(request, ENROL_SECRET)
    secret = raw.decode() if raw else signin.totp_new_secret()
    form = CodeForm(request.POST or None)
    uri = signin.totp_uri(user=user, secret=secret)
    context = {
        "form": form,
        "qr": signin.totp_qr_data_uri(uri),
        "secret": secret,
        "account": user.username,
    }
    if request.method == "POST" and raw and form.is_valid():
        gate = _gate(request, user.username)
        held = _held_back(request, "people/enrol.html", context, gate)
        if held is not None:
            return held
        if signin.totp_enrol(user=user, secret=secret, code=form.cleaned_data["code"]):
            audit_record(actor=user, action="staff.totp_enrolled", body_id=user.body_id, obj=user)
            response = _finish_sign_in(request, user, gate)
            sealed_session.forget(request, response, ENROL_SECRET)
            return response
        _code_failed(request, user, "staff.totp_failed", gate)
        form.add_error(
            "code",
            _("That code does not match. Check the time on your phone and try the next code."),
        )
    elif request.method == "POST" and not raw:
        form.add_error(None, _("Please scan the code again."))
    response = render(request, "people/enrol.html", context, status=400 if form.errors else 200)
    if not raw:
        sealed_session.put(request, response, ENROL_SECRET, secret.encode())
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(
            actor=request.user,
            action="staff.sign_out",
            body_id=getattr(request.user, "body_id", None),
        )
    response = redirect("people:login")
    sealed_session.forget(request, response, KEYS_SESSION_NAME)
    logout(request)
    return response


@require_POST
@login_required
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    signin.staff_sign_out_everywhere(user=user)
    audit_record(actor=user, action="staff.sign_out_everywhere", body_id=user.body_id, obj=user)
    response = redirect("people:login")
    sealed_session.forget(request, response, KEYS_SESSION_NAME)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return response


def setup_view(request: HttpRequest, token: str) -> HttpResponse:
    """An invited member chooses their password (an administrator never sees it)."""
    user = staff_invite_lookup(token=token)
    if user is None:
        return render(request, "people/setup.html", {"invalid": True}, status=404)
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_setup_complete(token=token, password=form.cleaned_data["new_password"])
        except InviteInvalid:
            return render(request, "people/setup.html", {"invalid": True}, status=404)
        audit_record(actor=None, action="staff.setup", body_id=user.body_id, obj=user)
        messages.success(
            request,
            _(
                "Your password is set. Sign in now to set up your second factor. "
                "An administrator will then give you access to reports."
            ),
        )
        return redirect("people:login")
    return render(
        request,
        "people/setup.html",
        {"form": form, "member": user},
        status=400 if form.errors else 200,
    )


def recover_view(request: HttpRequest) -> HttpResponse:
    """A lost password: the body's recovery key re-grants the body key to a new key pair."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        gate = _gate(request, form.cleaned_data["username"])
        held = _held_back(request, "people/recover.html", {"form": form}, gate)
        return held or _recover(request, form, gate)
    return render(
        request, "people/recover.html", {"form": form}, status=400 if form.errors else 200
    )


def _recover(request: HttpRequest, form: RecoverForm, gate: StaffGate) -> HttpResponse:
    data = form.cleaned_data
    user = (
        User.objects.filter(username=data["username"], is_active=True)
        .select_related("body")
        .first()
    )
    ok = user is not None and user.body is not None
    if ok and signin.totp_enrolled(user):  # type: ignore[arg-type]
        ok = signin.totp_check(user=user, code=data.get("code") or "")  # type: ignore[arg-type]
    if ok:
        assert user is not None and user.body is not None
        try:
            staff_password_reset_with_recovery(
                user=user,
                body=user.body,
                recovery_key=data["recovery_key"],
                new_password=data["new_password"],
            )
        except KeyUnavailable:
            ok = False
    if not ok:
        signin.signin_failed(user=user, gate=gate)
        form.add_error(
            None, _("These details do not match. Check the user name, recovery key and code.")
        )
        return render(request, "people/recover.html", {"form": form}, status=400)
    assert user is not None
    gate.succeeded()
    signin.staff_sign_out_everywhere(user=user)
    audit_record(actor=None, action="staff.password_recovered", body_id=user.body_id, obj=user)
    messages.success(request, _("Your new password is set. Sign in with it."))
    return redirect("people:login")


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            staff_password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except KeyUnavailable:
            form.add_error("old_password", _("Your current password is wrong."))
        else:
            update_session_auth_hash(request, user)
            audit_record(
                actor=user, action="staff.password_changed", body_id=user.body_id, obj=user
            )
            messages.success(request, _("Your password is changed."))
            return redirect(OFFICE_HOME)
    return render(
        request, "people/password.html", {"form": form}, status=400 if form.errors else 200
    )
