"""Screenshots of the back office for docs/office.md, made again with one command.

    .venv/bin/python scripts/screenshots.py

Loads the demo into a throwaway SQLite database (its own var directory), adds a
report with two photos, starts the site on a free local port, signs in as the
demo administrator through the real two-step sign-in in Debian's Chromium at
tablet size (1024×768, Chinese), and saves:

* docs/screenshots/office-case-evidence.png — a case with its photo thumbnails;
* docs/screenshots/office-audit.png — the audit trail filtered by that case.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SIZE = {"width": 1024, "height": 768}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _photo(colours: tuple[tuple[int, int, int], tuple[int, int, int]], label: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), colours[0])
    draw = ImageDraw.Draw(image)
    draw.rectangle((150, 200, 1050, 700), fill=colours[1])
    draw.ellipse((450, 300, 750, 600), fill=(250, 250, 250))
    draw.text((170, 220), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _prepare() -> tuple[int, str]:
    """Demo data plus a report with photos; returns the new case's id and reference."""
    import django

    django.setup()
    from django.core.management import call_command

    from tipoff.people.demo import load_people
    from tipoff.people.models import Category, Unit
    from tipoff.reports.services import EvidenceFile, ReportInput, report_submit

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # Each app's demo, as demo_load does, but not inside one transaction: report_submit
    # commits durably (demo_load's own atomic block refuses that at present).
    body, _recovery, staff = load_people()
    for app in ("office", "attendance"):
        import_module(f"tipoff.{app}.demo").load(body, staff)
    result = report_submit(
        data=ReportInput(
            body=body,
            channel="web",
            category_id=Category.objects.get(body=body, code="official_cars").pk,
            unit_id=Unit.objects.filter(body=body).first().pk,  # type: ignore[union-attr]
            what="周六上午，一辆公务用车停在滨湖公园门口，司机和家人去游玩，车牌已拍下。",
            official_name="赵六",
            official_position="科长",
            answers={"plate": "示A·12345"},
            evidence=[
                EvidenceFile(data=_photo(((90, 120, 160), (40, 40, 48)), "plate")),
                EvidenceFile(data=_photo(((140, 170, 110), (200, 200, 205)), "park gate")),
            ],
        )
    )
    case = result.report.case
    return case.pk, case.reference


def _sign_in(page, base: str, username: str) -> None:
    from tipoff.people import signin
    from tipoff.people.demo import DEMO_PASSWORD
    from tipoff.people.models import User

    page.goto(base + "/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/login/code/")
    code = signin.totp_code_now(User.objects.get(username=username))
    page.get_by_label("身份验证器应用显示的六位数字验证码").fill(code or "")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/office/**")


def main() -> int:
    from playwright.sync_api import sync_playwright

    var = Path(tempfile.mkdtemp(prefix="tipoff-screens-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tipoff.settings",
            "TIPOFF_VAR_DIR": str(var),
            "DEBUG": "false",
            # Playwright's sync API runs an event loop; the ORM calls here are made between
            # its calls, never inside it.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            "DATABASE_URL": "",
        }
    )
    os.environ.pop("DATABASE_URL")
    sys.path.insert(0, str(ROOT))
    port = _free_port()
    server = None
    try:
        case_id, reference = _prepare()
        server = subprocess.Popen(  # noqa: S603  (our own manage.py, fixed arguments)
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310  (http to ourselves)
                break
            except OSError:
                time.sleep(0.2)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(viewport=SIZE, locale="zh-CN").new_page()
            _sign_in(page, base, "demo-admin")
            page.goto(f"{base}/office/cases/{case_id}/")
            evidence = page.locator("ul.evidence").first
            evidence.locator("img").first.wait_for()
            page.wait_for_function(
                "() => [...document.querySelectorAll('ul.evidence img')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            page.evaluate("() => window.scrollTo(0, 0)")
            heading = page.get_by_role("heading", name="证据材料").first
            page.evaluate(
                "y => window.scrollTo(0, y)",
                max(0, heading.bounding_box()["y"] - 360),  # type: ignore[index]
            )
            page.screenshot(path=str(OUT / "office-case-evidence.png"))
            page.goto(f"{base}/office/audit/?case={reference}")
            page.locator("table.audit").wait_for()
            page.screenshot(path=str(OUT / "office-audit.png"))
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(var, ignore_errors=True)
    print(f"saved {OUT / 'office-case-evidence.png'} and {OUT / 'office-audit.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
