"""tipoff.lib.evidence on what office documents hold: photos' tags and people's names.

A photo pasted into a report keeps its own EXIF (GPS, camera serial) inside the package,
and Word writes the author's name on every comment and tracked change; both must go while
the document stays one that Office opens without offering to repair it.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from evidence_samples import (
    LIMIT,
    PHOTO_TRACES,
    encode,
    odf,
    ooxml,
    parse,
    pixel,
    png_chunk_types,
    rejected,
    tagged_photo,
    two_colour_image,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from tipoff.lib.evidence import RejectedFile, sanitise
from tipoff.lib.evidence.office_xml import scrub_people

pytestmark = pytest.mark.one_leg

DOCUMENT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/image" Target="media/image1.jpeg"/>\
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/image" Target="media/image2.png"/></Relationships>"""
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
IGNORABLE = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)


def tagged_png() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Jane Whistle")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    return encode(two_colour_image(mode="RGBA"), "PNG", pnginfo=info, exif=exif)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def docx_with_pictures(jpeg: bytes, png: bytes) -> bytes:
    return ooxml(
        "docx",
        **{
            "word/_rels/document.xml.rels": DOCUMENT_RELS,
            "word/media/image1.jpeg": jpeg,
            "word/media/image2.png": png,
        },
    )


def test_photo_in_a_docx_loses_gps_exif_and_xmp_and_keeps_its_place() -> None:
    original = docx_with_pictures(tagged_photo(), tagged_png())
    with Image.open(io.BytesIO(members(original)["word/media/image1.jpeg"])) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = sanitise(original, max_bytes=LIMIT)

    parts = members(result.content)
    dropped = {"docProps/custom.xml", "docProps/thumbnail.jpeg"}
    assert set(parts) == set(members(original)) - dropped  # same members, same names
    assert parts["word/_rels/document.xml.rels"] == DOCUMENT_RELS
    photo = parts["word/media/image1.jpeg"]
    for trace in (*PHOTO_TRACES, b"GPS"):
        assert trace not in photo
    with Image.open(io.BytesIO(photo)) as after:
        assert (after.format, after.size) == ("JPEG", (40, 20))
        assert not after.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile"} & after.info.keys()
        assert pixel(after, (5, 10))[0] > 200  # still the same picture
    picture = parts["word/media/image2.png"]
    assert set(png_chunk_types(picture)) <= {b"IHDR", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(picture)) as after:
        assert (after.format, after.mode) == ("PNG", "RGBA")


def test_embedded_photo_keeps_the_orientation_it_is_stored_in() -> None:
    # Office draws stored pixels and keeps rotation in the drawing markup; turning the
    # pixels by the EXIF tag would turn the picture a second time.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    photo = encode(two_colour_image((40, 20)), "JPEG", exif=exif)

    result = sanitise(docx_with_pictures(photo, tagged_png()), max_bytes=LIMIT)

    with Image.open(io.BytesIO(members(result.content)["word/media/image1.jpeg"])) as after:
        assert after.size == (40, 20)
        assert not after.getexif()


def test_pictures_past_the_decoding_budget_lose_their_tags_undecoded() -> None:
    photo, png = tagged_photo(), tagged_png()

    result = sanitise(docx_with_pictures(photo, png), max_bytes=LIMIT, max_pixels=100)

    parts = members(result.content)
    for trace in PHOTO_TRACES:
        assert trace not in parts["word/media/image1.jpeg"]
    assert set(png_chunk_types(parts["word/media/image2.png"])) <= {b"IHDR", b"IDAT", b"IEND"}
    for name, original in (("word/media/image1.jpeg", photo), ("word/media/image2.png", png)):
        with (
            Image.open(io.BytesIO(original)) as before,
            Image.open(io.BytesIO(parts[name])) as after,
        ):
            assert after.tobytes() == before.tobytes()  # the very same pixels


