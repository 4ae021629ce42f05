"""tipoff.lib.evidence on audio and video: remuxed by ffmpeg, every tag left behind.

Samples are made with ffmpeg where it is installed; without it only the refusal is tested.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

import pytest
from evidence_samples import LIMIT, rejected

from tipoff.lib.evidence import media_tools_available, sanitise

pytestmark = pytest.mark.one_leg

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe not installed (Debian package 'ffmpeg'); media remuxing untested",
)


@pytest.fixture
def make_media(tmp_path: Path):
    def make(name: str, *arguments: str) -> bytes:
        path = tmp_path / name
        command = ["ffmpeg", "-v", "error", "-nostdin", "-y", *arguments, str(path)]
        subprocess.run(command, check=True, timeout=60)
        return path.read_bytes()

    return make


def probe(data: bytes, directory: Path) -> dict:
    path = directory / "probe-me"
    path.write_bytes(data)
    command = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, check=True, capture_output=True).stdout)


def all_tags(report: dict) -> dict[str, str]:
    tags = dict(report["format"].get("tags", {}))
    for stream in report["streams"]:
        tags.update(stream.get("tags", {}))
    return tags


TAGS = ["-metadata", "title=SecretTitle", "-metadata", "artist=Jane Whistle"]
LOCATION = ["-metadata", "location=+31.2+121.4/", "-metadata", "creation_time=2024-05-17T23:41:07Z"]
SINE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.5"]
PICTURE = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=0.5"]


@needs_ffmpeg
@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("clip.mp4", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION],
         ("video", "mp4", "video/mp4")),
        ("clip.mov", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION, "-f", "mov"],
         ("video", "mov", "video/quicktime")),
        ("clip.3gp", [*PICTURE, *SINE, "-c:v", "mpeg4", "-c:a", "aac", *LOCATION, "-f", "3gp"],
         ("video", "3gp", "video/3gpp")),
        ("clip.webm", [*PICTURE, *SINE, "-c:v", "libvpx", "-c:a", "libopus"],
         ("video", "webm", "video/webm")),
        ("memo.m4a", [*SINE, "-c:a", "aac", *LOCATION, "-f", "ipod"],
         ("audio", "m4a", "audio/mp4")),
        ("memo.mp3", [*SINE, "-c:a", "libmp3lame"], ("audio", "mp3", "audio/mpeg")),
        ("memo.ogg", [*SINE, "-c:a", "libvorbis"], ("audio", "ogg", "audio/ogg")),
        ("memo.opus", [*SINE, "-c:a", "libopus", "-f", "ogg"], ("audio", "ogg", "audio/ogg")),
        ("memo.aac", [*SINE, "-c:a", "aac", "-f", "adts", "-write_apetag", "1"],
         ("audio", "aac", "audio/aac")),
        ("memo.webm", [*SINE, "-c:a", "libopus", "-f", "webm"], ("audio", "webm", "audio/webm")),
        ("memo.wav", [*SINE], ("audio", "wav", "audio/wav")),
    ],
)  # fmt: skip
def test_media_is_remuxed_without_metadata(
    make_media, tmp_path: Path, name: str, arguments: list[str], expected: tuple[str, str, str]
) -> None:
    original = make_media(name, *arguments, *TAGS)
    assert b"SecretTitle" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.kind, result.extension, result.media_type) == expected
    after = probe(result.content, tmp_path)
    leaked = {key: value for key, value in all_tags(after).items() if "Secret" in value}
    assert not leaked
    assert not {"title", "artist", "location", "creation_time"} & all_tags(after).keys()
    for trace in (b"Secret", b"Jane", b"+31.2", b"2024-05-17"):
        assert trace not in result.content
    assert float(after["format"]["duration"]) > 0.3  # still plays


@needs_ffmpeg
def test_mp4_is_written_for_fast_start(make_media) -> None:
    original = make_media("clip.mp4", *PICTURE, "-c:v", "mpeg4")
    result = sanitise(original, max_bytes=LIMIT)
    assert result.content.index(b"moov") < result.content.index(b"mdat")


@needs_ffmpeg
def test_mp3_cover_art_is_dropped(make_media, tmp_path: Path) -> None:
    cover = ["-f", "lavfi", "-i", "color=red:size=16x16:duration=1"]
    original = make_media(
        "song.mp3", *SINE, *cover, "-map", "0", "-map", "1", "-c:a", "libmp3lame",
        "-c:v", "png", "-frames:v", "1", "-disposition:v", "attached_pic", *TAGS,
    )  # fmt: skip
    assert any(s["codec_type"] == "video" for s in probe(original, tmp_path)["streams"])

    result = sanitise(original, max_bytes=LIMIT)

    assert result.kind == "audio"
    assert [s["codec_type"] for s in probe(result.content, tmp_path)["streams"]] == ["audio"]
    assert not result.content.startswith(b"ID3")


@needs_ffmpeg
def test_wav_info_chunk_is_dropped(tmp_path: Path) -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(8000))
    info = b"INFO" + b"IART" + struct.pack("<I", 12) + b"Jane Whistle"
    body = out.getvalue()[12:] + b"LIST" + struct.pack("<I", len(info)) + info
    original = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body
    assert b"Jane" in original

    result = sanitise(original, max_bytes=LIMIT)

    assert (result.kind, result.extension) == ("audio", "wav")
    assert b"Jane" not in result.content and b"LIST" not in result.content


@needs_ffmpeg
def test_kind_comes_from_the_brand_without_ffprobe(make_media, tmp_path, monkeypatch) -> None:
    video = make_media("clip.mp4", *PICTURE, "-c:v", "mpeg4")
    audio = make_media("memo.m4a", *SINE, "-c:a", "aac", "-f", "ipod")
    only_ffmpeg = tmp_path / "bin"
    only_ffmpeg.mkdir()
    (only_ffmpeg / "ffmpeg").symlink_to(shutil.which("ffmpeg"))
    monkeypatch.setenv("PATH", str(only_ffmpeg))

    assert sanitise(video, max_bytes=LIMIT).kind == "video"
    assert sanitise(audio, max_bytes=LIMIT).kind == "audio"


@needs_ffmpeg
@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x18ftypisom" + bytes(64),
        b"OggS" + b"garbage" * 10,
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm" + bytes(40),
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 30,
    ],
)
def test_broken_media_is_corrupt_and_leaves_no_temp_files(data, tmp_path, monkeypatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    assert rejected(data) == "corrupt"
    assert list(scratch.iterdir()) == []


@needs_ffmpeg
def test_good_media_leaves_no_temp_files(make_media, tmp_path, monkeypatch) -> None:
    original = make_media("memo.ogg", *SINE, "-c:a", "libvorbis", *TAGS)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    sanitise(original, max_bytes=LIMIT)

    assert list(scratch.iterdir()) == []


def test_media_is_refused_when_ffmpeg_is_missing(tmp_path: Path, monkeypatch) -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(800))
    monkeypatch.setenv("PATH", str(tmp_path))

    assert media_tools_available() is False
    assert rejected(out.getvalue()) == "media_unavailable"
