"""/healthz and /readyz: answered first, without a host check, never cached."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages


def test_liveness_needs_no_database(client, settings):
    settings.ALLOWED_HOSTS = ["tipoff.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_checks_database_storage_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_readiness_fails_when_storage_is_unreachable(client, monkeypatch):
    def broken(name: str) -> bool:
        raise ConnectionError("object store down")

    monkeypatch.setattr(storages["evidence"], "exists", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_a_lost_database_answers_503_not_500(client, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection failed: the database system is starting up")

    from django.db import connection

    monkeypatch.setattr(connection, "is_usable", lambda: False)  # as when the server is gone
    monkeypatch.setattr("tipoff.reports.api._body_named", down)
    monkeypatch.setattr("tipoff.reports.views.body_default", down)
    answer = client.get("/api/v1/categories")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "try again" in answer.json()["detail"]
    page = client.get("/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
