"""Issue 15 item 8: public pages answer HEAD, carry a favicon and a description in the
page's language; the staff sign-in tells password managers what each field is; staff
e-mails link to SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from PIL import Image

PUBLIC = [
    "/",
    "/teams/",
    "/report/",
    "/report/banqueting/",
    "/followup/",
    "/offline/",
    "/manifest.webmanifest",
    "/sw.js",
    "/staff/login/",
    "/attendance/kiosk/",  # a kiosk's pairing page, before it is paired
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_answer_head(client, body, url):
    """They answered 405 (require_GET); monitors and link checkers send HEAD."""
    get = client.get(url)
    head = client.head(url)
    assert get.status_code == 200
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.django_db
def test_head_on_the_follow_up_page_without_a_session_is_not_refused(client, body):
    assert (
        client.head("/followup/report/").status_code == client.get("/followup/report/").status_code
    )


def _meta_description(page: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert match, "a description"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/teams/", "/report/", "/report/banqueting/", "/followup/"])
def test_public_pages_describe_themselves_in_both_languages(client, body, url):
    chinese = _meta_description(client.get(url).content.decode())
    english = _meta_description(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert english.isascii() and len(english) > 30, english
    assert chinese != english


@pytest.mark.django_db
def test_pages_link_a_favicon_that_is_served(client, body):
    page = client.get("/").content.decode()
    links = re.findall(r'<link rel="icon"[^>]*href="/static/([^"]+)"', page)
    assert {"tipoff/icons/favicon.ico", "tipoff/icons/favicon.svg"} <= set(links)
    for name in links:
        path = finders.find(name)
        assert isinstance(path, str), name
    with Image.open(finders.find("tipoff/icons/favicon.ico")) as ico:
        assert ico.format == "ICO" and (16, 16) in ico.info["sizes"]
    with open(finders.find("tipoff/icons/favicon.svg"), encoding="utf-8") as svg:
        text = svg.read()
    assert (
        text.startswith("<svg") and "http://www.w3.org/2000/svg" in text and "<script" not in text
    )


@pytest.mark.django_db
def test_staff_sign_in_fields_say_what_they_are(client, body):
    page = client.get("/staff/login/").content.decode()
    assert re.search(r'<input[^>]*name="username"[^>]*autocomplete="username"', page)
    assert re.search(r'<input[^>]*name="password"[^>]*autocomplete="current-password"', page)


def test_new_passwords_and_codes_are_marked_for_password_managers():
    from tipoff.people.forms import CodeForm, PasswordChangeForm, RecoverForm

    change = PasswordChangeForm()
    assert change.fields["old_password"].widget.attrs["autocomplete"] == "current-password"
    assert change.fields["new_password"].widget.attrs["autocomplete"] == "new-password"
    assert change.fields["new_password_again"].widget.attrs["autocomplete"] == "new-password"
    recover = RecoverForm()
    assert recover.fields["username"].widget.attrs["autocomplete"] == "username"
    assert recover.fields["code"].widget.attrs["autocomplete"] == "one-time-code"
    assert CodeForm().fields["code"].widget.attrs["autocomplete"] == "one-time-code"


@pytest.mark.django_db
def test_staff_e_mails_link_to_site_url(submit, staff, settings):
    """The demo served on another port than the one in SITE_URL; run.sh now sets it
    (tests/channels/test_run_script.py) and every staff e-mail uses it."""
    from tipoff.reports.tasks import notify_new_report

    settings.SITE_URL = "http://127.0.0.1:8123"
    staff["intake"].email = "intake@example.org"
    staff["intake"].save()
    report = submit().report
    mail.outbox.clear()
    notify_new_report.call(report.pk)
    (message,) = mail.outbox
    assert "http://127.0.0.1:8123/office/" in message.body
