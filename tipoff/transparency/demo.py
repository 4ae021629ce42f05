"""Transparency's part of the demo data (found by ``demo_load``)."""

from __future__ import annotations

from tipoff.people.models import Body, User
from tipoff.transparency.stats_demo import stats_demo_load


def load(body: Body, staff: dict[str, User]) -> None:
    stats_demo_load(body=body, leader=staff["demo-leader"], inspector=staff["demo-inspector"])
