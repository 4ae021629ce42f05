"""The statistics page, its CSV links, the home page's headline figures and the API schema."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from tipoff.transparency.stats_demo import stats_demo_load

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """table id -> rows of data-value strings, as the page serves them (no JavaScript)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str | None]]] = {}
        self.current: str | None = None
        self.canvases = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = attrs.get("id")
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag == "td" and self.current and "data-value" in attrs:
            self.tables[self.current][-1].append(attrs["data-value"] or None)
        elif tag == "canvas":
            self.canvases += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None


@pytest.fixture
def loaded(body, staff):
    from tipoff.office.decisions import sanction_kinds_seed

    sanction_kinds_seed(body=body.body)
    stats_demo_load(
        body=body.body,
        leader=staff["leader"],
        inspector=staff["inspector"],
        months=6,
        per_month=30,
        now=timezone.make_aware(dt.datetime(2026, 6, 20, 12, 0)),
    )
    return body.body


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "统计数据"), ("en", "Statistics")])
def test_the_page_shows_every_table_in_both_languages_without_javascript(loaded, language, title):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/transparency/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    parser = Tables()
    parser.feed(html)
    assert parser.canvases == 0  # charts are drawn by the script, from the tables
    api = client.get("/api/v1/stats/demo?year=2026").json()
    for table in api["tables"]:
        rows = parser.tables[f"table-{table['name']}"]
        expected = [line["values"] for line in table["rows"]]
        if table["total"]:
            expected.append(table["total"]["values"])
        got = [[None if v is None else float(v) for v in row] for row in rows if row]
        assert got == expected, table["name"]
        assert f"/transparency/statistics/{table['name']}.csv?body=demo&amp;year=2026" in html


def test_withheld_counts_are_read_out_as_withheld(loaded):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/transparency/statistics/").content.decode()
    assert '<span aria-hidden="true">–</span><span class="visually-hidden">withheld</span>' in html


def test_the_home_page_shows_the_headline_figures(loaded):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    funnel = client.get("/api/v1/stats/demo?year=all").json()["funnel"]
    html = client.get("/").content.decode()
    assert "Our work in figures" in html
    for key in ("received", "concluded", "founded", "sanctioned"):
        assert f'<li data-figure="{key}"><strong>{funnel[key]}</strong>' in html
    assert funnel["received"] > 100 and funnel["sanctioned"] > 10


def test_a_body_without_reports_shows_empty_tables(body):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/transparency/statistics/").content.decode()
    assert "No reports in this period." in html
    assert "Our work in figures" not in client.get("/").content.decode()
    assert client.get("/api/v1/stats").json()[0]["years"] == []
    assert client.get("/api/v1/stats/demo").json()["funnel"]["received"] == 0
    assert client.get("/api/v1/stats/nobody").status_code == 404


def test_the_api_is_in_the_openapi_schema():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/stats" in schema["paths"]
    operation = schema["paths"]["/api/v1/stats/{body}"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"body", "year"}
    assert "StatsOut" in schema["components"]["schemas"]


@pytest.mark.parametrize(
    "path",
    [
        "/transparency/statistics/?year=%C2%B2%C2%B2%C2%B2%C2%B2",
        "/transparency/statistics/month.csv?year=%C2%B2%C2%B2%C2%B2%C2%B2",
        "/api/v1/stats/demo?year=%C2%B2%C2%B2%C2%B2%C2%B2",
        "/api/v1/stats/demo?year=99999999999999999999",
    ],
)
def test_a_year_in_other_digits_is_not_a_500(body, path):
    from django.test import Client

    assert Client().get(path).status_code in (200, 400, 404), path


def test_a_category_named_like_a_formula_is_text_in_the_csv(loaded):
    """Names come from administrators, but a spreadsheet must still not run them."""
    import csv
    import io

    from tipoff.people.models import Category

    category = Category.objects.filter(body=loaded).first()
    category.name_zh = category.name_en = '=HYPERLINK("http://evil.example","x")'
    category.save()
    response = Client().get("/transparency/statistics/category.csv?body=demo&year=2026")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    labels = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)
