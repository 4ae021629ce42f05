"""A lost password is replaced with the body's recovery key (and the second factor)."""

from __future__ import annotations

import pyotp
import pytest

from tests.people.helpers import enrol
from tipoff.audit.models import AuditEvent
from tipoff.people.models import User
from tipoff.people.services import staff_body_keys

pytestmark = pytest.mark.django_db
NEW = "my new long passphrase 2026"


def _recover(client, user, recovery_key, code=""):
    return client.post(
        "/staff/recover/",
        {
            "username": user.username,
            "recovery_key": recovery_key,
            "code": code,
            "new_password": NEW,
            "new_password_again": NEW,
        },
    )


def test_recovery_key_and_code_set_a_new_password_and_restore_access(
    client, staff, body, demo_password
):
    user = staff["inspector"]
    secret = enrol(user)
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    response = _recover(client, user, body.recovery_key, pyotp.TOTP(secret).now())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(demo_password)
    assert staff_body_keys(user=user, password=NEW) == {body.body.pk: body.private_key}
    assert AuditEvent.objects.filter(
        action="staff.password_recovered", object_id=str(user.pk)
    ).exists()


def test_recovery_needs_the_second_factor_when_there_is_one(client, staff, body, demo_password):
    user = staff["inspector"]
    enrol(user)
    assert _recover(client, user, body.recovery_key, "").status_code == 400
    user.refresh_from_db()
    assert user.check_password(demo_password)


def test_a_wrong_recovery_key_changes_nothing(client, staff, body, demo_password):
    user = staff["intake"]
    wrong = body.recovery_key[:-3] + ("AAA" if not body.recovery_key.endswith("AAA") else "BBB")
    assert _recover(client, user, wrong).status_code == 400
    assert _recover(client, user, "not a key").status_code == 400
    user.refresh_from_db()
    assert user.check_password(demo_password)


def test_password_change_keeps_access(client, staff, sign_in, body, demo_password):
    user = staff["leader"]
    sign_in(client, user)
    bad = client.post(
        "/staff/password/",
        {"old_password": "wrong wrong wrong", "new_password": NEW, "new_password_again": NEW},
    )
    assert bad.status_code == 400
    ok = client.post(
        "/staff/password/",
        {"old_password": demo_password, "new_password": NEW, "new_password_again": NEW},
    )
    assert ok.status_code == 302
    assert client.get("/office/queue/team/").status_code == 200  # still signed in here
    assert staff_body_keys(user=user, password=NEW) == {body.body.pk: body.private_key}
