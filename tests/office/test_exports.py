"""The PDF dossier (Chinese text through the built-in CID font) and its audit."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tipoff.audit.models import AuditEvent
from tipoff.office import investigation

pytestmark = pytest.mark.django_db


def test_pdf_dossier_holds_the_case_in_chinese_and_is_audited(
    client, make_case, people, sign_in, body
):
    case = make_case("decided", what="局长在金鼎酒店用公款宴请二十多人。", official_name="王五")
    investigation.note_add(
        case=case, actor=people["leader"], text="内部备注：已核实发票。", body_key=body.private_key
    )
    sign_in(client, people["leader"])
    response = client.get(f"/office/cases/{case.pk}/dossier.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert case.reference in text
    assert "金鼎酒店" in text and "王五" in text
    assert "Wang Wu" in text  # the official named in the decision
    assert "已核实发票" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any(
        "STSong-Light" in str(fonts[name].get_object()["/BaseFont"]) for name in fonts
    )  # no font file shipped
    assert AuditEvent.objects.filter(
        action="case.exported_pdf", actor=people["leader"], object_id=str(case.pk)
    ).exists()


def test_pdf_needs_the_key_and_the_right(client, make_case, people, sign_in):
    case = make_case("investigating")
    sign_in(client, people["outsider"])
    assert client.get(f"/office/cases/{case.pk}/dossier.pdf").status_code == 404
    client.post("/staff/logout/")
    sign_in(client, people["auditor"])
    assert (
        client.get(f"/office/cases/{case.pk}/dossier.pdf").status_code == 200
    )  # reading is what auditors do
