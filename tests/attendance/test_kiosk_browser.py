"""The kiosk in Chromium with a fake camera playing a video made with ffmpeg.

Two cameras: one plays a genuine sequence rendered from a real photo
(``tipoff.attendance.pad.genuine``: a second of the person looking at the
camera, then the blink and the head turn to the left of the challenge
"blink, turn left", then looking at the camera again); the other plays a
printed photo tilted about a diagonal with an eyes-shut copy swapped in for
the blink (``tipoff.attendance.pad.attacks``, "sheared"). The kiosk films at
10 frames a second like the video, so the test clicks "Check in" when the
loop is just before the sequence starts (reading the loop's position from the
video element) and retries a few times if the timing slips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.attendance.helpers import camera_photo, enrollment_photos
from tipoff.attendance import liveness
from tipoff.attendance.devices import employee_set_pin, kiosk_pairing_code
from tipoff.attendance.models import Attempt, Event, Kiosk
from tipoff.attendance.services import consent_record, enrollment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FPS = liveness.FPS
KIND = "blink,turn_left"
LEAD, TAIL = 10, 5  # frames looking at the camera before and after the sequence
LOOP = (LEAD + liveness.Plan.parse(KIND).frames + TAIL) / FPS


def _video(folder: Path, frames: list[np.ndarray]) -> Path:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        message = "ffmpeg not found: the kiosk browser test needs it (apt-get install ffmpeg)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    padded = [frames[0]] * LEAD + frames + [frames[-1]] * TAIL
    for index, frame in enumerate(padded):
        Image.fromarray(frame).resize((640, 480), Image.Resampling.BILINEAR).save(
            folder / f"{index:03d}.png"
        )
    video = folder / "camera.y4m"
    subprocess.run(
        [
            ffmpeg,
            "-loglevel",
            "error",
            "-y",
            "-framerate",
            str(FPS),
            "-i",
            str(folder / "%03d.png"),
            "-pix_fmt",
            "yuv420p",
            str(video),
        ],
        check=True,
    )
    return video


def _sequence(attack: str | None) -> list[np.ndarray]:
    from tipoff.attendance.engine.mesh import tracker
    from tipoff.attendance.pad import attacks, genuine

    photo = camera_photo("Spencer_Abraham", "0003")  # not an enrollment photo
    face, _crowded = tracker().first(photo)
    assert face is not None
    rng = np.random.default_rng(1)
    if attack is None:
        return genuine.sequence(photo, face, KIND, rng)
    return attacks.sequence(attack, photo, face, KIND, rng)


@pytest.fixture(scope="module")
def cameras(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        name: _video(tmp_path_factory.mktemp(name), _sequence(attack))
        for name, attack in (("person", None), ("print", "sheared"))
    }


def _launch(browser: Any, video: Path) -> Any:
    from tests.conftest import CHROMIUM

    return browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )


@pytest.fixture(scope="module")
def camera_browsers(browser: Any, cameras: dict[str, Path]) -> Iterator[dict[str, Any]]:
    """Chromiums launched through the shared Playwright instance, each with its own video."""
    launched = {name: _launch(browser, video) for name, video in cameras.items()}
    yield launched
    for instance in launched.values():
        instance.close()


def _page(instance: Any) -> Any:
    context = instance.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _pair(page: Any, live_server: Any, site: Any, staff: Any) -> Kiosk:
    kiosk = Kiosk.objects.create(site=site, name="Lobby")
    code = kiosk_pairing_code(kiosk=kiosk, actor=staff["admin"])
    page.goto(live_server.url + "/attendance/kiosk/")
    page.get_by_label("Pairing code").fill(code)
    page.get_by_role("button", name="Pair").click()
    page.get_by_role("button", name="Check in").wait_for()
    return kiosk


def _check_in(page: Any) -> str:
    """Click "Check in" just before the sequence starts in the loop; the result's text."""
    page.wait_for_function("() => document.getElementById('camera').videoWidth > 0")
    start = LEAD / FPS
    page.wait_for_function(
        f"() => {{ const t = document.getElementById('camera').currentTime % {LOOP}; "
        f"return t > {start - 0.2} && t < {start - 0.1}; }}",
        polling=10,
    )
    page.get_by_role("button", name="Check in").click()
    page.locator("#result:not([hidden])").wait_for()
    message = page.locator("#result-message").inner_text()
    page.wait_for_function("() => !document.querySelector('button[data-direction=in]').disabled")
    return message


@pytest.fixture
def enrolled(make_employee: Any, staff: Any, monkeypatch: Any) -> Any:
    employee = make_employee("Spencer Abraham")
    consent_record(employee=employee, how="paper", actor=staff["admin"])
    enrollment_create(
        employee=employee,
        photos=enrollment_photos("Spencer_Abraham"),
        actor=staff["admin"],
        via="upload",
    )
    monkeypatch.setattr(liveness, "random_challenge", lambda: KIND)
    return employee


def test_a_person_checks_in_at_the_kiosk_with_a_camera(
    camera_browsers, live_server, site, staff, enrolled
):
    page = _page(camera_browsers["person"])
    kiosk = _pair(page, live_server, site, staff)
    message = ""
    for _attempt in range(5):
        message = _check_in(page)
        if "Spencer Abraham" in message:
            break
    assert "Spencer Abraham" in message and "checked in" in message, message
    assert page.locator("#result-detail").inner_text()
    assert page.locator("#result").get_attribute("class") == "result recognised"
    event = Event.objects.get(employee=enrolled)
    assert event.method == "face" and event.kiosk == kiosk
    accepted = Attempt.objects.get(outcome="recognised")
    assert accepted.snapshot  # kept, encrypted, for the site's administrators
    assert not page.errors, page.errors  # type: ignore[attr-defined]

    # The PIN fallback from the same page, flagged for review.
    employee_set_pin(employee=enrolled, pin="8642", actor=staff["admin"])
    page.get_by_role("button", name="Use my PIN").click()
    page.get_by_label("Staff number").fill(enrolled.number)
    page.get_by_label("PIN", exact=True).fill("8642")
    page.get_by_label("Check out").check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_function(
        "() => document.getElementById('result-message').textContent.includes('checked out')"
    )
    assert Event.objects.filter(
        employee=enrolled, method="pin", flagged=True, direction="out"
    ).exists()


def test_a_tilted_print_is_refused_at_the_kiosk(
    camera_browsers, live_server, site, staff, enrolled
):
    page = _page(camera_browsers["print"])
    _pair(page, live_server, site, staff)
    for _attempt in range(3):
        message = _check_in(page)
        assert "Spencer Abraham" not in message, message
    assert not Event.objects.exists()
    attempts = Attempt.objects.all()
    assert attempts.count() == 3 and all(a.outcome == "not_live" for a in attempts)
    assert all(a.needs_review and a.snapshot for a in attempts)
    assert not page.errors, page.errors  # type: ignore[attr-defined]
