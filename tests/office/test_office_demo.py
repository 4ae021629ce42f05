"""Demo data: cases at every stage, and the demo staff's second factor."""

from __future__ import annotations

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipoff.audit.services import audit_verify
from tipoff.cases.models import Case, Status
from tipoff.office import demo
from tipoff.people import signin
from tipoff.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(body, capsys):
    staff = {u.username: u for u in User.objects.filter(body=body.body)}
    demo.load(body.body, staff)
    assert "demo_totp" in capsys.readouterr().out
    return staff


def test_demo_has_cases_at_many_stages(loaded):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.TRIAGED,
        Status.INVESTIGATING,
        Status.DECISION_PROPOSED,
        Status.CLOSED,
        Status.REJECTED,
    } <= statuses
    assert audit_verify() is None


def test_demo_staff_sign_in_with_the_printed_code(client, loaded, demo_password, capsys):
    call_command("demo_totp", "demo-inspector")
    out = capsys.readouterr().out
    secret = out.split("secret ")[1].split()[0]
    User.objects.filter(username="demo-inspector").update(totp_last_step=0)
    client.post("/staff/login/", {"username": "demo-inspector", "password": demo_password})
    response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.get("/office/queue/mine/").status_code == 200


def test_demo_totp_refuses_production_and_other_bodies(loaded, settings):
    from tipoff.people.services import body_create, staff_create

    other = body_create(slug="real", name_zh="真实", name_en="Real").body
    real = staff_create(username="real-person", password="x" * 20, body=other)
    signin.totp_enrol(user=real, secret=(s := pyotp.random_base32()), code=pyotp.TOTP(s).now())
    with pytest.raises(CommandError):
        call_command("demo_totp", "real-person")
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_totp")


def test_demo_pages_render_for_every_role(client, loaded, sign_in):
    for username in ["demo-admin", "demo-intake", "demo-leader", "demo-inspector", "demo-auditor"]:
        user = User.objects.get(username=username)
        signin.totp_reset(user=user)
        sign_in(client, user)
        home = client.get("/office/", follow=True)
        assert home.status_code == 200
        for case in Case.objects.all():
            response = client.get(f"/office/cases/{case.pk}/")
            assert response.status_code in (200, 403, 404), (username, case.status)
        client.post("/staff/logout/")
