"""The installable app: manifest, service worker, offline page and icons."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from PIL import Image


def _shell(script: str) -> list[str]:
    match = re.search(r"const SHELL = (\[.*?\]);", script)
    assert match, "the worker names its shell"
    return json.loads(match.group(1))


def test_manifest_in_both_languages(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (
        data["name"] == "违纪违法举报"
        and data["short_name"] == "举报"
        and data["lang"] == "zh-Hans"
    )
    assert data["display"] == "standalone" and data["start_url"] == "/" and data["scope"] == "/"
    assert data["theme_color"].startswith("#") and data["background_color"].startswith("#")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in data["icons"])
    english = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)
    assert english["name"] == "Report misconduct" and english["short_name"] == "Report"
    assert english["lang"] == "en"


def test_manifest_icons_are_real_pngs_of_the_right_size(client, db):
    data = json.loads(client.get("/manifest.webmanifest").content)
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_pages_link_the_manifest_and_register_the_worker_from_a_file(client, db):
    page = client.get("/offline/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color"' in page
    assert re.search(r'<script src="/static/tipoff/js/site.js" defer></script>', page)
    script = Path(str(finders.find("tipoff/js/site.js"))).read_text(encoding="utf-8")
    assert 'register("/sw.js", { scope: "/" })' in script


def test_service_worker_is_served_from_the_root(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    shell = _shell(script)
    assert "/static/tipoff/css/site.css" in shell and "/offline/" in shell
    assert "/static/tipoff/js/site.js" in shell
    for url in shell:
        assert not url.startswith(("/followup", "/report")), url
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', script)
    # Only GET requests are handled; pages are never put in the cache.
    assert 'if (request.method !== "GET")' in script
    assert "cache.put(request" in script and "url.pathname.startsWith(STATIC_PREFIX)" in script


def test_service_worker_shell_files_all_exist(client, db):
    script = client.get("/sw.js").content.decode()
    shell = _shell(script)
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_service_worker_version_follows_the_shell_files(client, db, settings):
    first = client.get("/sw.js").content
    settings.STATIC_URL = "/assets/"
    second = client.get("/sw.js").content
    assert first != second


def test_offline_page_in_both_languages(client, db):
    page = client.get("/offline/")
    assert page.status_code == 200
    assert "您目前处于离线状态" in page.content.decode()
    english = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are offline" in english and "kept on this device" in english
