"""tipoff.lib.evidence on office packages: type by content, properties and thumbnails out.

Pictures and people's names inside the documents are tested in
test_evidence_office_content.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from evidence_samples import LIMIT, MAIN_PART, MB, odf, ooxml, parse, rejected

from tipoff.lib.evidence import sanitise

pytestmark = pytest.mark.one_leg


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_ooxml_loses_properties_thumbnail_and_custom_parts(extension: str) -> None:
    result = sanitise(ooxml(extension), max_bytes=LIMIT)

    assert result.extension == extension
    assert result.kind == "document"
    assert result.media_type.startswith("application/vnd.openxmlformats-officedocument.")
    for trace in (b"Jane", b"jwhistle", b"SecretMinistry", b"SecretCase", b"SecretThumbnail"):
        assert trace not in result.content
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        assert archive.testzip() is None
        assert archive.comment == b""
        names = set(archive.namelist())
        assert names == {"[Content_Types].xml", "_rels/.rels", MAIN_PART[extension],
                         "docProps/core.xml", "docProps/app.xml"}  # fmt: skip
        assert (
            archive.read(MAIN_PART[extension])
            == b"<document>The minister took the money.</document>"
        )
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        assert list(parse(archive.read("docProps/core.xml"))) == []
        assert list(parse(archive.read("docProps/app.xml"))) == []
        types = parse(archive.read("[Content_Types].xml"))
        relationships = parse(archive.read("_rels/.rels"))
    overrides = {element.get("PartName") for element in types if element.tag.endswith("Override")}
    assert overrides == {f"/{MAIN_PART[extension]}", "/docProps/core.xml", "/docProps/app.xml"}
    targets = {element.get("Target") for element in relationships}
    assert targets == {MAIN_PART[extension], "docProps/core.xml", "docProps/app.xml"}
    assert targets <= names  # no relationship left pointing at a dropped part


def test_macro_enabled_office_files_are_refused() -> None:
    data = ooxml("docx", **{"word/vbaProject.bin": b"Sub AutoOpen()"})
    assert rejected(data) == "unsupported_type"


@pytest.mark.parametrize(
    ("kind", "extension"), [("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp")]
)
def test_opendocument_keeps_stored_mimetype_first_and_loses_meta(kind: str, extension: str) -> None:
    mimetype = f"application/vnd.oasis.opendocument.{kind}".encode()

    result = sanitise(odf(mimetype), max_bytes=LIMIT)

    assert (result.extension, result.media_type) == (extension, mimetype.decode())
    assert b"Jane" not in result.content and b"SecretThumbnail" not in result.content
    assert result.content[30:38] == b"mimetype"  # first local header, as ODF readers expect
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == mimetype
        assert "Thumbnails/thumbnail.png" not in archive.namelist()
        assert (
            archive.read("content.xml")
            == b"<office:document-content>Evidence</office:document-content>"
        )
        assert list(parse(archive.read("meta.xml"))[0]) == []
        manifest = parse(archive.read("META-INF/manifest.xml"))
    paths = {entry.get(f"{{{manifest.tag[1:].split('}')[0]}}}full-path") for entry in manifest}
    assert paths == {"/", "content.xml", "meta.xml"}


def test_unknown_opendocument_type_is_refused() -> None:
    assert rejected(odf(b"application/x-something-else")) == "unsupported_type"


def test_legacy_office_is_refused_with_advice() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    assert rejected(ole) == "legacy_office"


def test_zip_bomb_is_too_large() -> None:
    bomb = ooxml("docx", **{"word/media/zeros.bin": bytes(2 * MB)})
    assert len(bomb) < 50_000
    assert rejected(bomb, max_bytes=100_000) == "too_large"
    assert sanitise(bomb, max_bytes=MB).extension == "docx"  # under ten times the limit


def test_zip_with_too_many_members_is_too_large() -> None:
    crowd = ooxml("docx", **{f"word/part{number}.xml": b"" for number in range(5001)})
    assert rejected(crowd) == "too_large"


def test_truncated_zip_is_corrupt() -> None:
    assert rejected(ooxml("docx")[:200]) == "corrupt"
