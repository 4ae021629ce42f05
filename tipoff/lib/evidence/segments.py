"""Metadata out of image bytes without decoding them: JPEG segments, PNG chunks, JP2 boxes.

For pictures we leave undecoded: JPEG and JPEG 2000 streams inside PDFs (decoding and
re-encoding would cost quality and time, and viewers draw them straight from these bytes),
and pictures in office documents that are too large or too broken for Pillow. Each walk
copies what a decoder needs and leaves the rest behind, so nothing it does not understand
gets through; it never raises, and returns less (or nothing) for input it cannot follow.
"""

from __future__ import annotations

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP14, _COM = 0xE0, 0xEE, 0xFE
# Markers that stand alone, without a length: TEM and the restart markers.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JFIF_HEADER = 12  # "JFIF\0", version, units, densities; thumbnail size follows
_ADOBE_HEADER = 12  # "Adobe", version, two flag words, colour transform


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without APP1..APP15 (EXIF, XMP, ICC, maker notes...) or COM segments.

    APP0 (JFIF) and APP14 (Adobe, which says how to read the colours) are kept, cut to
    their fixed headers so no thumbnail or trailing bytes come along. Anything after the
    end-of-image marker, where some phones append extra data, is dropped.
    """
    position = data.find(b"\xff\xd8")
    if position < 0:
        return b""
    out = bytearray(b"\xff\xd8")
    position += 2
    end = len(data)
    while position < end:
        if data[position] != 0xFF:
            position += 1  # stray bytes between segments: decoders skip them, so do we
            continue
        while position < end and data[position] == 0xFF:
            position += 1  # fill bytes before a marker
        if position >= end:
            break
        marker = data[position]
        position += 1
        if marker == _EOI:
            out += b"\xff\xd9"
            break
        if marker in _STANDALONE:
            out += bytes((0xFF, marker))
            continue
        if marker in (0x00, _SOI):
            continue  # not a segment here: a stuffed byte out of place, or a second SOI
        if position + 2 > end:
            break
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > end:
            break  # cut short: a decoder cannot get past this point either
        body = data[position + 2 : position + length]
        position += length
        kept = _kept_segment(marker, body)
        if kept is not None:
            out += bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept
        if marker == _SOS:
            scan_end = _entropy_coded_end(data, position)
            out += data[position:scan_end]
            position = scan_end
    return bytes(out)


def _kept_segment(marker: int, body: bytes) -> bytes | None:
    if marker == _APP0:
        if body.startswith(b"JFIF\x00") and len(body) >= _JFIF_HEADER + 2:
            return body[:_JFIF_HEADER] + b"\x00\x00"  # a 0x0 thumbnail: no picture inside
        return None  # JFXX and others carry thumbnails
    if marker == _APP14:
        if body.startswith(b"Adobe") and len(body) >= _ADOBE_HEADER:
            return body[:_ADOBE_HEADER]
        return None
    if 0xE1 <= marker <= 0xEF or marker == _COM:
        return None
    return body  # frame, table, scan and restart-interval segments: what decoding needs


def _entropy_coded_end(data: bytes, position: int) -> int:
    """Where the compressed data after a scan header stops: at the next real marker.

    Inside the data an 0xFF byte is followed by 0x00 (a stuffed byte) or a restart
    marker; anything else, after any fill bytes, begins the next segment.
    """
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What a decoder needs to draw the picture, transparency included; text, EXIF, ICC,
# timestamps and private chunks are all left behind.
_PNG_KEPT_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        return b""
    out = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_end = position + 12 + length
        if chunk_end > len(data):
            break
        kind = data[position + 4 : position + 8]
        if kind in _PNG_KEPT_CHUNKS:
            out += data[position:chunk_end]
        position = chunk_end
        if kind == b"IEND":
            break
    return bytes(out)


_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
# Signature, file type, reader requirements, header (size, colours) and the codestream.
# XML and UUID boxes, where XMP, EXIF and GeoJP2 positions live, are left behind.
_JP2_KEPT_BOXES = {b"jP  ", b"ftyp", b"rreq", b"jp2h", b"jp2c"}


def strip_jp2(data: bytes) -> bytes:
    """A JPEG 2000 file (JP2 boxes) without its metadata boxes.

    A bare codestream, which PDFs may hold instead, has no boxes and carries only an
    optional comment marker naming the encoder software; it is returned as it is.
    """
    if not data.startswith(_JP2_SIGNATURE):
        return data if data.startswith(b"\xff\x4f\xff\x51") else b""
    out = bytearray()
    position = 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if size == 1:  # a 64-bit size follows the type
            if position + 16 > len(data):
                break
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - position
        if size < 8 or position + size > len(data):
            break
        if kind in _JP2_KEPT_BOXES:
            out += data[position : position + size]
        position += size
    return bytes(out)