def test_a_broken_embedded_jpeg_still_loses_its_exif() -> None:
    broken = tagged_photo()[:300]  # cut off inside the EXIF segment's neighbours
    assert b"Exif" in broken

    result = sanitise(docx_with_pictures(broken, tagged_png()), max_bytes=LIMIT)

    photo = members(result.content)["word/media/image1.jpeg"]
    assert photo.startswith(b"\xff\xd8")
    for trace in PHOTO_TRACES:
        assert trace not in photo


def test_comment_and_tracked_change_authors_are_blanked_and_nothing_else() -> None:
    said = 'the form said author="Minister Wang" &amp; initials="MW"'
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W} {IGNORABLE}>'
        f"<w:body><w:p><w:r><w:t>{said}</w:t></w:r>"
        '<w:ins w:id="1" w:author="Jane Whistle" w:date="2024-05-17T23:41:00Z"><w:r><w:t>new'
        "</w:t></w:r></w:ins><w:del w:id='2' w:author='Jane Whistle'><w:r><w:delText>old"
        '</w:delText></w:r></w:del><w:commentReference w:id="0"/></w:p></w:body></w:document>'
    ).encode()
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {W}>'
        '<w:comment w:id="0" w:author="Jane Whistle" w:initials="JW"><w:p><w:r><w:t>check'
        "</w:t></w:r></w:p></w:comment></w:comments>"
    ).encode()
    people = (
        b'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        b'<w15:person w15:author="Jane Whistle"><w15:presenceInfo w15:providerId="AD" '
        b'w15:userId="S::jwhistle@ministry.example::5f3c"/></w15:person></w15:people>'
    )
    original = ooxml(
        "docx",
        **{"word/document.xml": document, "word/comments.xml": comments, "word/people.xml": people},
    )

    result = sanitise(original, max_bytes=LIMIT)

    parts = members(result.content)
    for trace in (b"Jane", b"JW", b"jwhistle", b"ministry.example"):
        assert trace not in result.content
    assert parts["word/document.xml"] == (
        document.replace(b'w:author="Jane Whistle"', b'w:author=""').replace(
            b"w:author='Jane Whistle'", b"w:author=''"
        )
    )  # prefixes, mc:Ignorable, the text that merely looks like an attribute: all untouched
    comment = parse(parts["word/comments.xml"])[0]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert (comment.get(f"{w}author"), comment.get(f"{w}initials")) == ("", "")
    assert comment.get(f"{w}id") == "0"
    assert b'w15:userId=""' in parts["word/people.xml"]


@pytest.mark.parametrize(
    ("extension", "part", "xml", "trace"),
    [
        ("xlsx", "xl/comments1.xml",
         b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b"<authors><author>Jane Whistle</author></authors><commentList/></comments>", b"Jane"),
        ("xlsx", "xl/persons/person.xml",
         b'<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
         b'<person displayName="Jane Whistle" id="{1}" userId="jwhistle@ministry.example" '
         b'providerId="AD"/></personList>', b"ministry"),
        ("xlsx", "xl/workbook.xml",
         b'<workbook xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">'
         b'<x15ac:absPath url="C:\\Users\\jwhistle\\Documents\\"/></workbook>', b"jwhistle"),
        ("pptx", "ppt/commentAuthors.xml",
         b'<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
         b'<p:cmAuthor id="1" name="Jane Whistle" initials="JW" lastIdx="1" clrIdx="0"/>'
         b"</p:cmAuthorLst>", b"Jane"),
    ],
)  # fmt: skip
def test_spreadsheet_and_slide_authors_are_blanked(
    extension: str, part: str, xml: bytes, trace: bytes
) -> None:
    result = sanitise(ooxml(extension, **{part: xml}), max_bytes=LIMIT)

    cleaned = members(result.content)[part]
    assert trace not in cleaned
    assert len(list(parse(cleaned).iter())) == len(list(parse(xml).iter()))


def test_utf16_parts_are_scrubbed_too() -> None:
    comments = f'<?xml version="1.0" encoding="UTF-16"?><w:comments {W}><w:comment w:id="0" '
    comments += 'w:author="Jane Whistle"/></w:comments>'

    result = sanitise(
        ooxml("docx", **{"word/comments.xml": comments.encode("utf-16")}), max_bytes=LIMIT
    )

    cleaned = members(result.content)["word/comments.xml"].decode("utf-16")
    assert 'w:author=""' in cleaned and "Jane" not in cleaned


