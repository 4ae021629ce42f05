"""In a real browser on a tablet: the case page shows evidence photos as thumbnails, and a
photo and a PDF open in the browser from the page (no download)."""

from __future__ import annotations

import pytest

from tests.office.test_evidence_preview import pdf, photo
from tests.office.test_journey import staff_sign_in
from tipoff.reports.models import Evidence
from tipoff.reports.services import EvidenceFile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_page_shows_thumbnails_and_the_preview_opens(
    tablet, live_server, make_case, people, demo_password
):
    case = make_case(
        "investigating", evidence=[EvidenceFile(data=photo()), EvidenceFile(data=pdf())]
    )
    jpeg = Evidence.objects.get(report__case=case, media_type="image/jpeg")
    errors: list[str] = []
    tablet.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    downloads: list[str] = []
    tablet.on("download", lambda d: downloads.append(d.suggested_filename))

    staff_sign_in(tablet, live_server.url, people["owner"].username, demo_password, {})
    tablet.goto(f"{live_server.url}/office/cases/{case.pk}/")
    thumb = tablet.get_by_test_id("evidence-thumbnail")
    thumb.scroll_into_view_if_needed()
    tablet.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    size = thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [320, 240]  # the small picture, not the 1600x1200 photo
    assert tablet.get_by_text("照片 · JPG").is_visible()

    with tablet.context.expect_page() as opened:
        tablet.get_by_test_id(f"evidence-{jpeg.pk}").get_by_test_id("evidence-view").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.url.endswith(f"/evidence/{jpeg.pk}/view/")
    shown = preview.locator("img")
    shown.wait_for()
    assert shown.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1600, 1200]
    preview.close()
    assert downloads == [] and errors == []
