"""Audio and video: remux with ffmpeg, copying the streams and none of the tags.

Remuxing copies streams without decoding them, so even a large video takes seconds and
the sound and pictures are exactly what was recorded. What goes: container and stream
tags (place, time, device), chapters, cover art, subtitles and data tracks (where action
cameras and dashcams log GPS). Without ffmpeg, recordings are refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .results import RejectedFile, SanitisedFile

MEDIA_TIMEOUT_SECONDS = 120


def media_tools_available() -> bool:
    return shutil.which("ffmpeg") is not None


@dataclass(frozen=True)
class Container:
    demuxer: str
    muxer: str
    audio: tuple[str, str]  # (extension, media type) when it holds sound only
    video: tuple[str, str] | None
    muxer_options: tuple[str, ...] = ()


_FASTSTART = ("-movflags", "+faststart")  # index first, so playback starts before download ends
_MP3 = Container("mp3", "mp3", ("mp3", "audio/mpeg"), None, ("-id3v2_version", "0"))
_AAC = Container("aac", "adts", ("aac", "audio/aac"), None)
_WAV = Container("wav", "wav", ("wav", "audio/wav"), None)
_AMR = Container("amr", "amr", ("amr", "audio/amr"), None)
_OGG = Container("ogg", "ogg", ("ogg", "audio/ogg"), ("ogv", "video/ogg"))
_WEBM = Container("matroska", "webm", ("webm", "audio/webm"), ("webm", "video/webm"))
_MP4 = Container("mov", "mp4", ("m4a", "audio/mp4"), ("mp4", "video/mp4"), _FASTSTART)
_MOV = Container("mov", "mov", ("mov", "video/quicktime"), ("mov", "video/quicktime"), _FASTSTART)
_3GP = Container("mov", "3gp", ("3gp", "audio/3gpp"), ("3gp", "video/3gpp"), _FASTSTART)


def media_container(data: bytes) -> tuple[Container, str] | None:
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


def sanitise_media(data: bytes, container: Container, guessed_kind: str) -> SanitisedFile:
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


def _probed_kind(source: Path, container: Container) -> str | None:
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
