"""Transparency fixtures: cases at each stage (tests/cases) and a published notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.cases.conftest import make_case, people  # noqa: F401  (fixtures)
from tests.people.helpers import sign_in  # noqa: F401  (a fixture)
from tipoff.transparency import notices
from tipoff.transparency.models import Notice

SECRETS = {
    "what": "SECRET-WHAT the director's banquet at the Golden Tripod",
    "official_name": "SECRET-OFFICIAL Wang",
    "official_position": "SECRET-POSITION Director",
    "reporter_name": "SECRET-REPORTER Chen",
    "reporter_contact": "13912345678",
}


@pytest.fixture
def decided_case(make_case) -> Any:  # noqa: F811
    """A decided case (founded, one warning) whose report is full of secrets."""
    return make_case("decided", is_named=True, **SECRETS)


@pytest.fixture
def publish(people) -> Callable[..., Notice]:  # noqa: F811
    """``publish(case)``: the leader drafts and submits, the administrator approves."""

    def _publish(case: Any, **wording: Any) -> Notice:
        notice = notices.notice_draft(case=case, actor=people["leader"])
        if wording:
            notice = notices.notice_edit(
                notice=notice, actor=people["leader"], wording=notices.NoticeWording(**wording)
            )
        notices.notice_submit(notice=notice, actor=people["leader"])
        return notices.notice_approve(notice=notice, actor=people["admin"])

    return _publish
