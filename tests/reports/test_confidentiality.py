"""The first promise: nothing a reporter sent can be read from a dump.

A report with a unique canary phrase, a named reporter and a JPEG carrying GPS
EXIF goes in through the public web form; then the raw database (the SQLite
image, or a pg_dump of PostgreSQL) and every file in storage are searched.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from PIL import Image

from tipoff.reports.models import Report
from tipoff.reports.selectors import evidence_chunks, report_data_key, report_initial_evidence


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return bytes(connection.connection.serialize())
    assert connection.vendor == "postgresql"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pg_dump is needed to scan the PostgreSQL database")
        pytest.skip("pg_dump not installed")
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    cmd = [
        pg_dump,
        "--no-owner",
        "--data-only",
        "-h",
        str(params.get("host") or "127.0.0.1"),
        "-p",
        str(params.get("port") or 5432),
        "-U",
        str(params.get("user") or "postgres"),
        connection.settings_dict["NAME"],
    ]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120).stdout


def _storage_bytes() -> list[bytes]:
    root = Path(settings.MEDIA_ROOT)
    return [p.read_bytes() for p in root.rglob("*") if p.is_file()]


def _variants(text: str) -> list[bytes]:
    """The ways a string could sit in a dump: UTF-8, JSON-escaped, hex (bytea)."""
    raw = text.encode()
    escaped = text.encode("unicode_escape")
    return [raw, escaped, raw.hex().encode(), escaped.hex().encode()]


@pytest.mark.django_db(transaction=True)
def test_canary_name_and_photo_appear_nowhere_in_database_or_storage(
    client, body, gps_jpeg, caplog
):
    canary = f"canary-{uuid.uuid4().hex}-金丝雀"
    reporter = f"Reporter Name {uuid.uuid4().hex[:8]}"
    caplog.set_level("DEBUG")
    response = client.post(
        f"/report/{body.category('banqueting').code}/",
        {
            "unit": body.unit().pk,
            "official_name": "王五",
            "official_position": "局长",
            "what": f"The director held a banquet. {canary}",
            "place": "Golden Dragon restaurant",
            "answer_venue": "Golden Dragon",
            "identity": "named",
            "reporter_name": reporter,
            "reporter_contact": "+86 138 0013 8000",
            "evidence": [io.BytesIO(gps_jpeg)],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200, response.content[:500]
    report = Report.objects.get()
    assert report.is_named

    haystacks = [_database_bytes(), *_storage_bytes()]
    assert len(haystacks) >= 2, "the evidence file is in storage"
    needles = _variants(canary) + _variants(reporter) + _variants("138 0013 8000")
    # The original photo: its EXIF block and a run of its compressed image data.
    scan_start = gps_jpeg.index(b"\xff\xda")
    needles += [b"CanaryCam", gps_jpeg[scan_start : scan_start + 256], gps_jpeg[-512:-2]]
    for hay in haystacks:
        for needle in needles:
            assert needle not in hay
    assert canary not in caplog.text and reporter not in caplog.text

    # The stored photo, decrypted with the body key, carries no metadata.
    data_key = report_data_key(report=report, body_private_key=body.private_key)
    (item,) = report_initial_evidence(report=report)
    clean = b"".join(evidence_chunks(item=item, data_key=data_key))
    image = Image.open(io.BytesIO(clean))
    assert not image.getexif()
    assert b"Exif" not in clean and b"CanaryCam" not in clean and b"GPS" not in clean
    assert Path(storages["evidence"].path(item.storage_name)).exists()


@pytest.mark.django_db(transaction=True)
def test_reporter_address_is_not_stored(client, body):
    marker_ip = "203.0.113.77"
    response = client.post(
        f"/report/{body.category('other').code}/",
        {
            "what": "Officials are absent from the office every Friday afternoon.",
            "identity": "anonymous",
        },
        REMOTE_ADDR=marker_ip,
        HTTP_USER_AGENT="CanaryAgent/1.0",
    )
    assert response.status_code == 200
    dump = _database_bytes()
    for needle in _variants(marker_ip) + _variants("CanaryAgent"):
        assert needle not in dump
    for blob in _storage_bytes():
        assert marker_ip.encode() not in blob


@pytest.mark.django_db(transaction=True)
def test_no_field_a_reporter_types_is_in_the_dump(client, body):
    """Issue 8.8: every free-text field, through the form, the API and a follow-up message."""
    from tipoff.people.models import District

    def canary(field: str) -> str:
        return f"{field}-{uuid.uuid4().hex[:12]}-村"

    typed = {
        name: canary(name)
        for name in [
            "unit_other",
            "official_name",
            "official_position",
            "when_detail",
            "place",
            "what",
            "answer_venue",
            "reporter_name",
        ]
    }
    district = District.objects.filter(body=body.body).first()
    form = {
        **typed,
        "what": f"The director held a banquet for twenty people. {typed['what']}",
        "district": str(district.pk),
        "identity": "named",
        "reporter_contact": "canary-contact@example.org",
    }
    response = client.post("/report/banqueting/", form)
    assert response.status_code == 200, response.content[:800]
    api_typed = {name: canary("api-" + name) for name in ["place", "official_name", "what"]}
    api = client.post(
        "/api/v1/reports",
        {
            "category": "official_cars",
            "what": f"A government car drove to a wedding. {api_typed['what']}",
            "place": api_typed["place"],
            "official_name": api_typed["official_name"],
            "district": district.name_zh,
            "answers": {"plate": canary("plate")},
        },
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    message = canary("message")
    followup = client.post(
        "/api/v1/followup/messages",
        {"text": message},
        content_type="application/json",
        headers={"X-Receipt": api.json()["receipt"]},
    )
    assert followup.status_code == 201, followup.content
    dump = _database_bytes()
    for value in [*typed.values(), *api_typed.values(), message, "canary-contact@example.org"]:
        for needle in _variants(value):
            assert needle not in dump, value


@pytest.mark.django_db
def test_a_district_typed_freely_is_refused_not_stored(client, body):
    response = client.post(
        "/report/banqueting/",
        {
            "what": "The director held a banquet for twenty people.",
            "district": "张家村 my home village",
            "identity": "anonymous",
        },
    )
    assert response.status_code == 400
    assert not Report.objects.exists()
    api = client.post(
        "/api/v1/reports",
        {
            "category": "banqueting",
            "what": "A banquet for twenty at public cost.",
            "district": "张家村",
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and "district" in api.json()["errors"]
    assert not Report.objects.exists()
