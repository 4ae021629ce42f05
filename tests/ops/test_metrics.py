"""/metrics: Prometheus text, only with the token; routes as patterns, never paths."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_no_token_configured_means_no_metrics(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_token(client, settings, submit):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    client.get("/followup/")
    client.get("/teams/")
    submit()  # enqueues the notification task
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'tipoff_http_requests_total{method="GET",route="followup/"' in text
    assert "tipoff_http_request_duration_seconds_bucket" in text
    assert 'tipoff_task_queue{status="READY"}' in text
    assert "tipoff_tasks_enqueued_total" in text
    assert "tipoff_task_oldest_ready_seconds" in text
    assert 'tipoff_scheduler_job_late_seconds{job="cases.deadline_reminders"}' in text


@pytest.mark.django_db
def test_a_route_label_never_carries_an_identifier(client, settings):
    settings.METRICS_TOKEN = "t" * 20
    client.get("/office/cases/987654/")
    client.get("/no/such/page/123456/")
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "t" * 20).content.decode()
    assert "987654" not in text and "123456" not in text
    assert 'route="unmatched"' in text
