"""Django's admin for configuration (teams, units, categories), with two guards.

* Its own sign-in page would skip the second factor, so it sends people to
  the staff sign-in instead.
* Every change made here is written to the audit trail as a configuration change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tipoff.audit.services import audit_record
from tipoff.people.models import Body, Category, Team, Unit


def _staff_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, reverse("people:login"))


admin.site.login = _staff_login  # type: ignore[method-assign]


class AuditedAdmin(admin.ModelAdmin):
    """Records who changed which configuration row, and which fields."""

    def _body_id(self, obj: Any) -> int | None:
        return getattr(obj, "body_id", None) or (obj.pk if isinstance(obj, Body) else None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="config.changed" if change else "config.created",
            body_id=self._body_id(obj),
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        body_id, object_id = self._body_id(obj), str(obj.pk)
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action="config.deleted",
            body_id=body_id,
            object_type=obj._meta.model_name,
            object_id=object_id,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Bulk deletes bypass delete_model (and so the audit): only one at a time.
        return super().has_delete_permission(request, obj) and obj is not None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        body_id = getattr(request.user, "body_id", None)
        if db_field.name == "body" and body_id is not None:
            kwargs["queryset"] = Body.objects.filter(pk=body_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        user = request.user
        if getattr(user, "is_superuser", False) and getattr(user, "body_id", None) is None:
            return qs
        field = "pk" if self.model is Body else "body_id"
        return qs.filter(**{field: getattr(user, "body_id", None)})


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
        "is_default",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bodies are made with manage.py body_create, which makes their keys


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "district", "parent"]
    search_fields = ["name_zh", "name_en"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name_zh", "name_en", "phone", "order"]
    filter_horizontal = ["units"]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "active", "order"]
    list_filter = ["active"]
