"""Issue 8.2: abuse limits that hold behind the proxy and never shut out a real reporter.

Found from outside: behind the reverse proxy every reporter shared one address,
so ten wrong receipts from anyone locked out every valid receipt and twenty
reports an hour closed intake for the city; the leftmost X-Forwarded-For entry
(which the client writes) was trusted; and 40 parallel guesses got 17
evaluated against a limit of 10.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from tipoff.limits.proof import solve
from tipoff.reports import services
from tipoff.reports.models import Report

PROXY = "10.0.0.2"  # the reverse proxy: every request arrives from it


def _via_proxy(client_address: str, spoofed: str = "") -> dict[str, str]:
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def _open(receipt: str, pow: str = "", **meta: str):
    return Client(**meta).post("/followup/", {"code": receipt, "pow": pow})


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.POW_BASE_DIFFICULTY = 8


@pytest.mark.django_db
def test_a_guesser_behind_the_proxy_does_not_shut_out_a_valid_receipt(behind_proxy, submit):
    filed = submit()
    wrong = "1" * 20
    for n in range(15):
        _open(wrong, **_via_proxy("203.0.113.66", spoofed=f"192.0.2.{n}"))
    # The guesser rotated the leftmost entry; its real address is what the proxy appended.
    asked = _open(wrong, **_via_proxy("203.0.113.66", spoofed="192.0.2.200"))
    assert asked.status_code == 429 and "data-pow-challenge" in asked.content.decode()
    # Meanwhile a reporter on another connection opens their report at once.
    assert _open(filed.receipt, **_via_proxy("198.51.100.7")).status_code == 302


@pytest.mark.django_db
def test_a_guessing_storm_from_everywhere_costs_work_but_a_valid_receipt_still_opens(
    behind_proxy, settings, submit
):
    """Behind an onion service every client looks the same: the global budget applies."""
    settings.RECEIPT_FAILURES_GLOBAL = 5
    filed = submit()
    for n in range(8):
        _open("2" * 20, **_via_proxy(f"203.0.113.{n + 1}"))
    reporter = Client(**_via_proxy("198.51.100.7"))
    asked = reporter.post("/followup/", {"code": filed.receipt})
    assert asked.status_code == 429
    challenge = asked.context["pow_challenge"]
    proof = f"{challenge}~{solve(challenge)}"
    assert reporter.post("/followup/", {"code": filed.receipt, "pow": proof}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_overrun_the_budget(behind_proxy, settings, submit, monkeypatch):
    submit()
    settings.RECEIPT_ATTEMPTS_PER_CLIENT = 10
    evaluated = 0
    lock = threading.Lock()
    real_open = services.reporter_open

    def counting_open(*, code: str):
        nonlocal evaluated
        with lock:
            evaluated += 1
        return real_open(code=code)

    monkeypatch.setattr("tipoff.reports.followup_views.reporter_open", counting_open)

    def guess(n: int) -> int:
        try:
            return _open(f"{n:020d}", **_via_proxy("203.0.113.66")).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert evaluated == 10
    assert statuses.count(400) == 10 and statuses.count(429) == 30


@pytest.mark.django_db
def test_intake_behind_the_proxy_limits_one_client_not_the_city(behind_proxy, settings, body):
    from tests.reports.test_views_report import form

    settings.SUBMISSIONS_PER_CLIENT_PER_HOUR = 3
    busy = Client(**_via_proxy("203.0.113.66"))
    for n in range(3):
        assert busy.post("/report/banqueting/", form(body, submission=f"b{n}")).status_code == 200
    assert busy.post("/report/banqueting/", form(body, submission="b9")).status_code == 429
    for n in range(5):
        someone = Client(**_via_proxy(f"198.51.100.{n + 1}"))
        assert (
            someone.post("/report/banqueting/", form(body, submission=f"o{n}")).status_code == 200
        )
    assert Report.objects.count() == 8


@pytest.mark.django_db
def test_a_flood_from_everywhere_asks_for_work_but_never_closes_intake(
    behind_proxy, settings, body
):
    from tests.reports.test_views_report import form

    settings.SUBMISSIONS_GLOBAL_PER_HOUR = 4
    for n in range(4):
        flood = Client(**_via_proxy(f"203.0.113.{n + 1}"))
        assert flood.post("/report/banqueting/", form(body, submission=f"f{n}")).status_code == 200
    reporter = Client(**_via_proxy("198.51.100.7"))
    asked = reporter.post("/report/banqueting/", form(body, submission="r1"))
    assert asked.status_code == 429
    challenge = asked.context["pow_challenge"]
    proof = f"{challenge}~{solve(challenge)}"
    sent = reporter.post("/report/banqueting/", form(body, submission="r1", pow=proof))
    assert sent.status_code == 200
    assert Report.objects.count() == 5
