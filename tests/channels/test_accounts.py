"""Channel accounts: channel_add, the admin, encrypted credentials, the channels key."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from wechat_sim import AES_KEY, APP_ID, TOKEN

from tipoff.channels.accounts import credentials_of
from tipoff.channels.models import CHANNEL_KEY, ChannelAccount


@pytest.mark.django_db
def test_channel_add_wechat_prints_the_webhook_url(body: Any, settings: Any) -> None:
    settings.SITE_URL = "https://jubao.example.gov.cn"
    out = StringIO()
    call_command(
        "channel_add",
        "wechat",
        "--body",
        body.body.slug,
        "--token",
        TOKEN,
        "--aes-key",
        AES_KEY,
        "--app-id",
        APP_ID,
        "--app-secret",
        "secret-value",
        stdout=out,
    )
    account = ChannelAccount.objects.get()
    assert f"https://jubao.example.gov.cn/channels/wechat/{account.public_id}/" in out.getvalue()
    assert credentials_of(account) == {
        "token": TOKEN,
        "aes_key": AES_KEY,
        "app_id": APP_ID,
        "app_secret": "secret-value",
    }
    assert TOKEN.encode() not in bytes(account.credentials)


@pytest.mark.django_db
def test_channel_add_telegram_generates_and_shows_the_secret_once(body: Any) -> None:
    out = StringIO()
    call_command("channel_add", "telegram", "--bot-token", "123:ABC", stdout=out)
    secret = credentials_of(ChannelAccount.objects.get())["secret_token"]
    assert f"(shown once): {secret}" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["wechat", "--token", "t"],  # no app id
        ["wechat", "--token", "t", "--app-id", "a", "--aes-key", "short"],
        ["sms", "--account-sid", "AC1", "--auth-token", "x", "--bot-token", "nope"],
        ["telegram", "--bot-token", "1", "--secret-token", "has spaces"],
        ["weibo", "--body", "no-such-body", "--app-secret", "s"],
    ],
)
def test_channel_add_refuses_bad_credentials(body: Any, args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("channel_add", *args, stdout=StringIO())
    assert not ChannelAccount.objects.exists()


@pytest.mark.django_db
def test_admin_adds_an_account_and_never_shows_the_credentials(
    client: Any, body: Any, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser("root-admin", "root@example.org", "x" * 20)
    client.force_login(admin)
    response = client.post(
        "/admin/channels/channelaccount/add/",
        {
            "body": body.body.pk,
            "kind": "wechat",
            "label": "Official account",
            "active": "on",
            "credentials_input": f"token={TOKEN}\napp_id={APP_ID}\naes_key={AES_KEY}",
        },
        follow=True,
    )
    assert response.status_code == 200
    account = ChannelAccount.objects.get()
    assert credentials_of(account)["token"] == TOKEN
    page = client.get(f"/admin/channels/channelaccount/{account.pk}/change/").content.decode()
    assert TOKEN not in page and AES_KEY not in page
    assert f"/channels/wechat/{account.public_id}/" in page
    refused = client.post(
        "/admin/channels/channelaccount/add/",
        {"body": body.body.pk, "kind": "wechat", "active": "on", "credentials_input": "token=x"},
    )
    assert refused.status_code == 200 and ChannelAccount.objects.count() == 1


def test_the_channels_key_is_required(settings: Any) -> None:
    settings.CHANNELS_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        CHANNEL_KEY.key()
    settings.PRODUCTION = True
    settings.CHANNELS_KEY = "dev-channels:" + "x" * 40  # the development default
    assert CHANNEL_KEY.problems()
    settings.CHANNELS_KEY = "k" * 20
    assert CHANNEL_KEY.problems()
    settings.CHANNELS_KEY = "k" * 40
    assert CHANNEL_KEY.problems() == []


def test_a_different_channels_key_cannot_open_the_data(settings: Any) -> None:
    sealed = CHANNEL_KEY.seal_text("oOpenID", label="x")
    settings.CHANNELS_KEY = "another-key-" + "z" * 40
    from tipoff.lib.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        CHANNEL_KEY.unseal_text(sealed, label="x")


@pytest.mark.django_db
def test_credentials_under_another_key_answer_503_not_500(
    client: Any, body: Any, settings: Any
) -> None:
    from drivers import TelegramDriver

    telegram = TelegramDriver(client, body.body)
    settings.CHANNELS_KEY = "rotated-key-" + "r" * 40
    assert telegram.update({"text": "hi"}).status_code == 503
