"""Differencing attacks on the published statistics, through the API and the CSV files.

A small body's year of reports is loaded; the attacker collects every figure
the API publishes — each year, and every year together — and tries to work
out a withheld count by subtraction across periods, units, categories,
channels and months (``stats_audit``). Also: a period finer than a year is
refused, the threshold is the body's own, the CSV files say the same as the
API, and nothing about an official or a report's contents is ever published.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

import pytest
from django.test import Client
from django.utils import timezone

from tests.transparency.stats_audit import recoverable
from tipoff.cases.models import SanctionKind
from tipoff.transparency.models import SanctionCell, StatsSettings
from tipoff.transparency.stats import OUTCOMES, _counts
from tipoff.transparency.stats_demo import stats_demo_load

pytestmark = pytest.mark.django_db

ACCEPTED = ("handling", "unfounded", "founded")
CONCLUDED = ("unfounded", "founded")
DIMS = ("month", "category", "unit", "channel")


@pytest.fixture
def small_body(body, staff):
    from tipoff.office.decisions import sanction_kinds_seed

    sanction_kinds_seed(body=body.body)
    now = timezone.make_aware(dt.datetime(2026, 6, 20, 12, 0))
    stats_demo_load(
        body=body.body,
        leader=staff["leader"],
        inspector=staff["inspector"],
        months=14,
        per_month=6,
        seed=3,
        now=now,
    )
    return body.body


def _api(client: Client, year: str) -> dict:
    response = client.get(f"/api/v1/stats/demo?year={year}")
    assert response.status_code == 200, response.content
    return response.json()


def _forms_of(data: dict, years: list[int]) -> list[tuple[dict, float | None]]:
    """Every published figure as (linear form over per-year marginal unknowns, value)."""
    found: list[tuple[dict, float | None]] = []

    def cell(dim: str, key: str, outcome: str) -> dict:
        if dim == "month":
            return {(int(key[:4]), dim, key, outcome): 1}
        return {(y, dim, key, outcome): 1 for y in years}

    def col(outcomes: tuple[str, ...]) -> dict:
        # Column totals: through the channel table (the others equal it, structurally).
        return {("col", y, o): 1 for y in years for o in outcomes}

    for table in data["tables"]:
        name = table["name"]
        keys = [c["key"] for c in table["columns"]]
        if name in DIMS:
            for row in table["rows"]:
                for key, value in zip(keys, row["values"], strict=True):
                    if key == "total":
                        form: dict = {}
                        for o in OUTCOMES:
                            form.update(cell(name, row["key"], o))
                        found.append((form, value))
                    else:
                        found.append((cell(name, row["key"], key), value))
            for key, value in zip(keys, table["total"]["values"], strict=True):
                found.append((col(tuple(OUTCOMES) if key == "total" else (key,)), value))
        elif name == "funnel":
            stage = {
                "people": tuple(OUTCOMES),
                "received": tuple(OUTCOMES),
                "accepted": ACCEPTED,
                "concluded": CONCLUDED,
                "founded": ("founded",),
            }
            for row in table["rows"]:
                if row["key"] in stage:
                    found.append((col(stage[row["key"]]), row["values"][0]))
                else:
                    found.append(({("sanctions", y): 1 for y in years}, row["values"][0]))
        elif name == "sanctions":
            for row in table["rows"]:
                found.append(({("kind", y, row["key"]): 1 for y in years}, row["values"][0]))
            found.append(({("sanctions", y): 1 for y in years}, table["total"]["values"][0]))
    return found


def _structure(truth_keys: dict[int, dict[str, set[str]]], kinds: dict[int, set[str]]) -> list:
    """What the attacker knows without any figure: how the tables add up (forms equal to 0)."""
    forms = []
    for year, dims in truth_keys.items():
        for dim in DIMS:
            for o in OUTCOMES:
                form = {(year, dim, k, o): 1 for k in dims[dim]}
                form[("col", year, o)] = -1
                forms.append(form)
        form = {("kind", year, k): 1 for k in kinds.get(year, set())}
        form[("sanctions", year)] = -1
        forms.append(form)
    return forms


def test_no_withheld_count_can_be_recovered_across_years_tables_and_files(small_body):
    client = Client()
    years = client.get("/api/v1/stats").json()[0]["years"]
    assert years == [2026, 2025]
    threshold = 5
    codes = {k.pk: k.code for k in SanctionKind.objects.filter(body=small_body)}

    # The truth, per year: every marginal count, withheld or not.
    truth: dict = {}
    keys: dict[int, dict[str, set[str]]] = {}
    kinds: dict[int, set[str]] = defaultdict(set)
    for year in years:
        counts = _counts(small_body, year)
        keys[year] = {dim: {k for (k, _o) in counts.get(dim, {})} for dim in DIMS}
        for dim in DIMS:
            for (key, outcome), n in counts.get(dim, {}).items():
                truth[(year, dim, key, outcome)] = n
        for outcome in OUTCOMES:
            truth[("col", year, outcome)] = sum(
                n for (k, o), n in counts["channel"].items() if o == outcome
            )
        for cell in SanctionCell.objects.filter(body=small_body, month__year=year):
            kinds[year].add(codes[cell.kind_id])
            truth[("kind", year, codes[cell.kind_id])] = (
                truth.get(("kind", year, codes[cell.kind_id]), 0) + cell.n
            )
        truth[("sanctions", year)] = sum(v for k, v in truth.items() if k[:2] == ("kind", year))

    published = []
    for year in years:
        published += _forms_of(_api(client, str(year)), [year])
    published += _forms_of(_api(client, "all"), years)

    def true_value(form: dict) -> int:
        return sum(truth.get(var, 0) * coef for var, coef in form.items())

    shown, small = _structure(keys, kinds), []
    withheld_count = 0
    for form, value in published:
        if value is None:
            withheld_count += 1
            if 0 < true_value(form) < threshold:
                small.append(form)
        else:
            assert value == true_value(form), form
            assert not 0 < value < threshold, (form, value)
            shown.append(form)
    assert small, "the data set must have small counts, or the test proves nothing"
    assert withheld_count > len(small)  # complements were withheld too
    assert recoverable(shown, small) == []


def test_the_csv_files_say_what_the_api_says(small_body):
    client = Client()
    data = _api(client, "2026")
    for table in data["tables"]:
        response = client.get(f"/transparency/statistics/{table['name']}.csv?body=demo&year=2026")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["key", "label", *(c["key"] for c in table["columns"])]
        lines = table["rows"] + ([table["total"]] if table["total"] else [])
        assert len(rows) - 1 == len(lines)
        for line, row in zip(lines, rows[1:], strict=True):
            assert row[0] == line["key"]
            assert [None if v == "" else float(v) for v in row[2:]] == line["values"]


@pytest.mark.parametrize(
    "year", ["2026-03", "202", "2026-01..2026-03", "2019", "-1", "all2", "0x7EA"]
)
def test_a_period_other_than_a_published_year_is_refused(small_body, year):
    client = Client()
    assert client.get(f"/api/v1/stats/demo?year={year}").status_code == 400
    assert client.get(f"/transparency/statistics/?year={year}").status_code == 400
    assert client.get(f"/transparency/statistics/month.csv?year={year}").status_code == 400


def test_finer_filters_are_not_offered(small_body):
    """Extra parameters (a month, a unit, a range) change nothing: only body and year filter."""
    client = Client()
    plain = _api(client, "2026")
    for extra in ("&month=2026-03", "&unit=1", "&from=2026-01-01&to=2026-01-31", "&category=1"):
        again = client.get(f"/api/v1/stats/demo?year=2026{extra}").json()
        assert again["tables"] == plain["tables"]


def test_the_threshold_is_the_bodys_own(small_body):
    StatsSettings.objects.create(body=small_body, threshold=12)
    data = _api(Client(), "2026")
    assert data["threshold"] == 12
    for table in data["tables"]:
        if table["name"] == "timing":
            continue
        for line in table["rows"] + ([table["total"]] if table["total"] else []):
            for value in line["values"]:
                assert value is None or value == 0 or value >= 12


def test_nothing_about_an_official_or_a_report_is_published(small_body):
    client = Client()
    text = client.get("/api/v1/stats/demo?year=all").content.decode()
    text += client.get("/transparency/statistics/?year=all").content.decode()
    for secret in ("张某", "李某", "科长", "经核查", "演示数据", "不属于本机关"):
        assert secret not in text
