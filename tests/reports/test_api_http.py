"""The JSON API over real HTTP: a live server and an ordinary HTTP client, start to finish."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image

from tipoff.reports.models import Report


@pytest.mark.django_db(transaction=True)
def test_submit_with_evidence_then_follow_up_over_http(live_server, body, gps_jpeg):
    report = {
        "category": "official_cars",
        "what": "A city car with plate 浙A 12345 drove the director's family to the beach.",
        "answers": {"plate": "浙A 12345"},
        "occurred_on": "2025-05-01",
    }
    with httpx.Client(
        base_url=f"{live_server.url}/api/v1", headers={"Accept-Language": "en"}, timeout=30
    ) as http:
        categories = http.get("/categories").json()
        assert "official_cars" in [c["code"] for c in categories]

        created = http.post(
            "/reports/with-evidence",
            data={"report": json.dumps(report)},
            files=[("evidence", ("car.jpg", gps_jpeg, "image/jpeg"))],
        )
        assert created.status_code == 201, created.text
        assert created.headers["cache-control"] == "no-store"
        receipt = created.json()["receipt_display"]  # with spaces, as a person would copy it
        assert receipt.replace(" ", "") not in str(created.headers)
        assert not created.cookies

        receipt_header = {"X-Receipt": receipt}
        status = http.get("/followup", headers=receipt_header)
        assert status.status_code == 200
        assert status.json()["status"]["code"] == "received"
        [photo] = status.json()["evidence"]

        reply = http.post(
            "/followup/messages",
            json={"text": "The car is there again today."},
            headers=receipt_header,
        )
        assert reply.status_code == 201

        more = http.post(
            "/followup/evidence",
            data={"text": "Another photo."},
            files=[("evidence", ("again.jpg", gps_jpeg, "image/jpeg"))],
            headers=receipt_header,
        )
        assert more.status_code == 201, more.text

        thread = http.get("/followup", headers=receipt_header).json()["messages"]
        assert [m["text"] for m in thread] == ["The car is there again today.", "Another photo."]
        assert len(thread[1]["evidence"]) == 1

        download = http.get(f"/followup/evidence/{photo['id']}", headers=receipt_header)
        assert download.status_code == 200 and download.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(download.content)) as image:
            assert not image.getexif()

        wrong = http.get("/followup", headers={"X-Receipt": "0" * 20})
        assert wrong.status_code == 404 and wrong.json()["errors"] == {}
        broken = http.post(
            "/reports",
            content=b"{oops",
            headers={"Content-Type": "application/json", "Accept-Language": "zh-hans"},
        )
        assert broken.status_code == 400 and broken.json()["detail"] == "请求正文不是有效的 JSON。"
    assert Report.objects.get().channel == "api"
