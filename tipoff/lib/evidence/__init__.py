"""Evidence uploads: recognise a file by its content and return a copy without metadata.

A reporter's photo, document or recording can name them: GPS coordinates and
camera serials in EXIF, the author and company in a document's properties, the
place and time in a video's tags. ``sanitise`` decides what a file is from its
first bytes (never from its name or declared type), rebuilds it from what it
shows or plays, and refuses everything it cannot rebuild. Nothing here touches
Django beyond marking messages for translation; limits come in as arguments.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

# Remuxing copies streams without decoding them, so even a large video takes seconds.
MEDIA_TIMEOUT_SECONDS = 120
ZIP_EXPANSION_LIMIT = 10  # times max_bytes, summed over all members
ZIP_MEMBER_LIMIT = 5000

# Exact image types rather than image/*: iPhones then convert HEIC photos to JPEG.
ACCEPT_ATTRIBUTE = (
    "image/jpeg,image/png,image/gif,image/webp,application/pdf,"
    ".docx,.xlsx,.pptx,.odt,.ods,.odp,audio/*,video/*"
)

_MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large."),
    "unsupported_type": _(
        "This type of file is not accepted. Please send a photo (JPEG, PNG, GIF or WebP), "
        "a PDF, an office document (.docx, .xlsx, .pptx, .odt, .ods or .odp), "
        "or an audio or video recording."
    ),
    "corrupt": _("The file is damaged or could not be read."),
    "legacy_office": _(
        "Old Office files (.doc, .xls, .ppt) are not accepted. Please save the file as PDF "
        "or in the newer format (.docx, .xlsx, .pptx) and send it again."
    ),
    "media_unavailable": _(
        "Audio and video files cannot be accepted at the moment. Please send another type of file."
    ),
}
_ENCRYPTED_PDF = _(
    "Password-protected PDFs cannot be accepted. Please remove the password and send it again."
)
_MACROS = _(
    "Documents with macros are not accepted. Please save the file as PDF "
    "or as .docx, .xlsx or .pptx and send it again."
)


class RejectedFile(Exception):
    """The upload cannot be accepted; ``code`` is for machines, ``message`` for the reporter."""

    def __init__(self, code: str, message: object = None) -> None:
        # str(exc) is the code: safe in logs, and needs no translation machinery.
        super().__init__(code)
        self.code = code
        self.message = message if message is not None else _MESSAGES[code]


@dataclass(frozen=True)
class SanitisedFile:
    content: bytes
    media_type: str
    extension: str
    kind: str  # "image" | "document" | "audio" | "video"


def media_tools_available() -> bool:
    return shutil.which("ffmpeg") is not None


def sanitise(data: bytes, *, max_bytes: int, max_pixels: int = 40_000_000) -> SanitisedFile:
    if not data:
        raise RejectedFile("empty")
    if len(data) > max_bytes:
        raise RejectedFile("too_large")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise RejectedFile("legacy_office")
    image_format = _image_format(data)
    if image_format:
        return _sanitise_image(data, image_format, max_pixels)
    if data.startswith(b"%PDF-"):
        return _sanitise_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return _sanitise_office(data, max_bytes)
    media = _media_container(data)
    if media:
        return _sanitise_media(data, *media)
    raise RejectedFile("unsupported_type")


# Images ---------------------------------------------------------------------------------


_IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


def _image_format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _IMAGE_SIGNATURES.items() if data.startswith(magic)), None)


def _sanitise_image(data: bytes, image_format: str, max_pixels: int) -> SanitisedFile:
    try:
        # formats= stops Pillow from trying its other, rarely used decoders on the bytes.
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            if image.width * image.height > max_pixels:
                raise RejectedFile("too_large")
            image.load()
            try:
                upright = ImageOps.exif_transpose(image)
            except Exception:
                upright = image  # a broken EXIF block should not cost the reporter the photo
            if image_format == "JPEG":
                mode = "RGB"
            else:
                has_alpha = upright.mode in _ALPHA_MODES or "transparency" in upright.info
                mode = "RGBA" if has_alpha else "RGB"
            pixels = upright.convert(mode)
    except RejectedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RejectedFile("too_large") from exc
    except Exception as exc:  # Pillow raises many types on hostile input
        raise RejectedFile("corrupt") from exc
    # A fresh image carries pixels only: no EXIF, XMP, ICC profile, comments or text chunks
    # can ride along into the encoder through .info.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, "JPEG", quality=88)
        return SanitisedFile(out.getvalue(), "image/jpeg", "jpg", "image")
    # PNG keeps transparency without loss; animations keep their first frame.
    clean.save(out, "PNG")
    return SanitisedFile(out.getvalue(), "image/png", "png", "image")


# PDF ------------------------------------------------------------------------------------


def _sanitise_pdf(data: bytes) -> SanitisedFile:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise RejectedFile("corrupt", _ENCRYPTED_PDF)
        # Cloning copies only what the document root reaches, so earlier revisions kept
        # by incremental saves (and their metadata) are left behind.
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        # XMP streams hang off the catalogue, pages and embedded images (a photo's XMP
        # can hold its GPS position); PieceInfo is editors' private data, paths included.
        for item in writer._objects:  # pypdf has no public walk over every object
            if isinstance(item, DictionaryObject):
                item.pop("/Metadata", None)
                item.pop("/PieceInfo", None)
        # Removed streams would otherwise still be written out as unreferenced objects.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except RejectedFile:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input
        raise RejectedFile("corrupt") from exc
    return SanitisedFile(out.getvalue(), "application/pdf", "pdf", "document")


# Office documents -----------------------------------------------------------------------

_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OOXML_CORE = _XML_DECLARATION + (
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties"/>'
)
_OOXML_APP = _XML_DECLARATION + (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_ODF_META = _XML_DECLARATION + (
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
    b"<office:meta/></office:document-meta>"
)
_OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Self-closing elements that point at a part: a relationship, a content-type override, or
# an ODF manifest entry. Pointers to parts we drop must go too, or Office offers "repair".
_PART_REFERENCE = re.compile(
    rb"<(?:Relationship|Override|manifest:file-entry)\b[^>]*?"
    rb'\s(?:Target|PartName|manifest:full-path)="([^"]*)"[^>]*/>'
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # member timestamps tell when and in which time zone


@dataclass(frozen=True)
class _PackageRules:
    replacements: dict[str, bytes]  # property parts, swapped for empty ones
    dropped_prefixes: tuple[str, ...]  # custom properties and thumbnails (a picture of page 1)
    reference_lists: tuple[str, ...]  # parts that list other parts


_OOXML_RULES = _PackageRules(
    {"docProps/core.xml": _OOXML_CORE, "docProps/app.xml": _OOXML_APP},
    ("docProps/custom.xml", "docProps/thumbnail"),
    ("[Content_Types].xml", "_rels/.rels"),
)
_ODF_RULES = _PackageRules({"meta.xml": _ODF_META}, ("Thumbnails/",), ("META-INF/manifest.xml",))


def _sanitise_office(data: bytes, max_bytes: int) -> SanitisedFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            # Declared sizes can be trusted as an upper bound: zipfile never inflates a
            # member past its declared size, and a lie fails the CRC check.
            expanded = sum(member.file_size for member in members)
            if len(members) > ZIP_MEMBER_LIMIT or expanded > ZIP_EXPANSION_LIMIT * max_bytes:
                raise RejectedFile("too_large")
            names = list(dict.fromkeys(archive.namelist()))
            extension, media_type, rules = _office_package(archive, names)
            parts = {
                name: archive.read(name)
                for name in names
                if not name.startswith(rules.dropped_prefixes)
            }
    except RejectedFile:
        raise
    except Exception as exc:  # zipfile raises many types on hostile input
        raise RejectedFile("corrupt") from exc

    for name in rules.reference_lists:
        if name in parts:
            parts[name] = _drop_references(parts[name], rules.dropped_prefixes)
    for name, replacement in rules.replacements.items():
        if name in parts:
            parts[name] = replacement

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rebuilt:
        # ODF readers find the type in a stored `mimetype` member at the very start.
        for name in sorted(parts, key=lambda name: name != "mimetype"):
            # A fresh ZipInfo also leaves behind extra fields (owner ids, precise times).
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            rebuilt.writestr(info, parts[name])
    return SanitisedFile(out.getvalue(), media_type, extension, "document")


def _office_package(archive: zipfile.ZipFile, names: list[str]) -> tuple[str, str, _PackageRules]:
    """Extension, media type and cleaning rules, from the members rather than the name."""
    if "mimetype" in names:
        declared = archive.read("mimetype").decode("ascii", "replace").strip()
        if declared not in _ODF_TYPES:
            raise RejectedFile("unsupported_type")
        return _ODF_TYPES[declared], declared, _ODF_RULES
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise RejectedFile("unsupported_type", _MACROS)
        for folder, (extension, media_type) in _OOXML_TYPES.items():
            if any(name.startswith(folder) for name in names):
                return extension, media_type, _OOXML_RULES
    raise RejectedFile("unsupported_type")


def _drop_references(xml: bytes, dropped_prefixes: tuple[str, ...]) -> bytes:
    def keep_unless_dropped(match: re.Match[bytes]) -> bytes:
        target = match.group(1).decode("utf-8", "replace").lstrip("/")
        return b"" if target.startswith(dropped_prefixes) else match.group(0)

    return _PART_REFERENCE.sub(keep_unless_dropped, xml)


# Audio and video ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Container:
    demuxer: str
    muxer: str
    audio: tuple[str, str]  # (extension, media type) when it holds sound only
    video: tuple[str, str] | None
    muxer_options: tuple[str, ...] = ()


_FASTSTART = ("-movflags", "+faststart")  # index first, so playback starts before download ends
_MP3 = _Container("mp3", "mp3", ("mp3", "audio/mpeg"), None, ("-id3v2_version", "0"))
_AAC = _Container("aac", "adts", ("aac", "audio/aac"), None)
_WAV = _Container("wav", "wav", ("wav", "audio/wav"), None)
_AMR = _Container("amr", "amr", ("amr", "audio/amr"), None)
_OGG = _Container("ogg", "ogg", ("ogg", "audio/ogg"), ("ogv", "video/ogg"))
_WEBM = _Container("matroska", "webm", ("webm", "audio/webm"), ("webm", "video/webm"))
_MP4 = _Container("mov", "mp4", ("m4a", "audio/mp4"), ("mp4", "video/mp4"), _FASTSTART)
_MOV = _Container("mov", "mov", ("mov", "video/quicktime"), ("mov", "video/quicktime"), _FASTSTART)
_3GP = _Container("mov", "3gp", ("3gp", "audio/3gpp"), ("3gp", "video/3gpp"), _FASTSTART)


def _media_container(data: bytes) -> tuple[_Container, str] | None:
    """The container and, for when ffprobe is missing, the kind its brand suggests."""
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand.startswith(b"3g"):
            return _3GP, "video"
        if brand == b"qt  ":
            return _MOV, "video"
        return _MP4, "audio" if brand in (b"M4A ", b"M4B ", b"M4P ") else "video"
    if data.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in data[:64]:
        return _WEBM, "video"
    if data.startswith(b"OggS"):
        return _OGG, "audio"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return _WAV, "audio"
    if data.startswith(b"#!AMR"):
        return _AMR, "audio"
    if data.startswith(b"ID3"):
        return _MP3, "audio"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # MPEG frame sync
        layer = (data[1] >> 1) & 3
        return (_AAC if layer == 0 else _MP3), "audio"
    return None


def _sanitise_media(data: bytes, container: _Container, guessed_kind: str) -> SanitisedFile:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RejectedFile("media_unavailable")
    # mkdtemp makes a directory only this user can read; it is shredded whatever happens.
    workdir = Path(tempfile.mkdtemp(prefix="tipoff-evidence-"))
    try:
        source, target = workdir / "source", workdir / "clean"
        source.write_bytes(data)
        kind = _probed_kind(source, container) or guessed_kind
        if container.video is None:
            kind = "audio"
        # Audio keeps sound only, so cover art (a picture with its own EXIF) goes. Video
        # keeps real video (V excludes cover art) and sound; data tracks, where action
        # cameras and dashcams log GPS, and subtitles are left behind.
        streams = ["-map", "0:a"] if kind == "audio" else ["-map", "0:V?", "-map", "0:a?"]
        command = [
            ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
            # Forcing the demuxer and the file protocol keeps ffmpeg from following
            # playlists or URLs that a crafted file could point it at.
            "-protocol_whitelist", "file", "-f", container.demuxer, "-i", str(source),
            *streams,
            "-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1",
            "-c", "copy", "-fflags", "+bitexact",
            *container.muxer_options, "-f", container.muxer, str(target),
        ]  # fmt: skip
        _run(command)
        content = target.read_bytes()
    finally:
        _shred_directory(workdir)
    if not content:
        raise RejectedFile("corrupt")
    extension, media_type = (
        container.video if kind == "video" and container.video else container.audio
    )
    return SanitisedFile(content, media_type, extension, kind)


def _probed_kind(source: Path, container: _Container) -> str | None:
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    report = _run(
        [ffprobe, "-v", "error", "-protocol_whitelist", "file", "-f", container.demuxer,
         "-show_streams", "-of", "json", str(source)]
    )  # fmt: skip
    try:
        streams = json.loads(report).get("streams", [])
    except ValueError as exc:
        raise RejectedFile("corrupt") from exc
    types = {
        "cover" if stream.get("disposition", {}).get("attached_pic") else stream.get("codec_type")
        for stream in streams
    }
    if "video" in types:
        return "video"
    if "audio" in types:
        return "audio"
    raise RejectedFile("corrupt")  # nothing to see or hear


def _run(command: list[str]) -> bytes:
    try:
        # The arguments are fixed here; only the temp file paths vary.
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=MEDIA_TIMEOUT_SECONDS, check=True
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise RejectedFile("corrupt") from exc
    return result.stdout


def _shred_directory(workdir: Path) -> None:
    # Overwriting first means a plain unlink on a local disk leaves nothing to undelete.
    for path in workdir.iterdir():
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            for offset in range(0, size, 1 << 20):
                handle.write(bytes(min(1 << 20, size - offset)))
            handle.flush()
            os.fsync(handle.fileno())
    shutil.rmtree(workdir)