def test_a_part_with_a_dtd_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]><w:comments xmlns:w="w"><w:comment w:author="&lol2;"/>'
        b"</w:comments>"
    )
    assert rejected(ooxml("docx", **{"word/comments.xml": laughs})) == "corrupt"


def test_opendocument_loses_printer_settings_annotation_authors_and_photo_tags() -> None:
    content = b"""<?xml version="1.0" encoding="UTF-8"?><office:document-content \
xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:body><office:text>\
<text:p>Evidence<office:annotation><dc:creator>Jane Whistle</dc:creator>\
<meta:creator-initials>JW</meta:creator-initials><text:p>check this</text:p>\
</office:annotation></text:p></office:text></office:body></office:document-content>"""
    settings = b"""<?xml version="1.0" encoding="UTF-8"?><office:document-settings \
xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"><office:settings>\
<config:config-item config:name="PrinterName" config:type="string">LaserJet-Ministry-3F\
</config:config-item></office:settings></office:document-settings>"""
    original = odf(**{"content.xml": content, "settings.xml": settings,
                      "Pictures/photo.jpg": tagged_photo()})  # fmt: skip

    result = sanitise(original, max_bytes=LIMIT)

    for trace in (*PHOTO_TRACES, b"JW", b"LaserJet", b"PrinterName"):
        assert trace not in result.content
    parts = members(result.content)
    assert b"<text:p>check this</text:p>" in parts["content.xml"]
    assert parse(parts["settings.xml"]).tag.endswith("document-settings")
    with Image.open(io.BytesIO(parts["Pictures/photo.jpg"])) as after:
        assert (after.format, after.size) == ("JPEG", (40, 20))


def test_a_workbook_embedded_for_a_chart_is_cleaned_too() -> None:
    workbook = ooxml("xlsx", **{"xl/media/image1.jpeg": tagged_photo()})
    original = ooxml("docx", **{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook})
    assert b"Jane" in members(workbook)["docProps/core.xml"]

    result = sanitise(original, max_bytes=LIMIT)

    inner = members(members(result.content)["word/embeddings/Microsoft_Excel_Worksheet.xlsx"])
    assert "docProps/custom.xml" not in inner
    assert list(parse(inner["docProps/core.xml"])) == []
    for trace in PHOTO_TRACES:
        assert trace not in inner["xl/media/image1.jpeg"]


# XML 1.0 allows neither control characters nor non-characters, and turns tabs and line
# breaks in attribute values into spaces, so the values keep to the rest.
attribute_values = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")))
QUOTE_ENTITIES = {'"': "&quot;", "'": "&apos;"}


@settings(max_examples=200, deadline=None)
@given(
    author=attribute_values,
    title=attribute_values,
    text=attribute_values,
    quote=st.sampled_from(["'", '"']),
)
def test_only_the_names_change_whatever_the_values_hold(
    author: str, title: str, text: str, quote: str
) -> None:
    def attribute(name: str, value: str) -> str:
        return f"{name}={quote}{escape(value, QUOTE_ENTITIES)}{quote}"

    xml = (
        f"<w:comments {W}><!-- a 'comment' --><w:comment {attribute('w:title', title)} "
        f'{attribute("w:author", author)}><w:t>{escape(text)}</w:t><![CDATA[author="x"]]>'
        "</w:comment></w:comments>"
    ).encode()

    cleaned = scrub_people(xml)

    comment = parse(cleaned)[0]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert (comment.get(f"{w}author"), comment.get(f"{w}title")) == ("", title)
    assert "".join(comment.itertext()) == text + 'author="x"'


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300).map(lambda tail: b"<a author='" + tail))
def test_any_bytes_are_scrubbed_or_refused_never_crash(data: bytes) -> None:
    try:
        scrub_people(data)
    except RejectedFile as error:
        assert error.code == "corrupt"
