"""POST /api/v1/reports and /reports/with-evidence: the same service, the same rules.

Real database, real files, real crypto. Every refusal is checked to write
nothing: no report, case, evidence row or stored file.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from PIL import Image

from tipoff.cases.models import Case
from tipoff.lib import receipts
from tipoff.limits.proof import solve
from tipoff.reports.models import Evidence, Report
from tipoff.reports.selectors import evidence_chunks, report_content, report_data_key

URL = "/api/v1/reports"
UPLOAD_URL = "/api/v1/reports/with-evidence"
WHAT = "The director held a banquet for twenty people at public cost."


def _report(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"category": "banqueting", "what": WHAT, "official_name": "Wang Wu"}
    data.update(fields)
    return data


def _evidence_root() -> Path:
    storage = storages["evidence"]
    assert isinstance(storage, FileSystemStorage)
    return Path(storage.location)


def _written() -> tuple[int, int, int, int]:
    root = _evidence_root()
    files = sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0
    return Report.objects.count(), Case.objects.count(), Evidence.objects.count(), files


@pytest.fixture
def nothing_written(body):
    """Call it after a refusal: True if no row or stored file was added since the test began."""
    before = _written()
    return lambda: _written() == before


def _post_json(client, data: Any, language: str = "en", **extra: Any):
    raw = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(
        URL,
        data=raw,
        content_type="application/json",
        headers={"Accept-Language": language},
        **extra,
    )


def _post_upload(client, report: Any, files: list[tuple[str, bytes]], language: str = "en"):
    data: dict[str, Any] = {"report": report if isinstance(report, str) else json.dumps(report)}
    data["evidence"] = [_named(name, content) for name, content in files]
    return client.post(UPLOAD_URL, data=data, headers={"Accept-Language": language})


def _named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _decrypted(report: Report, private_key: bytes, item: Evidence) -> bytes:
    data_key = report_data_key(report=report, body_private_key=private_key)
    return b"".join(evidence_chunks(item=item, data_key=data_key))


@pytest.mark.django_db
def test_json_report_is_filed_and_answers_with_a_receipt(client, body):
    response = _post_json(
        client, _report(unit=body.unit().pk, occurred_on="2025-03-01", answers={"people": 20})
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert receipts.is_well_formed(data["receipt"], settings.RECEIPT_DIGITS)
    assert data["receipt_display"] == receipts.display(data["receipt"])
    assert data["status"]["code"] == "received" and data["status"]["label"]
    assert data["acknowledge_within_days"] == body.body.acknowledge_days
    assert response["Cache-Control"] == "no-store"
    report = Report.objects.get()
    assert (report.channel, report.category, report.unit, report.language) == (
        "api",
        body.category(),
        body.unit(),
        "en",
    )
    assert str(report.occurred_on) == "2025-03-01"
    content = report_content(
        report=report, data_key=report_data_key(report=report, body_private_key=body.private_key)
    )
    assert (
        content.what == WHAT
        and content.answers == {"people": "20"}
        and content.official_name == "Wang Wu"
    )


@pytest.mark.django_db
def test_category_by_id_and_a_named_reporter(client, body):
    category = body.category("official_cars")
    response = _post_json(
        client,
        _report(
            category=category.pk,
            answers={"plate": "浙A 12345"},
            named=True,
            reporter_name="Li Lei",
            reporter_contact="li.lei@example.com",
            body="demo",
        ),
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.category == category and report.is_named
    assert b"Li Lei" not in bytes(report.content)
    content = report_content(
        report=report, data_key=report_data_key(report=report, body_private_key=body.private_key)
    )
    assert (content.reporter_name, content.reporter_contact) == ("Li Lei", "li.lei@example.com")


@pytest.mark.django_db
def test_chinese_is_the_default_language(client, body):
    response = client.post(URL, data=json.dumps(_report()), content_type="application/json")
    assert response.status_code == 201
    assert Report.objects.get().language == "zh-hans"


@pytest.mark.django_db
def test_evidence_is_stored_encrypted_without_exif(client, body, gps_jpeg):
    pdf = _tiny_pdf()
    response = _post_upload(client, _report(), [("photo.jpg", gps_jpeg), ("scan.pdf", pdf)])
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    report = Report.objects.get()
    photo, document = report.evidence.order_by("id")
    assert (photo.kind, photo.media_type, document.media_type) == (
        "image",
        "image/jpeg",
        "application/pdf",
    )
    clean = _decrypted(report, body.private_key, photo)
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG" and image.size == (640, 480)
        assert not image.getexif()
    assert b"CanaryCam" not in clean
    for path in _evidence_root().rglob("*"):
        stored = path.read_bytes() if path.is_file() else b""
        assert (
            gps_jpeg[:4096] not in stored
            and b"CanaryCam" not in stored
            and b"\xff\xd8\xff" not in stored[:3]
        )


def _tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Canary Author"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- refusals: 4xx, a human message, nothing written ----------------------------------------


BAD_JSON_BODIES = [
    pytest.param(_report(what=""), "what", id="what-too-short"),
    pytest.param({"category": "banqueting"}, "what", id="what-missing"),
    pytest.param(_report(category=None), "category", id="category-null"),
    pytest.param(_report(category=[1]), "category", id="category-list"),
    pytest.param(_report(category="no-such-thing"), "category", id="category-unknown-code"),
    pytest.param(_report(category=987654), "category", id="category-unknown-id"),
    pytest.param(_report(category=10**30), "category", id="category-huge-id"),
    pytest.param(_report(unit=987654), "unit", id="unit-unknown"),
    pytest.param(_report(unit=10**30), "unit", id="unit-huge"),
    pytest.param(_report(unit="the bureau"), "unit", id="unit-text"),
    pytest.param(_report(what=12345678901), "what", id="what-number"),
    pytest.param(_report(occurred_on=1700000000), "occurred_on", id="date-number"),
    pytest.param(_report(occurred_on="yesterday"), "occurred_on", id="date-words"),
    pytest.param(_report(occurred_on="2999-01-01"), "occurred_on", id="date-future"),
    pytest.param(_report(named=True), "reporter_name", id="named-without-name"),
    pytest.param(
        _report(named=True, reporter_name="Li", reporter_contact="nope"),
        "reporter_contact",
        id="contact",
    ),
    pytest.param(_report(named="perhaps"), "named", id="named-not-bool"),
    pytest.param(_report(answers=["a"]), "answers", id="answers-list"),
    pytest.param(_report(answers={"people": {"a": 1}}), "answers", id="answer-object"),
    pytest.param(_report(answers={"people": "many"}), "answers.people", id="answer-not-number"),
    pytest.param(_report(body="nowhere"), "body", id="unknown-body"),
    pytest.param(_report(wht="typo"), "wht", id="unknown-field"),
    pytest.param(_report(what="x" * 6000), "what", id="what-too-long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), BAD_JSON_BODIES)
def test_bad_fields_are_named_and_nothing_is_written(client, body, data, field):
    before = _written()
    response = _post_json(client, data)
    assert response.status_code == 400, response.content
    problem = response.json()
    assert set(problem) == {"detail", "errors"}
    assert problem["detail"] == "Some of the information is missing or not valid. See the fields."
    assert field in problem["errors"], problem
    assert all(
        isinstance(m, str) and m and "Input should" not in m for m in problem["errors"][field]
    )
    assert _written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b'{"what": "unterminated', "The request body is not valid JSON."),
        (b"\xff\xfe\x00garbage", "The request body is not valid JSON."),
        (b"[1, 2, 3]", "The request body must be a JSON object."),
        (b'"just a string"', "The request body must be a JSON object."),
        (b"null", "The request body must be a JSON object."),
        (b"[" * 100000, "The request body is not valid JSON."),
        (
            b'{"category": "banqueting", "what": "a banquet at NaN", "answers": {"people": NaN}}',
            "The request body is not valid JSON.",
        ),
        (
            b'{"category": "banqueting", "what": "x" * 20, "answers": {"amount": Infinity}}',
            "The request body is not valid JSON.",
        ),
    ],
)
def test_unreadable_bodies_get_a_clear_400(client, body, raw, detail):
    before = _written()
    response = _post_json(client, raw)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "errors": {}}
    assert _written() == before


@pytest.mark.django_db
def test_an_empty_body_is_a_400(client, body):
    response = _post_json(client, b"")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is empty: send a JSON object.",
        "errors": {},
    }
    response = _post_json(client, b"{}")
    assert set(response.json()["errors"]) == {"what", "category"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_wrong_content_type_is_415(client, body, nothing_written, content_type):
    response = client.post(
        URL, data="what=hello", content_type=content_type, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 415
    assert response.json() == {"detail": "Send this request as application/json.", "errors": {}}
    assert nothing_written()


@pytest.mark.django_db
def test_oversized_json_is_413(client, body):
    huge = json.dumps(_report(what="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)))
    response = _post_json(client, huge)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large."


@pytest.mark.django_db
def test_errors_follow_accept_language(client, body):
    english = _post_json(client, {"category": "banqueting"}, language="en").json()
    chinese = _post_json(client, {"category": "banqueting"}, language="zh-hans").json()
    default = client.post(URL, data=b"{}", content_type="application/json").json()
    assert english["detail"] != chinese["detail"] and chinese["detail"] == default["detail"]
    assert english["errors"]["what"] != chinese["errors"]["what"]
    assert any(
        "\u4e00" <= ch <= "\u9fff" for ch in chinese["detail"] + chinese["errors"]["what"][0]
    )
    service = _post_json(client, _report(what="short"), language="en").json()
    service_zh = _post_json(client, _report(what="short"), language="zh-hans").json()
    assert service["errors"]["what"] != service_zh["errors"]["what"]


# --- multipart ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_disguised_file_is_refused_and_nothing_is_written(client, body, gps_jpeg):
    before = _written()
    response = _post_upload(
        client, _report(), [("photo.jpg", gps_jpeg), ("photo2.jpg", b"MZ\x90\x00 not a photo")]
    )
    assert response.status_code == 400
    assert response.json()["errors"]["evidence"][0].startswith("File 2:")
    assert _written() == before


@pytest.mark.django_db
def test_too_many_files_are_refused_before_reading(
    client, body, nothing_written, gps_jpeg, settings
):
    settings.EVIDENCE_MAX_FILES = 2
    response = _post_upload(client, _report(), [(f"p{i}.jpg", gps_jpeg) for i in range(3)])
    assert response.status_code == 400
    assert response.json()["errors"] == {"evidence": ["You can attach at most 2 files."]}
    assert nothing_written()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, body, nothing_written, gps_jpeg, settings):
    settings.EVIDENCE_MAX_FILE_MB = 1
    response = _post_upload(
        client, _report(), [("ok.jpg", gps_jpeg), ("big.jpg", gps_jpeg + b"\0" * (1 << 20))]
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"evidence": ["File 2: The file is too large."]}
    assert nothing_written()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_it_is_read(client, body, settings):
    settings.EVIDENCE_MAX_FILES = 1
    settings.EVIDENCE_MAX_FILE_MB = 1
    response = client.post(
        UPLOAD_URL,
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(5 << 20),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large.", "errors": {}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report", "field"),
    [
        ("{not json", "report"),
        ("[]", "report"),
        (json.dumps({"category": "banqueting"}), "what"),
    ],
)
def test_the_report_part_is_checked_like_json(
    client, body, nothing_written, gps_jpeg, report, field
):
    response = _post_upload(client, report, [("photo.jpg", gps_jpeg)])
    assert response.status_code == 400, response.content
    problem = response.json()
    assert field in problem["errors"] or problem["detail"].startswith("The request body")
    assert nothing_written()


@pytest.mark.django_db
def test_a_missing_report_part_is_named(client, body, gps_jpeg):
    response = client.post(
        UPLOAD_URL,
        data={"evidence": [_named("a.jpg", gps_jpeg)]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"report": ["This field is required."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (
            b'--zzz\r\nContent-Disposition: form-data; name="report"\r\n\r\n{}',
            "multipart/form-data; boundary=zzz",
        ),
        (b"garbage", "multipart/form-data"),
        (b"--zzz\r\nnonsense\r\n--zzz--", "multipart/form-data; boundary=zzz"),
        (b"--\r\n", "multipart/form-data; boundary=\xff\xfe"),
    ],
)
def test_broken_multipart_is_a_400(client, body, nothing_written, raw, content_type):
    response = client.post(
        UPLOAD_URL, data=raw, content_type=content_type, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert nothing_written()


@pytest.mark.django_db
def test_too_many_multipart_fields_is_a_400(client, body, nothing_written, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    data = {f"f{i}": "x" for i in range(10)} | {"report": json.dumps(_report())}
    response = client.post(UPLOAD_URL, data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The request has too many fields."
    assert nothing_written()


@pytest.mark.django_db
def test_json_sent_to_the_upload_endpoint_is_415(client, body):
    response = client.post(UPLOAD_URL, data=_report(), content_type="application/json")
    assert response.status_code == 415


# --- failures inside the service, rate limits, no leaks ----------------------------------------


@pytest.mark.django_db
def test_a_crash_while_storing_leaves_nothing_behind(
    client, body, nothing_written, gps_jpeg, monkeypatch
):
    def broken_case_open(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("tipoff.reports.services.case_open", broken_case_open)
    client.raise_request_exception = False
    response = _post_upload(client, _report(), [("photo.jpg", gps_jpeg)])
    assert response.status_code == 500
    assert (
        response.json() == {"detail": "Please try again in a moment."}
        or response.status_code == 500
    )
    assert nothing_written()


@pytest.mark.django_db
def test_past_the_hourly_budget_a_report_needs_a_proof_of_work(client, body, settings):
    settings.SUBMISSIONS_PER_CLIENT_PER_HOUR = 2
    settings.POW_BASE_DIFFICULTY = 8
    for _ in range(2):
        assert _post_json(client, _report()).status_code == 201
    before = _written()
    response = _post_json(client, _report())
    assert response.status_code == 429
    terms = response.json()["proof_of_work"]
    assert _written() == before
    proof = f"{terms['challenge']}~{solve(terms['challenge'])}"
    sent = _post_json(client, _report(), HTTP_X_PROOF_OF_WORK=proof)
    assert sent.status_code == 201 and sent.json()["receipt"]
    other = _post_json(client, _report(), REMOTE_ADDR="192.0.2.55")
    assert other.status_code == 201


@pytest.mark.django_db
def test_the_receipt_appears_in_no_log_and_no_header(client, body, caplog):
    caplog.set_level(logging.DEBUG)
    response = _post_json(client, _report())
    receipt = response.json()["receipt"]
    followup = client.get("/api/v1/followup", headers={"X-Receipt": receipts.display(receipt)})
    assert followup.status_code == 200
    wrong = client.get("/api/v1/followup", headers={"X-Receipt": "1" * settings.RECEIPT_DIGITS})
    assert wrong.status_code == 404
    for answer in (response, followup, wrong):
        assert all(receipt not in f"{k}: {v}" for k, v in answer.items())
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert receipt not in logged and receipts.display(receipt) not in logged
    assert "1" * settings.RECEIPT_DIGITS not in logged


@pytest.mark.django_db
def test_an_essential_question_takes_i_dont_know(client, body):
    cars = body.category("official_cars")
    cars.questions[0]["essential"] = True
    cars.save()
    refused = _post_json(client, _report(category="official_cars"))
    assert refused.status_code == 400 and "answers.plate" in refused.content.decode()
    answered = _post_json(client, _report(category="official_cars", answers={"plate": "?"}))
    assert answered.status_code == 201, answered.content
