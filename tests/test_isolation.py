"""One isolation rule, tested from the URL conf and the model registry (issue 8.1).

A body's data is seen and changed only by its own staff. The test is
generated, so a page or a model added later is covered without anyone
remembering to: every named URL of the staff areas is requested with the ids
of body A's objects — by body B's staff in every role, by an anonymous
visitor and by someone who passed the password step only — and every model
registered in Django's admin is tried the same way. It fails when:

* a page shows any text of A's objects (all of them carry a marker),
* an id of one of A's objects, given where that kind of object is expected,
  answers anything but a refusal (404, 403, 405 or a redirect to sign in),
* anything answers 500, or
* any POST of an outsider changes a single row of A's (a digest of all of them).

Platform operators, created from the command line, are the one cross-body
role; they are checked to be the only ones the admin lets in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests import isolation
from tests.people.helpers import enrol
from tipoff.people.demo import DEMO_PASSWORD
from tipoff.people.models import Category, District, Role, Team, Unit, User

STAFF_AREAS = ("office", "people", "attendance", "config", "channel_config", "notices_office")
# ops: /metrics answers only with the operator's token and shows counts, never a body's data.
NOT_STAFF = (
    "reports",
    "api",
    "api_docs",
    "channels",
    "transparency",
    "notices",
    "poster",
    "open311",
    "set_language",
    "javascript-catalog",
    "ops",
)
REFUSED = {302, 400, 403, 404, 405}
PASSWORD = "correct horse battery staple 42"


def _sign_in(user: User, *, second_factor: bool = True, password: str = PASSWORD) -> Client:
    client = Client()
    secret = enrol(user)
    response = client.post("/staff/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:300]
    if second_factor:
        import pyotp

        User.objects.filter(pk=user.pk).update(totp_last_step=0)
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
    return client


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _evidence_for(body: Any, staff: dict[str, User]) -> None:
    """A report with a photo, a reporter's reply with a file, and a staff case file."""
    from tipoff.office.investigation import case_file_add
    from tipoff.people.services import staff_body_keys
    from tipoff.reports.models import Author
    from tipoff.reports.selectors import report_data_key
    from tipoff.reports.services import EvidenceFile, ReportInput, message_post, report_submit

    submitted = report_submit(
        data=ReportInput(
            body=body,
            channel="web",
            category_id=Category.objects.filter(body=body).first().pk,
            what=f"A banquet at public cost, photographed. {isolation.MARK}",
            official_name=f"Official {isolation.MARK}",
            evidence=[EvidenceFile(data=_jpeg())],
        )
    )
    key = staff_body_keys(user=staff["demo-admin"], password=DEMO_PASSWORD)[body.pk]
    report = submitted.report
    data_key = report_data_key(report=report, body_private_key=key)
    message_post(
        report=report,
        data_key=data_key,
        text=f"More {isolation.MARK}",
        author=Author.REPORTER,
        files=[EvidenceFile(data=_jpeg())],
    )
    case_file_add(
        case=report.case, actor=staff["demo-intake"], name="notes.jpg", data=_jpeg(), body_key=key
    )


def _world() -> dict[str, Any]:
    from tipoff.attendance import demo as attendance_demo
    from tipoff.channels.accounts import account_create
    from tipoff.office import demo as office_demo
    from tipoff.people.demo import load_people
    from tipoff.people.services import body_create, body_key_grant, staff_create
    from tipoff.transparency import demo as transparency_demo

    body_a, _recovery, staff_a = load_people()
    office_demo.load(body_a, staff_a)
    transparency_demo.load(body_a, staff_a)
    attendance_demo.load(body_a, staff_a)
    account_create(
        body=body_a, kind="telegram", label="Demo Telegram", credentials={"bot_token": "1:x"}
    )
    _evidence_for(body_a, staff_a)
    marked = isolation.mark_texts(body_a.pk)

    created = body_create(slug="beta", name_zh="乙区纪委", name_en="Beta District Commission")
    body_b = created.body
    from tipoff.people.services import body_key_from_recovery

    key_b = body_key_from_recovery(body=body_b, recovery_key=created.recovery_key)
    district = District.objects.create(body=body_b, name_zh="乙区", name_en="Beta")
    unit = Unit.objects.create(
        body=body_b, name_zh="乙区政府", name_en="Beta Gov", district=district
    )
    team = Team.objects.create(body=body_b, name_zh="乙组", name_en="Beta Team")
    team.units.set([unit])
    Category.objects.create(body=body_b, code="other", name_zh="其他", name_en="Other")
    staff_b = {}
    for role in (Role.ADMIN, Role.INTAKE, Role.LEADER, Role.INSPECTOR, Role.AUDITOR):
        user = staff_create(
            username=f"beta-{role}",
            password=PASSWORD,
            body=body_b,
            role=role,
            display_name=f"Beta {role}",
            team_id=team.pk if role in (Role.LEADER, Role.INSPECTOR) else None,
        )
        body_key_grant(body=body_b, body_private_key=key_b, user=user, granted_by=None)
        staff_b[role] = user
    a_staff = User.objects.filter(body=body_a).first()
    assert a_staff is not None
    return {"a": body_a, "b": body_b, "staff_b": staff_b, "a_staff": a_staff, "marked": marked}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        data = _world()
        data["clients"] = {
            **{f"B {role}": _sign_in(user) for role, user in data["staff_b"].items()},
            "anonymous": Client(),
            "A password only": _sign_in(
                data["a_staff"], second_factor=False, password=DEMO_PASSWORD
            ),
        }
        data["ids"] = isolation.candidate_ids(data["a"].pk)
        yield data
        call_command("flush", interactive=False, verbosity=0)


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _staff_routes() -> list[isolation.Route]:
    found = []
    for route in isolation.routes():
        area = route.name.split(":")[0]
        if area in STAFF_AREAS:
            found.append(route)
        else:
            assert area in NOT_STAFF or area == "admin", (
                f"{route.name}: say whether this area is for staff (STAFF_AREAS) or not"
            )
    return found


