"""The kiosk in Chromium with a fake camera: a video made from real photos
(a face looking at the camera, then turning to its left) plays as the webcam.

Chromium's fake capture loops the video; the test clicks "Check in" early in
the part where the face looks at the camera, reading the loop's position from
the video element, so the reference frames and the turn land where the kiosk
expects them (and retries a few times if the timing slips).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.attendance.helpers import TURNING, enrollment_photos, kiosk_frame, lfw_photo
from tipoff.attendance import liveness
from tipoff.attendance.devices import employee_set_pin, kiosk_pairing_code
from tipoff.attendance.models import Attempt, Event, Kiosk
from tipoff.attendance.services import consent_record, enrollment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FPS = 10
FACING_SECONDS, TURNED_SECONDS = 2.0, 1.0
LOOP = FACING_SECONDS + TURNED_SECONDS


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .y4m video: two seconds facing the camera, one second turned to the left."""
    tmp_path = tmp_path_factory.mktemp("camera")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        message = "ffmpeg not found: the kiosk browser test needs it (apt-get install ffmpeg)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    spec = TURNING["Spencer_Abraham"]
    facing = [kiosk_frame(lfw_photo("Spencer_Abraham", n), size=(640, 480)) for n in spec["facing"]]
    turned = kiosk_frame(lfw_photo("Spencer_Abraham", spec["turned"][0]), size=(640, 480))
    frames = [
        facing[i * len(facing) // int(FACING_SECONDS * FPS)]
        for i in range(int(FACING_SECONDS * FPS))
    ]
    frames += [turned] * int(TURNED_SECONDS * FPS)
    for index, frame in enumerate(frames):
        frame.save(tmp_path / f"{index:03d}.png")
    video = tmp_path / "kiosk.y4m"
    subprocess.run(
        [
            ffmpeg,
            "-loglevel",
            "error",
            "-y",
            "-framerate",
            str(FPS),
            "-i",
            str(tmp_path / "%03d.png"),
            "-pix_fmt",
            "yuv420p",
            str(video),
        ],
        check=True,
    )
    return video


@pytest.fixture(scope="module")
def camera_browser(browser: Any, fake_camera: Path) -> Iterator[Any]:
    """A second Chromium, launched through the shared Playwright instance, whose
    webcam plays ``fake_camera`` (the shared ``browser`` has no fake camera file)."""
    from tests.conftest import CHROMIUM

    instance = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera}",
        ],
    )
    yield instance
    instance.close()


@pytest.fixture
def camera_page(camera_browser: Any) -> Iterator[Any]:
    context = camera_browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _wait_for_loop_start(page: Any) -> None:
    """Block until the fake camera is a little into the facing-the-camera part."""
    page.wait_for_function("() => document.getElementById('camera').videoWidth > 0")
    page.wait_for_function(
        f"() => {{ const t = document.getElementById('camera').currentTime % {LOOP}; return t > 0.15 && t < 0.45; }}",
        polling=20,
    )


def test_checking_in_at_the_kiosk_with_a_camera(
    camera_page, live_server, site, make_employee, staff, monkeypatch
):
    page = camera_page
    employee = make_employee("Spencer Abraham")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment_create(
        employee=employee,
        photos=enrollment_photos("Spencer_Abraham"),
        actor=staff["admin"],
        via="upload",
    )
    kiosk = Kiosk.objects.create(site=site, name="Lobby")
    code = kiosk_pairing_code(kiosk=kiosk, actor=staff["admin"])
    monkeypatch.setattr(liveness, "random_challenge", lambda: liveness.TURN_LEFT)

    page.goto(live_server.url + "/attendance/kiosk/")
    page.get_by_label("Pairing code").fill(code)
    page.get_by_role("button", name="Pair").click()
    page.get_by_role("button", name="Check in").wait_for()

    message = ""
    for _attempt in range(5):
        _wait_for_loop_start(page)
        page.get_by_role("button", name="Check in").click()
        page.locator("#result:not([hidden])").wait_for()
        message = page.locator("#result-message").inner_text()
        if "Spencer Abraham" in message:
            break
        page.wait_for_function(
            "() => !document.querySelector('button[data-direction=in]').disabled"
        )
    assert "Spencer Abraham" in message, message
    assert "checked in" in message
    assert page.locator("#result-detail").inner_text()
    assert page.locator("#result").get_attribute("class") == "result recognised"
    event = Event.objects.get(employee=employee)
    assert event.method == "face" and event.kiosk == kiosk
    assert Attempt.objects.filter(outcome="recognised").count() == 1
    assert not page.errors, page.errors  # type: ignore[attr-defined]

    # The PIN fallback from the same page, flagged for review.

    employee_set_pin(employee=employee, pin="8642", actor=staff["admin"])
    page.get_by_role("button", name="Use my PIN").click()
    page.get_by_label("Staff number").fill(employee.number)
    page.get_by_label("PIN", exact=True).fill("8642")
    page.get_by_label("Check out").check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_function(
        "() => document.getElementById('result-message').textContent.includes('checked out')"
    )
    assert Event.objects.filter(
        employee=employee, method="pin", flagged=True, direction="out"
    ).exists()
