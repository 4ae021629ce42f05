"""A body's settings pages (its administrators) and Django's admin (platform operators)."""

from __future__ import annotations

import pyotp
import pytest
from django.core.management import call_command

from tests.people.helpers import enrol
from tipoff.audit.models import AuditEvent
from tipoff.channels.accounts import credentials_of
from tipoff.channels.models import ChannelAccount
from tipoff.people.models import Category, District, Team, Unit, User
from tipoff.people.services import body_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_body():
    return body_create(slug="other", name_zh="另一纪委", name_en="Other Commission").body


@pytest.fixture
def admin_client(client, staff, sign_in):
    sign_in(client, staff["admin"])
    client.cookies["tipoff_lang"] = "en"
    return client


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_settings_index_links_every_section(admin_client):
    page = admin_client.get("/office/config/").content.decode()
    for href in [
        "/office/config/profile/",
        "/office/config/districts/",
        "/office/config/units/",
        "/office/config/teams/",
        "/office/config/categories/",
        "/office/config/channels/",
        "/office/settings/",
        "/staff/members/",
        "/attendance/",
    ]:
        assert href in page


def test_an_administrator_adds_a_district_and_a_unit_in_it(admin_client, body, other_body):
    foreign = District.objects.create(body=other_body, name_zh="外区", name_en="Elsewhere")
    response = admin_client.post(
        "/office/config/districts/new/", {"name_zh": "湖滨区", "name_en": "Lakeside", "order": 9}
    )
    assert response.status_code == 302
    district = District.objects.get(body=body.body, name_zh="湖滨区")
    form = admin_client.get("/office/config/units/new/").content.decode()
    assert "Lakeside" in form and "Elsewhere" not in form  # choices from the body's own list
    refused = admin_client.post(
        "/office/config/units/new/",
        {"name_zh": "湖滨区政府", "name_en": "Lakeside Gov", "district": foreign.pk},
    )
    assert refused.status_code == 400 and not Unit.objects.filter(name_zh="湖滨区政府").exists()
    created = admin_client.post(
        "/office/config/units/new/",
        {"name_zh": "湖滨区政府", "name_en": "Lakeside Gov", "district": district.pk},
    )
    assert created.status_code == 302
    assert Unit.objects.get(name_zh="湖滨区政府").district == district
    assert _events("config.created") == 2


def test_a_team_is_edited_and_the_change_is_audited(admin_client, body):
    team = Team.objects.filter(body=body.body).first()
    data = {
        "name_zh": team.name_zh,
        "name_en": "Renamed Team",
        "units": [u.pk for u in team.units.all()],
        "districts": [d.pk for d in District.objects.filter(body=body.body)[:1]],
        "phone": "0571-1234",
        "email": "",
        "hours_zh": "周一至周五 9:00–17:00",
        "hours_en": "Mon–Fri 9:00–17:00",
        "order": 0,
    }
    assert admin_client.post(f"/office/config/teams/{team.pk}/", data).status_code == 302
    team.refresh_from_db()
    assert team.name_en == "Renamed Team" and team.districts.count() == 1
    assert (team.hours_zh, team.hours_en) == ("周一至周五 9:00–17:00", "Mon–Fri 9:00–17:00")
    event = AuditEvent.objects.filter(action="config.changed", object_id=str(team.pk)).get()
    assert "name_en" in event.details["fields"] and event.actor.username == "demo-admin"


def test_a_category_and_its_questions(admin_client, body):
    data = {
        "code": "waste",
        "name_zh": "铺张浪费",
        "name_en": "Waste",
        "order": 20,
        "active": "on",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-0-key": "amount",
        "q-0-label_zh": "金额",
        "q-0-label_en": "Amount",
        "q-0-type": "number",
        "q-0-essential": "on",
        "q-1-key": "where_kind",
        "q-1-label_zh": "场所",
        "q-1-type": "choice",
        "q-1-choices": "hotel | 酒店 | Hotel\nclub | 会所 | Club",
    }
    assert admin_client.post("/office/config/categories/new/", data).status_code == 302
    category = Category.objects.get(body=body.body, code="waste")
    assert [q["key"] for q in category.questions] == ["amount", "where_kind"]
    assert [q["essential"] for q in category.questions] == [True, False]
    assert category.questions[1]["choices"][1] == {
        "value": "club",
        "label_zh": "会所",
        "label_en": "Club",
    }
    bad = dict(data, code="waste2", **{"q-1-key": "amount"})
    assert admin_client.post("/office/config/categories/new/", bad).status_code == 400
    assert "Waste" in admin_client.get("/report/waste/").content.decode()


