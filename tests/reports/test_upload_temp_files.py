"""An upload over 2 MB waits in a temporary file while the request is handled: the file as
sent, metadata and all. It must wait in RAM (a tmpfs), never on a disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def _filesystem_of(path: str) -> str:
    best, kind = "", ""
    for line in Path("/proc/mounts").read_text().splitlines():
        _device, mount, fstype, *_ = line.split()
        if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
            best, kind = mount, fstype
    return kind


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="this system has no /dev/shm")
def test_big_uploads_wait_in_ram_not_on_disk() -> None:
    assert settings.FILE_UPLOAD_TEMP_DIR == "/dev/shm"
    assert _filesystem_of(os.path.realpath(settings.FILE_UPLOAD_TEMP_DIR)) == "tmpfs"
