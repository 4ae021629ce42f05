"""Staff sign-in and sign-out. Signing in also unlocks the staff member's body keys."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tipoff.audit.services import audit_record
from tipoff.lib import sealed_session
from tipoff.people.keys import KEYS_SESSION_NAME, encode_keys
from tipoff.people.services import KeyUnavailable, staff_body_keys


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=500)


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            try:
                keys = staff_body_keys(user=user, password=form.cleaned_data["password"])
            except KeyUnavailable:
                keys = {}
            login(request, user)
            audit_record(actor=user, action="staff.sign_in", body_id=user.body_id, obj=user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/office/"
            response = redirect(target or "/office/")
            sealed_session.put(request, response, KEYS_SESSION_NAME, encode_keys(keys))
            return response
        form.add_error(None, _("User name or password is wrong."))
    return render(request, "people/login.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    response = redirect("people:login")
    sealed_session.forget(request, response, KEYS_SESSION_NAME)
    logout(request)
    return response