def test_what_reports_still_use_cannot_be_deleted(admin_client, body, submit):
    submit()
    unit = body.unit()
    response = admin_client.post(f"/office/config/units/{unit.pk}/delete/")
    assert response.status_code == 302 and Unit.objects.filter(pk=unit.pk).exists()
    spare = District.objects.create(body=body.body, name_zh="空区", name_en="Empty")
    assert admin_client.post(f"/office/config/districts/{spare.pk}/delete/").status_code == 302
    assert not District.objects.filter(pk=spare.pk).exists()
    assert _events("config.deleted") == 1


def test_other_bodies_objects_are_not_found(admin_client, other_body):
    team = Team.objects.create(body=other_body, name_zh="外组", name_en="Away")
    assert admin_client.get(f"/office/config/teams/{team.pk}/").status_code == 404
    assert admin_client.post(f"/office/config/teams/{team.pk}/delete/").status_code == 404
    assert "外组" not in admin_client.get("/office/config/teams/").content.decode()


def test_only_administrators_reach_the_settings(client, staff, sign_in):
    sign_in(client, staff["leader"])
    assert client.get("/office/config/").status_code == 403
    assert client.get("/office/config/channels/").status_code == 403


# --- messaging accounts (issue 8.5: editing used to save nothing) -------------------------


def test_a_channel_account_is_added_edited_switched_off_and_deleted(admin_client, body):
    response = admin_client.post(
        "/office/config/channels/new/",
        {
            "kind": "telegram",
            "label": "Hotline bot",
            "active": "on",
            "credentials": "bot_token=1:a",
        },
    )
    assert response.status_code == 302
    account = ChannelAccount.objects.get(body=body.body)
    listing = admin_client.get("/office/config/channels/").content.decode()
    assert "Telegram webhook secret (shown once)" in listing and account.public_id in listing
    response = admin_client.post(
        f"/office/config/channels/{account.pk}/", {"label": "Old bot", "credentials": ""}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.label == "Old bot" and account.active is False  # switched off
    assert credentials_of(account)["bot_token"] == "1:a"  # kept when left empty
    admin_client.post(
        f"/office/config/channels/{account.pk}/",
        {"label": "Old bot", "active": "on", "credentials": "bot_token=2:b\nsecret_token=s3cr3t"},
    )
    account.refresh_from_db()
    assert account.active and credentials_of(account) == {
        "bot_token": "2:b",
        "secret_token": "s3cr3t",
    }
    assert _events("config.changed") == 2
    assert admin_client.post(f"/office/config/channels/{account.pk}/delete/").status_code == 302
    assert not ChannelAccount.objects.exists() and _events("config.deleted") == 1


def test_bad_credentials_are_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/office/config/channels/new/", {"kind": "wechat", "credentials": "token=x\nnonsense=1"}
    )
    assert response.status_code == 400 and "unknown credential" in response.content.decode()
    assert not ChannelAccount.objects.exists()


# --- platform operators ---------------------------------------------------------------------


OPERATOR_PASSWORD = "operator password 2026!"


def _operator_client(client, password=OPERATOR_PASSWORD):
    call_command("operator_create", username="op", password=password)
    operator = User.objects.get(username="op")
    secret = enrol(operator)
    User.objects.filter(pk=operator.pk).update(totp_last_step=0)
    client.post("/staff/login/", {"username": "op", "password": password})
    response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    return client


def test_an_operator_is_made_from_the_command_line_and_uses_the_admin(client, body, other_body):
    operator_client = _operator_client(client)
    operator = User.objects.get(username="op")
    assert operator.body is None and operator.is_superuser and not operator.key_grants.exists()
    assert operator_client.get("/admin/").status_code == 200
    teams = operator_client.get("/admin/people/team/").content.decode()
    assert "第一监督检查室" in teams  # across bodies
    team = Team.objects.filter(body=body.body).first()
    response = operator_client.post(
        f"/admin/people/team/{team.pk}/change/",
        {
            "body": body.body.pk,
            "name_zh": team.name_zh,
            "name_en": "Operator Renamed",
            "order": 0,
            "units": [u.pk for u in team.units.all()],
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="config.changed", actor=operator).exists()
    # Operators read no report and have no back office.
    assert operator_client.get("/office/queue/all/").status_code == 403


def test_the_operator_edits_a_channel_account_and_it_is_saved(client, body):
    from tipoff.channels.accounts import account_create

    account, _ = account_create(
        body=body.body, kind="sms", credentials={"account_sid": "AC1", "auth_token": "t"}
    )
    operator_client = _operator_client(client)
    response = operator_client.post(
        f"/admin/channels/channelaccount/{account.pk}/change/",
        {"label": "switched off", "credentials_input": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.label == "switched off" and not account.active


def test_body_administrators_are_no_superusers(body, staff):
    assert not User.objects.filter(body__isnull=False, is_superuser=True).exists()
    assert not staff["admin"].is_staff
