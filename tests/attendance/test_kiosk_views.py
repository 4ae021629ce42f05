"""The kiosk's pages and JSON endpoints over HTTP: pairing, the device cookie,
check-in with frames, PIN, enrollment with a code, and bad input of every kind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.attendance.helpers import enrollment_photos, rendered_frames
from tipoff.attendance import liveness
from tipoff.attendance.devices import employee_set_pin, kiosk_pairing_code
from tipoff.attendance.models import Challenge, Consent, Enrollment, Event, Kiosk
from tipoff.attendance.services import enrollment_code_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def paired(site, staff) -> tuple[Client, Kiosk]:
    kiosk = Kiosk.objects.create(site=site, name="Lobby")
    code = kiosk_pairing_code(kiosk=kiosk, actor=staff["admin"])
    client = Client(enforce_csrf_checks=False)
    response = client.post("/attendance/kiosk/pair/", {"code": code})
    assert response.status_code == 302
    cookie = response.cookies["tipoff_kiosk"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and len(cookie.value) > 40
    kiosk.refresh_from_db()
    assert kiosk.token_hash and kiosk.token_hash != cookie.value and not kiosk.pairing_code_hash
    return client, kiosk


def _files(frames: list[bytes], name: str = "frame") -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"{name}{i}.jpg", data, "image/jpeg") for i, data in enumerate(frames)
    ]


def test_pairing_codes_work_once_and_unpaired_devices_are_refused(site, staff):
    client = Client()
    page = client.get("/attendance/kiosk/")
    assert page.status_code == 200 and "Pair this kiosk" in page.content.decode()
    assert client.post("/attendance/kiosk/challenge/").status_code == 403
    assert client.post("/attendance/kiosk/pair/", {"code": "12345678"}).status_code == 400
    kiosk = Kiosk.objects.create(site=site, name="Lobby")
    code = kiosk_pairing_code(kiosk=kiosk, actor=staff["admin"])
    assert (
        client.post("/attendance/kiosk/pair/", {"code": f" {code[:4]} {code[4:]} "}).status_code
        == 302
    )
    again = Client()
    assert again.post("/attendance/kiosk/pair/", {"code": code}).status_code == 400
    assert "Check in" in client.get("/attendance/kiosk/").content.decode()
    # Pairing attempts are rate limited.
    for _ in range(12):
        response = again.post("/attendance/kiosk/pair/", {"code": "00000000"})
    assert response.status_code == 429


def test_check_in_over_http(paired, make_employee, staff, monkeypatch):
    client, kiosk = paired
    employee = make_employee("Spencer")
    from tipoff.attendance.services import consent_record, enrollment_create

    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment_create(
        employee=employee,
        photos=enrollment_photos("Spencer_Abraham"),
        actor=staff["admin"],
        via="upload",
    )
    monkeypatch.setattr(liveness, "random_challenge", lambda: "blink,turn_left")
    challenge = client.post("/attendance/kiosk/challenge/").json()
    assert challenge["ok"] and challenge["kind"] == "blink,turn_left"
    assert challenge["fps"] == liveness.FPS and challenge["frames"] == 25
    assert [s["step"] for s in challenge["steps"]] == ["blink", "turn_left"]
    assert "Blink" in challenge["steps"][0]["prompt"] and "left" in challenge["steps"][1]["prompt"]
    frames = rendered_frames("Spencer_Abraham", "0003", "blink,turn_left")  # not enrolled
    response = client.post(
        "/attendance/kiosk/check/",
        {"challenge": challenge["id"], "direction": "in", "frame": _files(frames)},
    )
    answer = response.json()
    assert response.status_code == 200 and answer["outcome"] == "recognised", answer
    assert "Spencer" in answer["message"] and answer["elapsed_ms"] > 0
    assert Event.objects.filter(employee=employee, kiosk=kiosk).count() == 1
    assert Challenge.objects.get(pk=challenge["id"]).used


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"challenge": "nope", "direction": "in"}, 400),
        ({"challenge": "00000000-0000-0000-0000-000000000000", "direction": "in"}, 400),
        ({"direction": "sideways"}, 400),
    ],
)
def test_bad_check_in_requests_get_a_clear_4xx(paired, data, status):
    client, _kiosk = paired
    if data.get("direction") == "sideways":
        data["challenge"] = client.post("/attendance/kiosk/challenge/").json()["id"]
    response = client.post("/attendance/kiosk/check/", {**data, "frame": _files([b"junk"])})
    assert response.status_code == status
    assert response.json()["error"]
    assert client.get("/attendance/kiosk/check/").status_code == 405


def test_the_wrong_number_of_frames_is_a_clear_400(paired):
    client, _kiosk = paired
    challenge = client.post("/attendance/kiosk/challenge/").json()
    frames = rendered_frames("Spencer_Abraham", "0005", challenge["kind"])[:-3]
    response = client.post(
        "/attendance/kiosk/check/",
        {"challenge": challenge["id"], "direction": "in", "frame": _files(frames)},
    )
    assert response.status_code == 400 and "no usable pictures" in response.json()["error"]


def test_too_large_an_upload_is_refused_without_a_500(paired):
    client, _kiosk = paired
    challenge = client.post("/attendance/kiosk/challenge/").json()["id"]
    big = [SimpleUploadedFile("big.jpg", b"\xff" * (7 * 1024 * 1024), "image/jpeg")] * 2
    response = client.post(
        "/attendance/kiosk/check/", {"challenge": challenge, "direction": "in", "frame": big}
    )
    assert response.status_code == 400


def test_pin_over_http(paired, make_employee, staff):
    client, _kiosk = paired
    employee = make_employee("Pin user")
    employee_set_pin(employee=employee, pin="13579", actor=staff["admin"])
    answer = client.post(
        "/attendance/kiosk/pin/", {"number": employee.number, "pin": "13579", "direction": "in"}
    ).json()
    assert answer["ok"] and answer["outcome"] == "pin" and "Pin user" in answer["message"]
    response = client.post(
        "/attendance/kiosk/pin/", {"number": employee.number, "pin": "1", "direction": "in"}
    )
    assert response.status_code == 400 and "wrong" in response.json()["error"]


def test_enrolling_at_the_kiosk_with_a_code(paired, make_employee, staff):
    client, _kiosk = paired
    employee = make_employee("New starter")
    code = enrollment_code_issue(employee=employee, actor=staff["admin"])
    assert client.post("/attendance/kiosk/enroll/start/", {"code": "99999999"}).status_code == 400
    start = client.post("/attendance/kiosk/enroll/start/", {"code": code}).json()
    assert start["name"] == "New starter" and len(start["consent"]) >= 3 and start["needed"] == 5
    photos = enrollment_photos("Jiang_Zemin")
    check = client.post(
        "/attendance/kiosk/enroll/photo/", {"photo": _files(photos[:1], "photo")}
    ).json()
    assert check["ok"]
    response = client.post(
        "/attendance/kiosk/enroll/finish/", {"code": code, "photo": _files(photos, "photo")}
    )
    assert response.status_code == 400 and "consent" in response.json()["error"]
    response = client.post(
        "/attendance/kiosk/enroll/finish/",
        {"code": code, "consent": "yes", "photo": _files(photos, "photo")},
    )
    assert response.status_code == 200, response.json()
    assert Enrollment.objects.get(employee=employee).photo_count == 5
    consent = Consent.objects.get(employee=employee)
    assert consent.how == "kiosk" and consent.recorded_by == staff["admin"]
    # The code worked once.
    again = client.post(
        "/attendance/kiosk/enroll/finish/",
        {"code": code, "consent": "yes", "photo": _files(photos, "photo")},
    )
    assert again.status_code == 400
