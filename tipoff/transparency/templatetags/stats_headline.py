"""``{% stats_headline body %}``: the headline figures on the home page.

A template tag rather than a view context, so the home page (in ``reports``,
a lower layer) shows them without importing this app.
"""

from __future__ import annotations

from typing import Any

from django import template

from tipoff.people.models import Body
from tipoff.transparency.stats import stats_published
from tipoff.transparency.stats_present import funnel_labels

register = template.Library()

SHOWN = ("received", "concluded", "founded", "sanctioned")


@register.inclusion_tag("transparency/_headline.html")
def stats_headline(body: Body) -> dict[str, Any]:
    pub = stats_published(body=body, year=None)
    labels = funnel_labels()
    figures = [
        {"key": key, "label": labels[key], "value": pub.funnel[key]}
        for key in SHOWN
        if pub.funnel.get(key) is not None
    ]
    return {"figures": figures if pub.funnel.get("received") else [], "body": body}
