"""Django's admin, for platform operators only.

Body administrators configure their own body in the office's settings pages
(``config_views``), where everything is scoped to their body. The admin is
the deployment-wide view, so only a platform operator (``access.is_operator``:
no body, made with ``manage.py operator_create``) gets in, and:

* its own sign-in page would skip the second factor, so it sends people to
  the staff sign-in instead;
* every change made here is written to the audit trail;
* nothing encrypted, personal or about cases is registered here — operators
  configure, they do not read reports or staff records.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tipoff.audit.services import audit_record
from tipoff.people.access import is_operator
from tipoff.people.configuration import config_saved
from tipoff.people.models import Body, Category, District, Team, Unit


def _staff_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, reverse("people:login"))


def _operators_only(request: HttpRequest) -> bool:
    return is_operator(request.user)


admin.site.login = _staff_login  # type: ignore[method-assign]
# Roles are tipoff's own (people.Role); Django's groups are not used, and their page
# lists every permission under names stored in English when the tables were made.
admin.site.unregister(Group)
admin.site.has_permission = _operators_only  # type: ignore[method-assign]
admin.site.site_header = "tipoff"
admin.site.site_title = "tipoff"


class AuditedAdmin(admin.ModelAdmin):
    """Records who changed which configuration row, and which fields; one row at a time."""

    actions = None  # bulk actions bypass delete_model (and so the audit)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        config_saved(actor=request.user, obj=obj, created=not change, fields=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        body_id = getattr(obj, "body_id", None) or (obj.pk if isinstance(obj, Body) else None)
        object_id = str(obj.pk)
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action="config.deleted",
            body_id=body_id,
            object_type=obj._meta.model_name,
            object_id=object_id,
            details={"model": obj._meta.label, "by": "operator"},
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user) and obj is not None


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "slug", "acknowledge_days", "conclude_days", "is_default"]
    fields = [
        "name_zh",
        "name_en",
        "slug",
        "intro_zh",
        "intro_en",
        "acknowledge_days",
        "conclude_days",
        "retention_days",
        "is_default",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # bodies are made with manage.py body_create, which makes their keys

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a body holds reports: it is never deleted from a web page


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "body", "order"]
    list_filter = ["body"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "body", "district", "parent"]
    list_filter = ["body"]
    search_fields = ["name_zh", "name_en"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "body", "phone", "order"]
    list_filter = ["body"]
    filter_horizontal = ["units", "districts"]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "body", "active", "order"]
    list_filter = ["body", "active"]
