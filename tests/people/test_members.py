"""Administrators add staff and grant the body key without ever seeing a password."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from tests.people.helpers import enrol
from tipoff.audit.models import AuditEvent
from tipoff.people import signin
from tipoff.people.models import BodyKeyGrant, Role, StaffInvite, User
from tipoff.people.services import staff_body_keys

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a brand new passphrase 77"


def _invite(client, **fields):
    data = {
        "username": "newbie",
        "display_name": "新人 赵六",
        "email": "newbie@example.org",
        "role": Role.INSPECTOR,
        "team": "",
    }
    data.update(fields)
    return client.post("/staff/members/new/", data)


def _link_path(response) -> str:
    link = re.search(r'value="(http://testserver(/staff/setup/[^"]+))"', response.content.decode())
    assert link, response.content.decode()[:2000]
    return link.group(2)


def test_invite_set_password_grant_then_read(client, staff, sign_in, body):
    sign_in(client, staff["admin"])
    response = _invite(client)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    path = _link_path(response)
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password() and not hasattr(newbie, "keyring")
    token = path.rstrip("/").split("/")[-1]
    assert not StaffInvite.objects.filter(token_hash=token).exists()  # only a hash is kept

    anonymous = client.__class__()
    assert anonymous.get(path).status_code == 200
    assert (
        anonymous.post(path, {"new_password": "short", "new_password_again": "short"}).status_code
        == 400
    )
    response = anonymous.post(
        path, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert anonymous.get(path).status_code == 404  # used once
    newbie.refresh_from_db()
    assert newbie.check_password(NEW_PASSWORD) and newbie.keyring
    assert staff_body_keys(user=newbie, password=NEW_PASSWORD) == {}  # no access yet

    page = client.get("/staff/members/").content.decode()
    assert "Waiting for the body key" in page or "等待" in page
    response = client.post(f"/staff/members/{newbie.pk}/grant/")
    assert response.status_code == 302
    grant = BodyKeyGrant.objects.get(user=newbie)
    assert grant.granted_by == staff["admin"]
    assert staff_body_keys(user=newbie, password=NEW_PASSWORD) == {body.body.pk: body.private_key}
    actions = set(
        AuditEvent.objects.filter(object_id=str(newbie.pk)).values_list("action", flat=True)
    )
    assert {"staff.invited", "staff.setup", "staff.key_granted"} <= actions


def test_setup_links_expire(client, staff, sign_in):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        sign_in(client, staff["admin"])
        path = _link_path(_invite(client))
        traveller.shift(dt.timedelta(hours=73))
        assert client.__class__().get(path).status_code == 404


def test_a_new_link_replaces_the_old_one(client, staff, sign_in):
    sign_in(client, staff["admin"])
    old = _link_path(_invite(client))
    newbie = User.objects.get(username="newbie")
    new = _link_path(client.post(f"/staff/members/{newbie.pk}/new-link/"))
    assert client.__class__().get(old).status_code == 404
    assert client.__class__().get(new).status_code == 200


def test_invite_form_refuses_bad_input(client, staff, sign_in):
    sign_in(client, staff["admin"])
    assert _invite(client, username="demo-intake").status_code == 400  # taken
    assert _invite(client, username="bad name!").status_code == 400
    assert _invite(client, role="emperor").status_code == 400
    assert not User.objects.filter(username="bad name!").exists()


@pytest.mark.parametrize("role", ["intake", "inspector", "leader", "auditor"])
def test_only_administrators_manage_staff(client, staff, sign_in, role):
    sign_in(client, staff[role])
    assert client.get("/staff/members/").status_code == 403
    assert _invite(client).status_code == 403
    assert client.post(f"/staff/members/{staff['inspector'].pk}/grant/").status_code == 403


def test_reset_second_factor_clear_failures_and_deactivate(client, staff, sign_in, demo_password):
    sign_in(client, staff["admin"])
    member = staff["inspector"]
    enrol(member)
    for n in range(3):
        client.__class__(REMOTE_ADDR=f"192.0.2.{n}").post(
            "/staff/login/", {"username": member.username, "password": "wrong one here"}
        )
    member.refresh_from_db()
    assert member.failed_logins == 3
    client.cookies["tipoff_lang"] = "en"
    assert "3 failed sign-ins" in client.get("/staff/members/").content.decode()
    client.post(f"/staff/members/{member.pk}/unlock/")
    member.refresh_from_db()
    assert member.failed_logins == 0

    client.post(f"/staff/members/{member.pk}/reset-totp/")
    member.refresh_from_db()
    assert not signin.totp_enrolled(member)
    response = client.__class__().post(
        "/staff/login/", {"username": member.username, "password": demo_password}
    )
    assert response["Location"] == "/staff/login/enrol/"

    client.post(f"/staff/members/{member.pk}/deactivate/")
    member.refresh_from_db()
    assert not member.is_active and not BodyKeyGrant.objects.filter(user=member).exists()
    response = client.__class__().post(
        "/staff/login/", {"username": member.username, "password": demo_password}
    )
    assert response.status_code == 400


def test_members_of_other_bodies_are_out_of_reach(client, staff, sign_in):
    from tipoff.people.services import body_create, staff_create

    other = body_create(slug="other", name_zh="另一纪委", name_en="Other").body
    stranger = staff_create(username="stranger", password="x" * 20, body=other)
    sign_in(client, staff["admin"])
    assert client.get(f"/staff/members/{stranger.pk}/").status_code == 404
    assert client.post(f"/staff/members/{stranger.pk}/deactivate/").status_code == 404


def test_edit_member_is_audited(client, staff, sign_in):
    sign_in(client, staff["admin"])
    member = staff["inspector"]
    response = client.post(
        f"/staff/members/{member.pk}/",
        {"display_name": "检查员 张伟", "email": "", "role": Role.LEADER, "team": member.team_id},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.LEADER
    event = AuditEvent.objects.get(action="staff.updated")
    assert (
        event.details["before"]["role"] == "inspector"
        and event.details["after"]["role"] == "leader"
    )


def test_the_last_administrator_cannot_step_down(client, staff, sign_in):
    """Nobody would be left to invite, grant keys or configure the body."""
    admin = staff["admin"]
    assert list(User.objects.filter(body=admin.body, role=Role.ADMIN, is_active=True)) == [admin]
    sign_in(client, admin)
    data = {"display_name": admin.display_name, "email": "", "role": Role.INSPECTOR, "team": ""}
    response = client.post(f"/staff/members/{admin.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The body needs an administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert not AuditEvent.objects.filter(action="staff.updated").exists()
    # With a second administrator, the first may hand over.
    other = staff["leader"]
    other.role = Role.ADMIN
    other.save(update_fields=["role"])
    assert client.post(f"/staff/members/{admin.pk}/", data).status_code == 302
    admin.refresh_from_db()
    assert admin.role == Role.INSPECTOR
