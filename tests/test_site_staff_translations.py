"""Every staff page and admin screen reads in Chinese (issue 15.5).

Renders, in zh-Hans, every page of the back office, the staff pages, the
configuration, channel settings and attendance (every named URL of those areas,
with the ids of a demo body's objects), and the admin's index, changelist, add
and change screen of every registered model — as the demo administrator and as
a platform operator. The visible text (text nodes, and the alt, title,
placeholder, aria-label and button values people read or hear) must contain no
English words beyond a short list of names and acronyms, each with its reason.
That catches model names ("Employees", "Check-in events"), field labels, and
Django's own strings, which its catalogue translates in ways of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests import isolation
from tests.people.helpers import enrol
from tipoff.people.demo import DEMO_PASSWORD
from tipoff.people.models import User

AREAS = ("office", "people", "attendance", "config", "channel_config")
# Words that may stay in Latin letters on a Chinese page, and why.
ALLOWED = {
    # Acronyms and names of things that are written this way in Chinese too.
    "API",
    "CSV",
    "PDF",
    "TOTP",
    "PIN",
    "JSON",
    "OpenAPI",
    "SMS",
    "IMAP",
    "SMTP",
    "URL",
    "ID",
    "IP",
    "HTTPS",
    "QR",
    "AES",
    "SHA",
    "WhatsApp",
    "Telegram",
    "Weibo",
    "WeChat",
    "Email",
    "E-mail",
    "Twilio",
    "tipoff",
    # Django's admin writes its yes/no icons' alt text as Python's True/False, untranslated
    # (admin_list._boolean_icon), and its Chinese help for multiple choice names the keys.
    "True",
    "False",
    "Control",
    "Command",
    "Mac",
    # Django's admin search box: its template hard-codes the icon's alt text.
    "Search",
    # The name of the task queue's only queue.
    "default",
    # A language's own name, as the category form's hint for the English column writes it.
    "English",
    # The file types a label names (PDF, JPG…).
    "JPG",
    "PNG",
    "DOCX",
    "MB",
    "KB",
    "GB",
}
# Values that are data, not interface: user names, e-mail addresses, codes, hashes,
# web addresses, times, and the English name a body gives itself (shown in both).
DATA = re.compile(
    r"(demo-[a-z0-9-]+|[\w.+-]+@[\w.-]+|https?://\S+|/[\w/.-]*"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{8,}\b"
    r"|\b[a-z_]+(\.[a-z_]+)+\b|\b[a-z]+_[a-z_]+\b|\b[a-z_]+=|\b[A-Z0-9]{16,}\b|\b\d+[a-z]*\b)"
)
# Chinese that is there but wrong: another catalogue's word for the same English.
WRONG = {
    "过滤器": "Django's word for Filter; tipoff says 筛选",
    "网站导航": "the public footer's 'Site' (navigation) where an attendance site is meant",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "template"):
            self._skip += 1
        found = dict(attrs)
        self.parts += [found[a] or "" for a in READ_ATTRIBUTES if found.get(a)]
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.parts.append(found["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_words(html: str, allowed: set[str], data: list[str] = ()) -> set[str]:
    """English words a person reads on the page, other than ``allowed`` and the ``data``."""
    parser = _Visible()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        for value in data:
            if value in part:
                part = re.sub(rf"(?<![\w]){re.escape(value)}(?![\w])", " ", part)
        for word in WORD.findall(DATA.sub(" ", part)):
            if word not in allowed:
                found.add(word)
    found |= {f"{wrong} ({why})" for wrong, why in WRONG.items() if wrong in "".join(parser.parts)}
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def body_data(body_id: int) -> list[str]:
    """Every text the body's staff typed into its objects (its English names among them),
    longest first: shown on pages in both languages, they are data, not interface."""
    from django.db import models

    from tipoff.people.models import Body

    found: set[str] = set()
    owned = [(m, p) for m, p in isolation.scoped_models()] + [(Body, "id")]
    for model, path in owned:
        fields = [
            f.name
            for f in model._meta.fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        rows = (
            Body.objects.filter(pk=body_id)
            if model is Body
            else isolation.owned_by(model, path, body_id)
        )
        for row in rows.values_list(*fields):
            for value in row:
                found |= {s for s in _strings(value) if re.search(r"[A-Za-z]", s)}
    found |= set(User.objects.values_list("username", flat=True))
    return sorted(found, key=len, reverse=True)


def _sign_in(user: User) -> Client:
    import pyotp

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    secret = enrol(user)
    response = client.post("/staff/login/", {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    User.objects.filter(pk=user.pk).update(totp_last_step=0)
    response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return client


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    from tests.test_isolation import _evidence_for
    from tipoff.attendance import demo as attendance_demo
    from tipoff.channels.accounts import account_create
    from tipoff.office import demo as office_demo
    from tipoff.people.demo import load_people
    from tipoff.people.services import operator_create

    with django_db_blocker.unblock():
        body, _recovery, staff = load_people()
        office_demo.load(body, staff)
        attendance_demo.load(body, staff)
        account_create(
            body=body, kind="telegram", label="演示 Telegram", credentials={"bot_token": "1:x"}
        )
        _evidence_for(body, staff)
        operator_create(username="operator", password=DEMO_PASSWORD, display_name="运维")
        yield {
            "body": body,
            "admin": _sign_in(staff["demo-admin"]),
            "operator": _sign_in(User.objects.get(username="operator")),
            "ids": isolation.candidate_ids(body.pk, per_model=1),
            "data": body_data(body.pk),
        }
        call_command("flush", interactive=False, verbosity=0)


def _staff_urls(ids: dict[str, list[int]]) -> Iterator[str]:
    for route in isolation.routes():
        if route.name.split(":")[0] not in AREAS:
            continue
        for kwargs in isolation.argument_sets(route, ids):
            try:
                yield reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                continue


def _admin_urls(ids: dict[str, list[int]]) -> Iterator[str]:
    yield reverse("admin:index")
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{info}_changelist")
        yield reverse(f"{info}_add")
        for pk in ids.get(model._meta.model_name or "", [])[:1]:
            yield reverse(f"{info}_change", args=[pk])


def _pages(client: Client, urls: Iterator[str]) -> Iterator[tuple[str, str]]:
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        yield url, response.content.decode()


@pytest.mark.django_db
@pytest.mark.slow
def test_every_staff_page_and_admin_screen_is_in_chinese(demo):
    problems: dict[str, set[str]] = {}
    rendered = 0
    for who, urls in (
        ("admin", _staff_urls(demo["ids"])),
        ("operator", _admin_urls(demo["ids"])),
    ):
        for url, html in _pages(demo[who], urls):
            rendered += 1
            words = english_words(html, ALLOWED, demo["data"])
            if words:
                problems[url] = words
    assert rendered > 40
    print("\n".join(f"{u}: {sorted(w)}" for u, w in problems.items()))
    assert problems == {}


@pytest.mark.one_leg
def test_the_check_finds_english_and_wrong_words_but_not_data():
    page = (
        "<html><body><h1>员工</h1><table><tr><th>Employees</th><th>考勤记录</th></tr></table>"
        '<p>Check-in events</p><input type="submit" value="Save"><img alt="Add link" src="x">'
        "<p>过滤器</p><p>demo-admin · 1st Inspection Team · PDF · notify_new_report</p>"
        "<script>var English = 1;</script></body></html>"
    )
    found = english_words(page, ALLOWED, ["1st Inspection Team"])
    assert {"Employees", "Check-in", "events", "Save", "Add", "link"} <= found
    assert any(word.startswith("过滤器") for word in found)
    assert not {"Inspection", "Team", "PDF", "demo", "admin", "notify", "English"} & found
