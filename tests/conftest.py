"""Fixtures shared by every app's tests.

* ``body`` — a body with teams, units and categories (the demo set) and its
  recovery key; ``staff`` — one user per role, each granted the body key.
* ``submit`` — files a report through ``report_submit`` (the real service).
* ``browser`` / ``phone`` / ``tablet`` — Debian's Chromium driven by Playwright.
  Missing Chromium skips those tests, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tipoff.people.models import Body, Category, Unit, User

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STAFF_PASSWORD = "correct horse battery staple 42"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests that touch no database (``one_leg``) run on the SQLite leg only: running them
    again against PostgreSQL would test nothing new and cost CI minutes."""
    if os.environ.get("TIPOFF_DB_LEG") != "postgres":
        return
    skip = pytest.mark.skip(reason="database-independent: runs on the SQLite leg only")
    for item in items:
        if "one_leg" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (a request may leave another active)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    from tipoff.office import queues
    from tipoff.office.index import forget_all
    from tipoff.people.selectors import catalogue_forget

    cache.clear()
    catalogue_forget()
    yield
    catalogue_forget()
    cache.clear()
    forget_all()
    queues._counts.clear()


@dataclass
class BodySetup:
    body: Body
    recovery_key: str
    private_key: bytes

    def category(self, code: str = "banqueting") -> Category:
        return Category.objects.get(body=self.body, code=code)

    def unit(self, name_zh: str = "市交通运输局") -> Unit:
        return Unit.objects.get(body=self.body, name_zh=name_zh)


@pytest.fixture
def body(db) -> BodySetup:
    from tipoff.people.demo import load_people
    from tipoff.people.services import body_key_from_recovery

    created_body, recovery_key, _staff = load_people()
    assert recovery_key
    return BodySetup(
        body=created_body,
        recovery_key=recovery_key,
        private_key=body_key_from_recovery(body=created_body, recovery_key=recovery_key),
    )


@pytest.fixture
def staff(body: BodySetup) -> dict[str, User]:
    """The demo staff, keyed by role name (admin, intake, leader, inspector, auditor)."""
    users = {u.username.removeprefix("demo-"): u for u in User.objects.filter(body=body.body)}
    return users


@pytest.fixture
def demo_password() -> str:
    from tipoff.people.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


@pytest.fixture
def submit(body: BodySetup) -> Callable[..., Any]:
    """``submit(**fields)`` files a report through report_submit and returns the result."""
    from tipoff.reports.services import ReportInput, report_submit

    def _submit(**fields: Any) -> Any:
        defaults: dict[str, Any] = {
            "body": body.body,
            "channel": "web",
            "category_id": body.category().pk,
            "unit_id": body.unit().pk,
            "what": "The director held a banquet for twenty people at public cost.",
            "official_name": "Wang Wu",
            "official_position": "Director",
        }
        defaults.update(fields)
        return report_submit(data=ReportInput(**defaults))

    return _submit


# --- browsers -----------------------------------------------------------------


def _chromium_or_skip() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: browser tests skipped (install Debian's chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_or_skip()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page (390x844, touch), Chinese by default."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
