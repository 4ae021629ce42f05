"""The API documentation page at /api/docs/: Swagger UI from our own host, reading our
OpenAPI document, with no request to any other host (a real browser records them)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


def test_docs_page_names_the_schema_and_loads_only_our_files(client):
    response = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-schema="/api/v1/openapi.json"' in page
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "API 文档" in page
    assert "//" not in "".join(
        part.split('"')[0] for part in page.split('src="')[1:]
    )  # every script is from this host
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert client.head("/api/docs/").status_code == 200
    assert client.post("/api/docs/").status_code == 405


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_show_the_operations_with_no_request_elsewhere(tablet, live_server):
    requests: list[str] = []
    errors: list[str] = []
    tablet.on("request", lambda r: requests.append(r.url))
    tablet.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tablet.on("pageerror", lambda e: errors.append(str(e)))
    tablet.goto(live_server.url + "/api/docs/")
    tablet.locator(".opblock").first.wait_for()
    assert tablet.locator(".opblock").count() >= 4  # the API's operations, one block each
    assert tablet.get_by_text("tipoff API").first.is_visible()
    tablet.wait_for_load_state("networkidle")
    ours = urlsplit(live_server.url).netloc
    elsewhere = [u for u in requests if urlsplit(u).scheme != "data" and urlsplit(u).netloc != ours]
    assert elsewhere == []
    assert any(u.endswith("/api/v1/openapi.json") for u in requests)
    assert errors == []