def _typed(route: isolation.Route, ids: dict[str, list[int]]) -> bool:
    """True if a parameter names a kind of object (so A's id there must be refused)."""
    return any(
        name.removesuffix("_id").removesuffix("_pk").replace("_", "") in ids
        for name, _conv in route.params
    )


def _problem(
    who: str, route: isolation.Route, url: str, response: Any, ids: dict[str, list[int]]
) -> str | None:
    if response.status_code >= 500:
        return f"{who} GET {url}: {response.status_code}"
    if isolation.MARK in _text(response):
        return f"{who} GET {url}: shows body A's data"
    if _typed(route, ids) and response.status_code not in REFUSED:
        return f"{who} GET {url}: {response.status_code} for A's object"
    return None


def _urls(world: dict[str, Any]) -> Iterator[tuple[isolation.Route, str]]:
    for route in _staff_routes():
        for kwargs in isolation.argument_sets(route, world["ids"]):
            try:
                yield route, reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                continue


@pytest.mark.django_db
@pytest.mark.slow
def test_nobody_outside_a_body_sees_its_objects(world):
    assert world["marked"] > 100, "the demo body's objects carry the marker"
    before = isolation.snapshot(world["a"].pk)
    problems = []
    for who, client in world["clients"].items():
        for route, url in _urls(world):
            problem = _problem(who, route, url, client.get(url), world["ids"])
            if problem:
                problems.append(problem)
    assert problems == []
    assert isolation.snapshot(world["a"].pk) == before


@pytest.mark.django_db
@pytest.mark.slow
def test_nobody_outside_a_body_changes_its_objects(world):
    before = isolation.snapshot(world["a"].pk)
    problems = []
    for who in ("B admin", "B leader", "anonymous", "A password only"):
        client = world["clients"][who]
        for _route, url in _urls(world):
            response = client.post(url, {})
            if response.status_code >= 500:
                problems.append(f"{who} POST {url}: {response.status_code}")
            elif isolation.MARK in _text(response):
                problems.append(f"{who} POST {url}: shows body A's data")
        assert isolation.snapshot(world["a"].pk) == before, f"{who} changed body A"
    assert problems == []


@pytest.mark.django_db
def test_the_admin_is_for_platform_operators_only(world):
    ids = world["ids"]
    before = isolation.snapshot(world["a"].pk)
    problems = []
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse(f"admin:{info[0]}_{info[1]}_{view}") for view in ("changelist", "add")]
        for pk in ids.get(model._meta.model_name, [])[:1]:
            urls += [
                reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[pk])
                for view in ("change", "delete", "history")
            ]
    for who, client in world["clients"].items():
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"post": "yes"})
                if response.status_code != 302 or "/login/" not in response["Location"]:
                    problems.append(f"{who} {method.upper()} {url}: {response.status_code}")
    assert problems == []
    assert isolation.snapshot(world["a"].pk) == before
    assert not User.objects.filter(is_superuser=True, body__isnull=False).exists()
    assert not User.objects.filter(is_staff=True, body__isnull=False).exists()


def test_every_model_reaches_a_body_or_says_why_not():
    scoped = isolation.scoped_models()
    labels = {m._meta.label for m, _path in scoped}
    assert {"cases.Case", "reports.Evidence", "attendance.Event", "channels.Conversation"} <= labels


def test_the_checks_find_a_leak_and_a_wrong_answer():
    """The checks used above flag a page showing A's data and a 200 for A's object."""
    from django.http import HttpResponse

    route = isolation.Route("office:case", (("pk", "IntConverter"),))
    typed = isolation.Route("attendance:employee", (("employee_id", "IntConverter"),))
    ids = {"employee": [7]}
    leak = HttpResponse(f"Team 1{isolation.MARK}")
    assert "shows body A's data" in _problem("B admin", route, "/x/", leak, ids)
    assert "for A's object" in _problem("B admin", typed, "/y/", HttpResponse("ok"), ids)
    assert _problem("B admin", typed, "/y/", HttpResponse(status=404), ids) is None
    assert "500" in _problem("B admin", route, "/x/", HttpResponse(status=500), ids)
