"""Production static files: hashed names cached for a year, compressed copies, a cacheable /jsi18n/.

Runs the production settings in a subprocess (collectstatic into a temporary
folder with WhiteNoise's compressed manifest storage). nginx serves the same
files the same way (tests/production/test_scaleout.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "tipoff.settings"
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", "--noinput", "-v", "0")
call_command("createcachetable")
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation
client = Client()
hashed = staticfiles_storage.url("tipoff/css/site.css")
plain = client.get(hashed, HTTP_ACCEPT_ENCODING="identity")
gz = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip")
with translation.override("en"):
    catalogue = reverse("javascript-catalog")
js = client.get(catalogue, HTTP_HOST="tipoff.example.org", secure=True)
print(json.dumps({
    "hashed": hashed,
    "cache": plain.headers.get("Cache-Control"),
    "gzip": gz.headers.get("Content-Encoding"),
    "catalogue": catalogue,
    "catalogue_status": js.status_code,
    "catalogue_cache": js.headers.get("Cache-Control"),
    "catalogue_language": js.headers.get("Content-Language"),
}))
"""


def test_hashed_static_files_and_the_catalogue_are_long_cached(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TIPOFF_", "DATABASE_URL"))},
        "TIPOFF_ENV": "production",
        "SECRET_KEY": "s" * 50,
        "CHANNELS_KEY": "c" * 40,
        "ATTENDANCE_KEY": "a" * 40,
        "ALLOWED_HOSTS": "tipoff.example.org,testserver",
        "TIPOFF_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_FORMAT": "plain",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert (
        seen["hashed"].startswith("/static/tipoff/css/site.")
        and seen["hashed"] != "/static/tipoff/css/site.css"
    )
    assert "max-age=315360000" in seen["cache"] and "immutable" in seen["cache"]
    assert seen["gzip"] == "gzip"
    assert seen["catalogue"].startswith("/en/jsi18n/")
    assert seen["catalogue_status"] == 200
    assert "max-age=31536000" in seen["catalogue_cache"] and "immutable" in seen["catalogue_cache"]
    assert seen["catalogue_language"] == "en"


def test_each_language_has_its_own_catalogue_address():
    with translation.override("zh-hans"):
        chinese = reverse("javascript-catalog")
    with translation.override("en"):
        english = reverse("javascript-catalog")
    assert chinese.startswith("/zh-hans/jsi18n/") and english.startswith("/en/jsi18n/")
    assert chinese.split("/")[3] == english.split("/")[3], "one version for both"
