"""Forms of the staff account pages: sign-in, second factor, setup, recovery, members."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tipoff.people.models import Role, Team, User

# What password managers and phones need to fill the sign-in forms (WCAG 1.3.5).
USERNAME = forms.TextInput(
    attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, widget=USERNAME)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=500,
        strip=False,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits your app shows."))
        return code


class NewPasswordForm(forms.Form):
    """Two matching passwords that pass the password validators."""

    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=500,
        strip=False,
        help_text=_("At least 12 characters; a few unrelated words work well."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=500,
        strip=False,
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password"), data.get("new_password_again")
        if first and second:
            if first != second:
                self.add_error("new_password_again", _("The two passwords differ."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as exc:
                    self.add_error("new_password", exc)
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=500,
        strip=False,
    )
    field_order = ["old_password", "new_password", "new_password_again"]


class RecoverForm(NewPasswordForm):
    username = forms.CharField(label=_("User name"), max_length=150, widget=USERNAME)
    recovery_key = forms.CharField(
        label=_("The body's recovery key"),
        max_length=200,
        help_text=_("The key printed when the body was set up, kept offline by its management."),
    )
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_(
            "Needed if your account has a second factor. If the phone is lost too, ask an administrator to reset it first."
        ),
    )
    field_order = ["username", "recovery_key", "code", "new_password", "new_password_again"]


class MemberForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to colleagues"), max_length=100)
    email = forms.EmailField(label=_("E-mail (for reminders)"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(body_id=body_id)  # type: ignore[attr-defined]


class InviteForm(MemberForm):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[A-Za-z0-9.@+_-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    field_order = ["username", "display_name", "email", "role", "team"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username
