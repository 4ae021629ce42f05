"""Body administrators manage staff: invite, edit, grant the body key, reset, clear failures.

Granting uses the body key held in the administrator's own signed-in session
(``tipoff.people.access``), sealed to the new member's public key: nobody ever
types or sees another person's password.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipoff.audit.services import audit_record
from tipoff.people import signin
from tipoff.people.access import admin_required, session_body_key
from tipoff.people.forms import InviteForm, MemberForm
from tipoff.people.models import BodyKeyGrant, Role, User
from tipoff.people.services import (
    KeyUnavailable,
    body_key_grant,
    body_key_revoke,
    staff_invite,
    staff_invite_renew,
)


def _body_id(request: HttpRequest) -> int:
    body_id = getattr(request.user, "body_id", None)
    assert isinstance(body_id, int)  # admin_required made sure
    return body_id


def _member(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(User, pk=pk, body_id=_body_id(request))


@admin_required
def member_list(request: HttpRequest) -> HttpResponse:
    body_id = _body_id(request)
    granted = set(BodyKeyGrant.objects.filter(body_id=body_id).values_list("user_id", flat=True))
    rows = []
    for member in (
        User.objects.filter(body_id=body_id).select_related("team", "keyring").order_by("username")
    ):
        has_keyring = hasattr(member, "keyring")
        rows.append(
            {
                "member": member,
                "invited": not member.has_usable_password(),
                "awaiting_key": has_keyring and member.pk not in granted,
                "has_key": member.pk in granted,
                "totp": signin.totp_enrolled(member),
                "failures": member.failed_logins,
            }
        )
    return render(
        request,
        "people/members.html",
        {"rows": rows, "can_grant": session_body_key(request, body_id) is not None},
    )


@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_invite(request: HttpRequest) -> HttpResponse:
    admin = request.user
    assert isinstance(admin, User) and admin.body is not None
    form = InviteForm(request.POST or None, body_id=_body_id(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = staff_invite(
            body=admin.body,
            username=data["username"],
            role=data["role"],
            display_name=data["display_name"],
            email=data["email"],
            team_id=data["team"].pk if data["team"] else None,
            invited_by=admin,
        )
        audit_record(
            actor=admin,
            action="staff.invited",
            body_id=admin.body_id,
            obj=invitation.user,
            details={"role": data["role"], "team": data["team"].pk if data["team"] else None},
        )
        return _show_link(request, invitation.user, invitation.token)
    return render(
        request,
        "people/member_form.html",
        {"form": form, "new": True},
        status=400 if form.errors else 200,
    )


def _show_link(request: HttpRequest, member: User, token: str) -> HttpResponse:
    # The link is rendered once and never stored: only its hash is kept.
    link = request.build_absolute_uri(reverse("people:setup", args=[token]))
    response = render(request, "people/member_invited.html", {"member": member, "link": link})
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    initial = {
        "display_name": member.display_name,
        "email": member.email,
        "role": member.role,
        "team": member.team,
    }
    form = MemberForm(request.POST or None, body_id=member.body_id, initial=initial)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            # Lock the body's administrators: two of them demoting each other at once must
            # still leave one.
            admins = list(
                User.objects.select_for_update()
                .filter(body=member.body, role=Role.ADMIN, is_active=True)
                .values_list("pk", flat=True)
            )
            if member.role == Role.ADMIN and data["role"] != Role.ADMIN and admins == [member.pk]:
                form.add_error(
                    "role",
                    _("The body needs an administrator: make someone else one first."),
                )
            else:
                before = {"role": member.role, "team": member.team_id}
                member.display_name, member.email, member.role = (
                    data["display_name"],
                    data["email"],
                    data["role"],
                )
                member.team = data["team"]
                member.save(update_fields=["display_name", "email", "role", "team"])
                audit_record(
                    actor=request.user,
                    action="staff.updated",
                    body_id=member.body_id,
                    obj=member,
                    details={
                        "before": before,
                        "after": {"role": member.role, "team": member.team_id},
                    },
                )
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("people:members")
    return render(
        request,
        "people/member_form.html",
        {"form": form, "member": member},
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_grant(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    body = member.body
    assert body is not None
    key = session_body_key(request, body.pk)
    if key is None or not hasattr(member, "keyring") or not member.is_active:
        messages.error(
            request,
            _(
                "The key cannot be granted: your session holds no body key, or the member has not set a password yet."
            ),
        )
        return redirect("people:members")
    try:
        body_key_grant(body=body, body_private_key=key, user=member, granted_by=request.user)  # type: ignore[arg-type]
    except KeyUnavailable:
        messages.error(request, _("The key in your session is not this body's key."))
        return redirect("people:members")
    audit_record(actor=request.user, action="staff.key_granted", body_id=body.pk, obj=member)
    messages.success(request, _("%(name)s can now read reports.") % {"name": member})
    return redirect("people:members")


@require_POST
@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    if member.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("people:members")
    member.is_active = False
    member.save(update_fields=["is_active"])
    body_key_revoke(body=member.body, user=member)  # type: ignore[arg-type]
    signin.staff_sign_out_everywhere(user=member)
    audit_record(actor=request.user, action="staff.deactivated", body_id=member.body_id, obj=member)
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": member})
    return redirect("people:members")


@require_POST
@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_reset_totp(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    signin.totp_reset(user=member)
    signin.staff_sign_out_everywhere(user=member)
    audit_record(actor=request.user, action="staff.totp_reset", body_id=member.body_id, obj=member)
    messages.success(
        request,
        _("%(name)s will set up a new second factor at the next sign-in.") % {"name": member},
    )
    return redirect("people:members")


@require_POST
@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    signin.staff_failures_clear(user=member)
    audit_record(
        actor=request.user, action="staff.failures_cleared", body_id=member.body_id, obj=member
    )
    messages.success(request, _("%(name)s can sign in again.") % {"name": member})
    return redirect("people:members")


@require_POST
@admin_required
@transaction.atomic  # the change and its audit record commit together
def member_relink(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    if member.has_usable_password():
        messages.error(request, _("This member has set a password already."))
        return redirect("people:members")
    invitation = staff_invite_renew(user=member, invited_by=request.user)  # type: ignore[arg-type]
    audit_record(
        actor=request.user,
        action="staff.invited",
        body_id=member.body_id,
        obj=member,
        details={"renewed": True},
    )
    return _show_link(request, member, invitation.token)
