"""The follow-up half of the JSON API: everything authenticated by the receipt in X-Receipt."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from PIL import Image

from tipoff.lib import receipts
from tipoff.limits.proof import solve
from tipoff.reports.models import Author, Evidence, Message, Report
from tipoff.reports.selectors import report_data_key, report_thread
from tipoff.reports.services import EvidenceFile, message_post

FOLLOWUP = "/api/v1/followup"
MESSAGES = "/api/v1/followup/messages"
EVIDENCE = "/api/v1/followup/evidence"


@pytest.fixture
def filed(submit, gps_jpeg):
    """A report with a photo and one message from the inspectors (with a file of their own)."""
    result = submit(answers={"people": "12"}, evidence=[EvidenceFile(data=gps_jpeg)])
    report = result.report
    message_post(
        report=report,
        data_key=_data_key(result.receipt),
        text="Please tell us the date of the banquet.",
        author=Author.STAFF,
        files=[EvidenceFile(data=_png())],
    )
    return result


def _data_key(receipt: str) -> bytes:
    from tipoff.reports.services import reporter_open

    access = reporter_open(code=receipt)
    assert access is not None
    return access.data_key


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 10)).save(out, "PNG")
    return out.getvalue()


def _headers(receipt: str | None, language: str = "en") -> dict[str, str]:
    headers = {"Accept-Language": language}
    if receipt is not None:
        headers["X-Receipt"] = receipt
    return headers


def _evidence_root() -> Path:
    storage = storages["evidence"]
    assert isinstance(storage, FileSystemStorage)
    return Path(storage.location)


def _written() -> tuple[int, int, int]:
    root = _evidence_root()
    files = sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0
    return Message.objects.count(), Evidence.objects.count(), files


def _upload(client, receipt: str, files: list[bytes], **fields: Any):
    parts: list[io.BytesIO] = []
    for n, content in enumerate(files):
        handle = io.BytesIO(content)
        handle.name = f"file{n}.jpg"
        parts.append(handle)
    return client.post(EVIDENCE, data={"evidence": parts, **fields}, headers=_headers(receipt))


@pytest.mark.django_db
def test_followup_shows_status_content_thread_and_files(client, filed):
    response = client.get(FOLLOWUP, headers=_headers(receipts.display(filed.receipt)))
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["status"]["code"] == "received"
    assert (
        data["status"]["explanation"]
        == "Your report has been received and is waiting to be reviewed."
    )
    assert data["category"] == {"code": "banqueting", "name": "Banqueting on public funds"}
    assert (
        data["received_on"] == str(filed.report.received_at.astimezone().date())
        or data["received_on"]
    )
    content = data["content"]
    assert content["what"].startswith("The director held a banquet")
    assert content["unit"] == "Municipal Transport Bureau" and content["official_name"] == "Wang Wu"
    assert content["answers"] == [
        {"key": "people", "label": "Number of people present", "value": "12"}
    ]
    assert content["named"] is False and "reporter_name" not in content
    [message] = data["messages"]
    assert message["author"] == "staff" and message["author_label"] == "Inspectors"
    assert message["text"] == "Please tell us the date of the banquet."
    photo, staff_file = data["evidence"]
    assert photo["added_by"] == "reporter" and photo["media_type"] == "image/jpeg"
    assert message["evidence"] == [staff_file["id"]]


@pytest.mark.django_db
def test_followup_speaks_chinese_by_default(client, filed):
    data = client.get(FOLLOWUP, headers={"X-Receipt": filed.receipt}).json()
    assert data["category"]["name"] == "违规公款吃喝"
    assert data["content"]["answers"][0]["label"] == "参加人数"


@pytest.mark.django_db
def test_reporter_replies_and_the_inspectors_can_read_it(client, filed, body):
    response = client.post(
        MESSAGES,
        data={"text": "  It was on 3 March, at the Lakeside Hotel.  "},
        content_type="application/json",
        headers=_headers(filed.receipt),
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    assert response.json()["text"] == "It was on 3 March, at the Lakeside Hotel."
    assert response.json()["author"] == "reporter"
    report = Report.objects.get()
    staff_key = report_data_key(report=report, body_private_key=body.private_key)
    assert [item.text for item in report_thread(report=report, data_key=staff_key)][-1] == (
        "It was on 3 March, at the Lakeside Hotel."
    )


@pytest.mark.django_db
def test_reporter_adds_evidence_stripped_of_exif(client, filed, gps_jpeg):
    response = _upload(client, filed.receipt, [gps_jpeg], text="Another photo of the receipt.")
    assert response.status_code == 201, response.content
    [new_id] = response.json()["evidence"]
    download = client.get(f"{EVIDENCE}/{new_id}", headers=_headers(filed.receipt))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg" and download["Cache-Control"] == "no-store"
    assert "attachment" in download["Content-Disposition"]
    assert (
        download["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in download["Content-Security-Policy"]
    )
    assert "no-store" in download["Cache-Control"]
    clean = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(clean)
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (640, 480) and not image.getexif()
    assert b"CanaryCam" not in clean


@pytest.mark.django_db
def test_files_of_another_report_are_not_found(client, filed, submit):
    other = submit(what="Someone else's report about official cars and private trips.")
    theirs = filed.report.evidence.first()
    response = client.get(f"{EVIDENCE}/{theirs.pk}", headers=_headers(other.receipt))
    assert response.status_code == 404
    assert response.json() == {"detail": "This report has no file with this number.", "errors": {}}
    mine = client.get(f"{EVIDENCE}/{theirs.pk}", headers=_headers(filed.receipt))
    assert mine.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"), [("0", 400), ("99999999", 404), ("1" * 30, 400), ("abc", 400)]
)
def test_odd_evidence_ids_are_4xx(client, filed, path, status):
    response = client.get(f"{EVIDENCE}/{path}", headers=_headers(filed.receipt))
    assert response.status_code == status
    assert set(response.json()) == {"detail", "errors"}


# --- receipts that do not open anything ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("receipt", "status", "detail"),
    [
        (None, 401, "This needs your receipt code in the X-Receipt header."),
        ("   ", 401, "This needs your receipt code in the X-Receipt header."),
        ("1234", 401, "A receipt code has 20 digits. Please check it and try again."),
        ("1" * 20, 404, "No report has this receipt code. Please check it and try again."),
    ],
)
@pytest.mark.parametrize(
    "request_args",
    [
        ("get", FOLLOWUP, {}),
        ("post", MESSAGES, {"data": {"text": "hello there"}, "content_type": "application/json"}),
        ("get", f"{EVIDENCE}/1", {}),
    ],
)
def test_missing_or_wrong_receipts(client, filed, receipt, status, detail, request_args):
    method, url, kwargs = request_args
    before = _written()
    response = getattr(client, method)(url, headers=_headers(receipt), **kwargs)
    assert response.status_code == status
    assert response.json() == {"detail": detail, "errors": {}}
    assert response["Cache-Control"] == "no-store"
    assert _written() == before


@pytest.mark.django_db
def test_wrong_receipt_messages_follow_the_language(client, filed):
    english = client.get(FOLLOWUP, headers=_headers("1" * 20, "en")).json()["detail"]
    chinese = client.get(FOLLOWUP, headers=_headers("1" * 20, "zh-hans")).json()["detail"]
    assert english != chinese


@pytest.mark.django_db
def test_past_the_client_budget_guessing_costs_a_proof_of_work(client, filed, settings):
    settings.RECEIPT_ATTEMPTS_PER_CLIENT = 3
    settings.POW_BASE_DIFFICULTY = 8
    for n in range(3):
        assert client.get(FOLLOWUP, headers=_headers(f"{n}" * 20)).status_code == 404
    asked = client.get(FOLLOWUP, headers=_headers(filed.receipt))
    assert asked.status_code == 429
    body = asked.json()
    assert body["detail"].startswith("Many attempts are being made")
    terms = body["proof_of_work"]
    assert terms["algorithm"] == "sha256-leading-zero-bits" and terms["difficulty"] >= 8
    proof = f"{terms['challenge']}~{solve(terms['challenge'])}"
    opened = client.get(FOLLOWUP, headers={**_headers(filed.receipt), "X-Proof-Of-Work": proof})
    assert opened.status_code == 200
    # Another client is not affected, and a reporter's own reads never count.
    for _ in range(5):
        assert (
            client.get(
                FOLLOWUP, headers=_headers(filed.receipt), REMOTE_ADDR="192.0.2.9"
            ).status_code
            == 200
        )


@pytest.mark.django_db
def test_each_receipt_is_limited_whoever_asks(client, filed, settings):
    settings.RECEIPT_ATTEMPTS_PER_RECEIPT = 2
    for n in range(2):
        assert (
            client.get(
                FOLLOWUP, headers=_headers(filed.receipt), REMOTE_ADDR=f"192.0.2.{n}"
            ).status_code
            == 200
        )
    assert (
        client.get(FOLLOWUP, headers=_headers(filed.receipt), REMOTE_ADDR="192.0.2.77").status_code
        == 429
    )


@pytest.mark.django_db
def test_replies_are_limited_per_report(client, filed, settings):
    settings.SUBMISSIONS_PER_CLIENT_PER_HOUR = 1
    send = {
        "data": {"text": "One more thing."},
        "content_type": "application/json",
        "headers": _headers(filed.receipt),
    }
    assert client.post(MESSAGES, **send).status_code == 201
    before = _written()
    response = client.post(MESSAGES, **send)
    assert response.status_code == 429
    assert _written() == before


# --- refusals write nothing ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 6000}, "text"),
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"txt": "a"}, "txt"),
    ],
)
def test_bad_messages_are_refused(client, filed, data, field):
    before = _written()
    response = client.post(
        MESSAGES, data=data, content_type="application/json", headers=_headers(filed.receipt)
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _written() == before


@pytest.mark.django_db
def test_a_bad_file_among_good_ones_adds_nothing(client, filed, gps_jpeg):
    before = _written()
    response = _upload(client, filed.receipt, [gps_jpeg, b"<html>not a picture</html>"])
    assert response.status_code == 400
    assert response.json()["errors"]["evidence"][0].startswith("File 2:")
    assert _written() == before


@pytest.mark.django_db
def test_an_upload_without_files_is_refused(client, filed):
    before = _written()
    response = client.post(EVIDENCE, data={"text": "no files"}, headers=_headers(filed.receipt))
    assert response.status_code == 400
    assert response.json()["errors"] == {"evidence": ["This field is required."]}
    assert _written() == before


@pytest.mark.django_db
def test_upload_endpoint_wants_multipart(client, filed):
    response = client.post(
        EVIDENCE,
        data={"text": "x"},
        content_type="application/json",
        headers=_headers(filed.receipt),
    )
    assert response.status_code == 415
    assert settings.RECEIPT_DIGITS == 20
