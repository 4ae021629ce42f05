"""The body's settings pages for its administrators: profile, districts, units, teams,
categories. (Channel accounts, attendance, deadlines and measures have their
own pages in their apps; the index here links them all.)

Objects are looked up only within the administrator's body (``access``), and
every save and delete is written to the audit trail (``configuration``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tipoff.people import config_forms
from tipoff.people.access import admin_required, body_object, body_objects
from tipoff.people.configuration import InUse, config_delete, config_saved
from tipoff.people.models import Category, District, Team, Unit, User


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    form: type[forms.ModelForm]
    title: Promise
    one: Promise
    columns: tuple[tuple[Promise, Callable[[Any], object]], ...]


KINDS: dict[str, Kind] = {
    "districts": Kind(
        District,
        config_forms.DistrictForm,
        gettext_lazy("Districts"),
        gettext_lazy("district"),
        ((gettext_lazy("Order"), lambda d: d.order),),
    ),
    "units": Kind(
        Unit,
        config_forms.UnitForm,
        gettext_lazy("Units"),
        gettext_lazy("unit"),
        (
            (gettext_lazy("District"), lambda u: u.district or "—"),
            (gettext_lazy("Part of"), lambda u: u.parent or "—"),
        ),
    ),
    "teams": Kind(
        Team,
        config_forms.TeamForm,
        gettext_lazy("Inspection teams"),
        gettext_lazy("inspection team"),
        (
            (gettext_lazy("Phone"), lambda t: t.phone or "—"),
            (gettext_lazy("Units"), lambda t: t.units.count()),
        ),
    ),
    "categories": Kind(
        Category,
        config_forms.CategoryForm,
        gettext_lazy("Categories"),
        gettext_lazy("category"),
        (
            (gettext_lazy("Code"), lambda c: c.code),
            (gettext_lazy("Shown"), lambda c: _("yes") if c.active else _("no")),
            (gettext_lazy("Extra questions"), lambda c: len(c.questions or [])),
        ),
    ),
}


def _admin(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User) and user.body is not None
    return user


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


@admin_required
def settings_index(request: HttpRequest) -> HttpResponse:
    sections = [
        (slug, kind.title, body_objects(request, kind.model).count())
        for slug, kind in KINDS.items()
    ]
    return render(
        request, "people/config/index.html", {"sections": sections, "body": _admin(request).body}
    )


@admin_required
def profile(request: HttpRequest) -> HttpResponse:
    body = _admin(request).body
    assert body is not None
    form = config_forms.BodyProfileForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        form.save()
        config_saved(actor=request.user, obj=body, created=False, fields=form.changed_data)
        messages.success(request, _("Saved."))
        return redirect("config:index")
    return render(
        request,
        "people/config/form.html",
        {"form": form, "title": _("Name and introduction"), "back": "config:index"},
        status=400 if form.errors else 200,
    )


@admin_required
def kind_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    rows = [
        (obj, [value(obj) for _label, value in spec.columns])
        for obj in body_objects(request, spec.model)
    ]
    return render(
        request,
        "people/config/list.html",
        {"kind": kind, "spec": spec, "rows": rows, "labels": [c[0] for c in spec.columns]},
    )


@admin_required
def kind_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    spec = _kind(kind)
    body = _admin(request).body
    assert body is not None
    instance = body_object(request, spec.model, pk) if pk else spec.model(body=body)
    kwargs: dict[str, Any] = {"instance": instance}
    if spec.model is not District:
        kwargs["body"] = body
    form = spec.form(request.POST or None, **kwargs)
    questions = None
    if spec.model is Category:
        questions = config_forms.QuestionFormSet(
            request.POST or None,
            prefix="q",
            initial=None
            if request.method == "POST"
            else config_forms.question_initial(
                instance if pk else None  # type: ignore[arg-type]
            ),
        )
    valid = request.method == "POST" and form.is_valid()
    valid = valid and (questions is None or questions.is_valid())
    if valid:
        with transaction.atomic():
            obj = form.save(commit=False)
            obj.body = body
            changed = list(form.changed_data)
            if questions is not None:
                new_questions = questions.questions()  # type: ignore[attr-defined]
                if new_questions != (obj.questions or []):
                    changed.append("questions")
                obj.questions = new_questions
            obj.save()
            form.save_m2m()
            config_saved(actor=request.user, obj=obj, created=pk is None, fields=changed)
        messages.success(request, _("Saved."))
        return redirect("config:list", kind)
    context = {
        "form": form,
        "questions": questions,
        "title": spec.one if pk is None else str(instance),
        "kind": kind,
        "spec": spec,
        "object": instance if pk else None,
        "back": "config:list",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "people/config/form.html", context, status=status)


@require_POST
@admin_required
def kind_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    obj = body_object(request, spec.model, pk)
    try:
        config_delete(actor=request.user, obj=obj)
    except InUse as exc:
        messages.error(
            request,
            _(
                "%(name)s is still used by %(count)d records, so it cannot be deleted. "
                "Rename it, or for a category hide it from the report form."
            )
            % {"name": obj, "count": exc.count},
        )
        return redirect("config:edit", kind, pk)
    messages.success(request, _("Deleted."))
    return redirect("config:list", kind)
