"""The team directory: opening hours on /teams/, the A4 list and the QR poster."""

from __future__ import annotations

import re
from html import escape

import pytest
import segno
from django.conf import settings

from tipoff.people.models import Team

pytestmark = pytest.mark.django_db


def _qr_matrix(svg: str) -> list[list[bool]]:
    """The dark modules of segno's inline SVG path (M/m moves, h runs), row by row."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                grid[int(y - 0.5)][int(x) + i] = True
            x += float(a)
    return grid


def test_teams_page_shows_opening_hours_in_each_language(client, body):
    team = Team.objects.filter(body=body.body).first()
    page = client.get("/teams/").content.decode()
    assert team.hours_zh in page and "办公时间" in page
    client.cookies["tipoff_lang"] = "en"
    page = client.get("/teams/").content.decode()
    assert team.hours_en in page and "Opening hours" in page
    assert 'href="/teams/print/"' in page and 'href="/teams/poster/"' in page


def test_the_a4_list_has_every_team_and_print_styles(client, body):
    client.cookies["tipoff_lang"] = "en"
    response = client.get("/teams/print/")
    assert response.status_code == 200
    page = response.content.decode()
    for team in Team.objects.filter(body=body.body):
        for value in (team.name_en, team.phone, team.email, team.address_en, team.hours_en):
            assert escape(value) in page
    assert "transparency/paper" in page and settings.SITE_URL + "/report/" in page
    css = (settings.BASE_DIR / "tipoff/transparency/static/transparency/paper.css").read_text()
    assert "@page { size: A4" in css and "@media print" in css


def test_the_poster_draws_a_qr_code_of_the_report_form_itself(client, body, settings):
    settings.SITE_URL = "https://jw.example.cn"
    response = client.get("/teams/poster/")
    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'class="qr"' in svg and "<title>" in svg  # named for screen readers
    expected = segno.make("https://jw.example.cn/report/", error="m")
    matrix = [[bool(v) for v in row] for row in expected.matrix]
    border = 2
    grid = _qr_matrix(svg)
    assert len(grid) == len(matrix) + 2 * border
    inner = [row[border:-border] for row in grid[border:-border]]
    assert inner == matrix
    assert "https://jw.example.cn/report/" in page
    assert "http" not in svg.replace("http://www.w3.org", "")  # nothing fetched from elsewhere
    for team in Team.objects.filter(body=body.body):
        assert team.phone in page and team.hours_zh in page


def test_paper_pages_refuse_posts(client, body):
    assert client.post("/teams/poster/").status_code in (403, 405)
