"""Looking at evidence in the browser: photos (with thumbnails), PDFs, audio and video are
decrypted into the response, never kept (no-store) or saved, shown inline with their real
type, and every look is in the audit trail like a download."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.lib.evidence_samples import ooxml
from tipoff.audit.models import AuditEvent
from tipoff.reports.models import Evidence
from tipoff.reports.services import EvidenceFile

pytestmark = pytest.mark.django_db


def photo(size: tuple[int, int] = (1600, 1200), mode: str = "RGB", fmt: str = "JPEG") -> bytes:
    image = Image.new(mode, size, (200, 40, 40, 128) if mode == "RGBA" else (200, 40, 40))
    image.paste(
        (20, 20, 220) if mode == "RGB" else (20, 20, 220, 255), (0, 0, size[0] // 2, size[1])
    )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * 8000)
    return out.getvalue()


@pytest.fixture
def evidence_case(make_case):
    files = [photo(), photo((300, 200), "RGBA", "PNG"), pdf(), ooxml("docx")]
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        files.append(wav())
    case = make_case("investigating", evidence=[EvidenceFile(data=f) for f in files])
    items = {e.media_type: e for e in Evidence.objects.filter(report__case=case)}
    return case, items


def _stored_files() -> set[Path]:
    root = Path(settings.STORAGES["evidence"]["OPTIONS"].get("location", settings.MEDIA_ROOT))
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_case_page_shows_thumbnails_players_and_translated_kinds(
    client, evidence_case, people, sign_in
):
    case, items = evidence_case
    sign_in(client, people["owner"])
    page = client.get(f"/office/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    jpeg, png = items["image/jpeg"], items["image/png"]
    for image in (jpeg, png):
        assert f'src="/office/cases/{case.pk}/evidence/{image.pk}/small.jpg"' in page
    assert f"/evidence/{items['application/pdf'].pk}/view/" in page
    docx = next(e for e in items.values() if e.extension == "docx")
    assert f"/evidence/{docx.pk}/view/" not in page  # office files are downloaded
    assert f'/evidence/{docx.pk}/" download' in page
    assert "照片 · JPG" in page and "文件 · PDF" in page
    assert "image · jpg" not in page and "document · " not in page
    if "audio/mp4" in items or any(e.kind == "audio" for e in items.values()):
        audio = next(e for e in items.values() if e.kind == "audio")
        assert (
            f'<audio controls preload="none" src="/office/cases/{case.pk}/evidence/{audio.pk}/view/"'
            in page
        )
        assert "录音" in page
    english = client.get(f"/office/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Photo · JPG" in english and "View" in english


def test_a_photo_preview_is_the_photo_inline_and_never_kept(client, evidence_case, people, sign_in):
    case, items = evidence_case
    jpeg = items["image/jpeg"]
    sign_in(client, people["owner"])
    before_files = _stored_files()
    before = AuditEvent.objects.filter(action="case.evidence_previewed").count()
    response = client.get(f"/office/cases/{case.pk}/evidence/{jpeg.pk}/view/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="evidence-{jpeg.pk}.jpg"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    with Image.open(io.BytesIO(response.content)) as shown:
        assert shown.size == (1600, 1200)
    assert _stored_files() == before_files  # nothing decrypted was written out
    event = AuditEvent.objects.filter(action="case.evidence_previewed").latest("seq")
    assert AuditEvent.objects.filter(action="case.evidence_previewed").count() == before + 1
    assert event.actor == people["owner"] and event.object_id == str(case.pk)
    assert event.details == {"evidence": jpeg.pk, "report": jpeg.report_id}


@pytest.mark.parametrize("media_type", ["image/jpeg", "image/png"])
def test_thumbnails_are_small_jpegs_made_in_memory_and_audited(
    client, evidence_case, people, sign_in, media_type
):
    case, items = evidence_case
    item = items[media_type]
    sign_in(client, people["leader"])
    response = client.get(f"/office/cases/{case.pk}/evidence/{item.pk}/small.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("inline;")
    with Image.open(io.BytesIO(response.content)) as small:
        assert small.format == "JPEG" and max(small.size) <= 320
        # Still the picture: the left half is blue, the right half red.
        r, _g, b = small.convert("RGB").getpixel((5, small.size[1] // 2))
        assert b > 150 and r < 100
    event = AuditEvent.objects.filter(action="case.evidence_thumbnail").latest("seq")
    assert event.actor == people["leader"] and event.details["evidence"] == item.pk


def test_a_pdf_opens_inline_in_a_sandbox(client, evidence_case, people, sign_in):
    case, items = evidence_case
    item = items["application/pdf"]
    sign_in(client, people["owner"])
    response = client.get(f"/office/cases/{case.pk}/evidence/{item.pk}/view/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert client.get(f"/office/cases/{case.pk}/evidence/{item.pk}/small.jpg").status_code == 404


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg needed to accept audio")
def test_audio_plays_inline(client, evidence_case, people, sign_in):
    case, items = evidence_case
    audio = next(e for e in items.values() if e.kind == "audio")
    sign_in(client, people["owner"])
    response = client.get(f"/office/cases/{case.pk}/evidence/{audio.pk}/view/")
    assert response.status_code == 200
    assert response["Content-Type"] == audio.media_type and audio.media_type.startswith("audio/")
    assert response["Content-Disposition"].startswith("inline;")


def test_office_documents_are_not_previewed(client, evidence_case, people, sign_in):
    case, items = evidence_case
    docx = next(e for e in items.values() if e.extension == "docx")
    sign_in(client, people["owner"])
    assert client.get(f"/office/cases/{case.pk}/evidence/{docx.pk}/view/").status_code == 404
    assert not AuditEvent.objects.filter(action="case.evidence_previewed").exists()


def test_previews_follow_the_case_permissions(client, evidence_case, make_case, people, sign_in):
    case, items = evidence_case
    jpeg = items["image/jpeg"]
    other = make_case("investigating")
    for who in ("outsider", "excluded"):
        client.logout()
        sign_in(client, people[who])
        for path in ("view/", "small.jpg"):
            assert (
                client.get(f"/office/cases/{case.pk}/evidence/{jpeg.pk}/{path}").status_code == 404
            )
    client.logout()
    sign_in(client, people["owner"])
    # Evidence of one case is not reachable through another case's address.
    assert client.get(f"/office/cases/{other.pk}/evidence/{jpeg.pk}/view/").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="case.evidence_").exists()
    client.logout()
    assert client.get(f"/office/cases/{case.pk}/evidence/{jpeg.pk}/view/").status_code == 302
