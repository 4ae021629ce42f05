"""Two-step staff sign-in: password then TOTP, enrolment, lock-out, sessions."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from django.conf import settings

from tests.people.helpers import enrol
from tipoff.audit.models import AuditEvent
from tipoff.lib import sealed_session
from tipoff.limits.proof import solve
from tipoff.people import signin
from tipoff.people.access import KEYS_SESSION_NAME
from tipoff.people.models import User

pytestmark = pytest.mark.django_db


def _password_step(client, user, password):
    return client.post("/staff/login/", {"username": user.username, "password": password})


def test_first_sign_in_enrols_a_second_factor_with_a_local_qr_code(client, staff, demo_password):
    user = staff["inspector"]
    response = _password_step(client, user, demo_password)
    assert response.status_code == 302 and response["Location"] == "/staff/login/enrol/"
    assert "_auth_user_id" not in client.session  # not signed in yet
    page = client.get("/staff/login/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # drawn here, nothing fetched elsewhere
    secret = page.context["secret"]
    assert client.get("/office/").status_code == 302
    response = client.post("/staff/login/enrol/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/office/"
    user.refresh_from_db()
    assert signin.totp_enrolled(user) and signin.totp_secret(user) == secret
    assert secret.encode() not in bytes(user.totp_secret)  # encrypted at rest
    assert AuditEvent.objects.filter(action="staff.totp_enrolled", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="staff.sign_in", actor=user).exists()


def test_enrolment_with_a_wrong_code_is_refused(client, staff, demo_password):
    _password_step(client, staff["inspector"], demo_password)
    client.get("/staff/login/enrol/")
    response = client.post("/staff/login/enrol/", {"code": "000000"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_sign_in_unlocks_the_body_keys_into_the_sealed_session(client, staff, demo_password, body):
    user = staff["intake"]
    secret = enrol(user)
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    _password_step(client, user, demo_password)
    response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # The keys live encrypted in the session; the secret to open them only in the cookie.
    assert f"sealed:{KEYS_SESSION_NAME}" in client.session
    assert body.private_key.hex() not in str(dict(client.session))
    assert client.cookies.get(f"tipoff_{KEYS_SESSION_NAME}")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, staff):
    client.cookies["tipoff_lang"] = "en"
    response = _password_step(client, staff["inspector"], "not the password at all")
    assert response.status_code == 400
    assert "User name or password is wrong" in response.content.decode()
    response = client.post("/staff/login/", {"username": "nobody-here", "password": "whatever"})
    assert response.status_code == 400


def test_code_step_needs_the_password_step_first(client):
    response = client.get("/staff/login/code/")
    assert response.status_code == 302 and response["Location"] == "/staff/login/"


def test_wrong_and_replayed_codes_are_refused(client, staff, demo_password):
    user = staff["inspector"]
    secret = enrol(user)
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    _password_step(client, user, demo_password)
    assert (
        client.post(
            "/staff/login/code/",
            {"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"},
        ).status_code
        == 400
    )
    assert client.post("/staff/login/code/", {"code": "12"}).status_code == 400
    code = pyotp.TOTP(secret).now()
    assert client.post("/staff/login/code/", {"code": code}).status_code == 302
    other = client.__class__()
    _password_step(other, user, demo_password)
    assert other.post("/staff/login/code/", {"code": code}).status_code == 400  # used already


def test_pending_sign_in_expires(client, staff, demo_password):
    user = staff["inspector"]
    secret = enrol(user)
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        _password_step(client, user, demo_password)
        traveller.shift(dt.timedelta(minutes=6))
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/staff/login/"


def test_wrong_passwords_from_anywhere_never_lock_the_owner_out(client, staff, demo_password):
    """Issue 8.3: five wrong passwords used to lock any named account for 15 minutes."""
    user = staff["inspector"]
    attacker = client.__class__(REMOTE_ADDR="203.0.113.66")
    for _ in range(settings.STAFF_SIGNIN_FAILURES_PER_CLIENT + 3):
        attacker.post("/staff/login/", {"username": user.username, "password": "wrong 12345"})
    assert _password_step(client, user, demo_password).status_code == 302
    assert (
        AuditEvent.objects.filter(action="staff.sign_in_failed", object_id=str(user.pk)).count()
        >= settings.STAFF_SIGNIN_FAILURES_PER_CLIENT
    )


def test_a_client_that_keeps_failing_waits_longer_and_longer(client, staff, demo_password):
    client.cookies["tipoff_lang"] = "en"
    user = staff["inspector"]
    limit = settings.STAFF_SIGNIN_FAILURES_PER_CLIENT
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        for _ in range(limit):
            assert _password_step(client, user, "wrong password 123").status_code == 400
        waits = []
        for _ in range(4):
            held = _password_step(client, user, demo_password)
            assert held.status_code == 429 and "Please wait" in held.content.decode()
            waits.append(int(held["Retry-After"]))
            traveller.shift(dt.timedelta(seconds=waits[-1] + 1))
            assert _password_step(client, user, "wrong password 123").status_code == 400
        assert waits == sorted(waits) and waits[-1] > waits[0]
        traveller.shift(dt.timedelta(seconds=600))
        assert _password_step(client, user, demo_password).status_code == 302


def test_wrong_codes_slow_the_client_down_too(client, staff, demo_password):
    user = staff["inspector"]
    enrol(user)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        _password_step(client, user, demo_password)
        for _ in range(settings.STAFF_SIGNIN_FAILURES_PER_CLIENT):
            assert client.post("/staff/login/code/", {"code": "000001"}).status_code == 400
        held = client.post("/staff/login/code/", {"code": "000002"})
    assert held.status_code == 429 and int(held["Retry-After"]) >= 1


def test_an_account_attacked_from_many_clients_asks_for_work_and_tells_its_owner(
    client, staff, demo_password, settings, mailoutbox
):
    settings.POW_BASE_DIFFICULTY = 8
    user = staff["inspector"]
    user.email = "inspector@example.org"
    user.save(update_fields=["email"])
    for n in range(settings.STAFF_SIGNIN_FAILURES_PER_ACCOUNT):
        other = client.__class__(REMOTE_ADDR=f"198.51.100.{n + 1}")
        other.post("/staff/login/", {"username": user.username, "password": "wrong 12345"})
    assert len(mailoutbox) == 1 and "failed" in mailoutbox[0].body
    assert mailoutbox[0].to == ["inspector@example.org"]
    asked = _password_step(client, user, demo_password)
    assert asked.status_code == 429
    challenge = asked.context["pow_challenge"]
    response = client.post(
        "/staff/login/",
        {
            "username": user.username,
            "password": demo_password,
            "pow": f"{challenge}~{solve(challenge)}",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="staff.sign_in_failures_notice").count() == 1


def test_unknown_names_are_treated_like_accounts(client, settings):
    """The answers never tell a stranger which user names exist."""
    limit = settings.STAFF_SIGNIN_FAILURES_PER_CLIENT
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        for _ in range(limit):
            answer = client.post("/staff/login/", {"username": "ghost", "password": "x"})
            assert answer.status_code == 400
        answer = client.post("/staff/login/", {"username": "ghost", "password": "x"})
    assert answer.status_code == 429


def test_sessions_end_after_thirty_idle_minutes(client, staff, sign_in):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        sign_in(client, staff["inspector"])
        assert client.get("/office/queue/mine/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/office/queue/mine/").status_code == 200  # activity renews it
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/office/queue/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")


def test_sign_out_forgets_the_keys(client, staff, sign_in):
    sign_in(client, staff["inspector"])
    response = client.post("/staff/logout/")
    assert response.status_code == 302
    assert f"sealed:{KEYS_SESSION_NAME}" not in client.session
    assert client.get("/office/queue/mine/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions(client, staff, sign_in):
    user = staff["inspector"]
    laptop, tablet = sign_in(client, user), sign_in(client.__class__(), user)
    assert tablet.get("/office/queue/mine/").status_code == 200
    laptop.post("/staff/logout/everywhere/")
    assert tablet.get("/office/queue/mine/").status_code == 302
    assert AuditEvent.objects.filter(action="staff.sign_out_everywhere", actor=user).exists()


def test_the_admin_site_sign_in_sends_people_to_the_two_step_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_login_is_bilingual(client):
    assert "工作人员登录" in client.get("/staff/login/").content.decode()  # Chinese by default
    client.cookies["tipoff_lang"] = "en"
    assert "Staff sign-in" in client.get("/staff/login/").content.decode()


def test_sealed_keys_are_useless_without_the_cookie(client, staff, sign_in, rf):
    sign_in(client, staff["inspector"])
    request = rf.get("/")
    request.session = client.session
    request.COOKIES = {}
    assert sealed_session.get(request, KEYS_SESSION_NAME) is None
