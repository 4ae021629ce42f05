"""On a phone: the statistics charts are drawn, and each draws exactly its table's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tipoff.transparency.stats_demo import stats_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each chart's data, and its table's data-value cells, as the page has them.
READ_CHARTS = """
() => Array.from(document.querySelectorAll('[data-chart-for]')).map(holder => {
  const table = document.getElementById(holder.dataset.chartFor);
  const chart = Chart.getChart(holder.querySelector('canvas'));
  const headers = Array.from(table.querySelectorAll('thead tr > *'));
  const series = Array.from(table.querySelectorAll('thead th[data-series]'));
  const rows = Array.from(table.querySelectorAll('tbody tr'));
  return {
    table: table.id,
    drawn: holder.dataset.drawn === 'true' && !holder.hidden,
    label: holder.querySelector('canvas').getAttribute('aria-label'),
    chartLabels: chart.data.labels,
    chartData: chart.data.datasets.map(d => d.data),
    chartSeries: chart.data.datasets.map(d => d.label),
    tableLabels: rows.map(r => r.querySelector('th').textContent.trim()),
    tableSeries: series.map(th => th.textContent.trim()),
    tableData: series.map(th => rows.map(r => {
      const v = r.children[headers.indexOf(th)].dataset.value;
      return v === '' ? null : Number(v);
    })),
    height: holder.getBoundingClientRect().height,
  };
})
"""


@pytest.fixture
def console_errors(phone):
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_charts_render_and_match_their_tables(phone, live_server, body, staff, console_errors):
    from tipoff.office.decisions import sanction_kinds_seed

    sanction_kinds_seed(body=body.body)
    stats_demo_load(
        body=body.body,
        leader=staff["leader"],
        inspector=staff["inspector"],
        months=8,
        per_month=30,
        now=timezone.now() - dt.timedelta(days=1),
    )
    page = phone
    page.goto(live_server.url + "/transparency/statistics/?year=all")
    page.get_by_role("heading", name="统计数据", level=1).wait_for()
    page.wait_for_function(
        "document.querySelectorAll('[data-drawn=\"true\"]').length === "
        "document.querySelectorAll('[data-chart-for]').length"
    )
    charts = page.evaluate(READ_CHARTS)
    assert {c["table"] for c in charts} == {
        "table-funnel",
        "table-month",
        "table-category",
        "table-unit",
        "table-channel",
        "table-sanctions",
    }
    for chart in charts:
        assert chart["drawn"] and chart["height"] > 100, chart["table"]
        assert chart["chartLabels"] == chart["tableLabels"], chart["table"]
        assert chart["chartSeries"] == chart["tableSeries"], chart["table"]
        assert chart["chartData"] == chart["tableData"], chart["table"]
        assert "相同数据见下表" in chart["label"]  # a screen reader is sent to the table
    funnel = next(c for c in charts if c["table"] == "table-funnel")
    assert funnel["chartData"][0][1] > 100  # reports received: a meaningful figure

    # The table view is named for a screen reader (its caption) and its withheld cells say so.
    assert page.get_by_role("table", name="从举报到结果").count() == 1
    assert page.locator("td .visually-hidden", has_text="不予公布").count() > 0
    assert console_errors == []  # no CSP violation, no script error

    # The year filter works from the form.
    page.get_by_label("期间").select_option(str(timezone.localdate().year))
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(f"**year={timezone.localdate().year}**")
    page.wait_for_function(
        "document.querySelectorAll('[data-drawn=\"true\"]').length === "
        "document.querySelectorAll('[data-chart-for]').length"
    )
    for chart in page.evaluate(READ_CHARTS):
        assert chart["chartData"] == chart["tableData"], chart["table"]


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_the_statistics_page_and_the_headline_pass_the_accessibility_audit(
    browser, live_server, body, staff, locale
):
    from tests.a11y.test_axe import assert_accessible
    from tipoff.office.decisions import sanction_kinds_seed

    sanction_kinds_seed(body=body.body)
    stats_demo_load(
        body=body.body,
        leader=staff["leader"],
        inspector=staff["inspector"],
        months=4,
        per_month=20,
        now=timezone.now() - dt.timedelta(days=1),
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale=locale
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/transparency/statistics/?year=all")
        page.wait_for_function(
            "document.querySelectorAll('[data-drawn=\"true\"]').length === "
            "document.querySelectorAll('[data-chart-for]').length"
        )
        assert_accessible(page, "statistics")
        page.goto(live_server.url + "/")
        page.locator("[data-figure='received']").wait_for()
        assert_accessible(page, "home with headline figures")
    finally:
        context.close()
