"""Fuzz the JSON API from its own OpenAPI document: whatever arrives, never a 5xx.

Schemathesis reads /api/v1/openapi.json and sends generated requests, valid
and invalid, straight into the WSGI application (in-process: same database,
same transaction as the test). Followed-up operations get a real receipt half
of the time, so the fuzzing reaches past the receipt check. Rate limits are
off so every example reaches the code behind them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tipoff.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

EXAMPLES_PER_OPERATION = 50
_turns = itertools.count()  # every other follow-up example carries the real receipt


@pytest.fixture
def _same_connection() -> Iterator[None]:
    """Keep the test's database connection (and transaction) across requests.

    The WSGI handler closes old connections at the start and end of every
    request; Django's test client switches that off the same way.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def receipt(_same_connection: None, submit, settings: Any) -> str:
    settings.RATE_LIMITS_ENABLED = False
    settings.RECEIPT_KDF_MEM_KIB = 8  # keep each example cheap; the derivation is tested elsewhere
    return submit().receipt


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_api_fail(case: schemathesis.Case, receipt: str) -> None:
    headers = {}
    if case.operation.path.startswith("/api/v1/followup") and next(_turns) % 2:
        headers["X-Receipt"] = receipt
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
