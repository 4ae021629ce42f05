"""File storage for encrypted evidence.

Only ciphertext ever reaches storage. On local disks, deleting a file first
overwrites it, so that retention purges leave nothing to undelete.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage


class ShreddingFileSystemStorage(FileSystemStorage):
    def delete(self, name: str) -> None:
        path = self.path(name)
        try:
            size = os.path.getsize(path)
            with open(path, "r+b") as handle:
                remaining = size
                while remaining > 0:
                    step = min(remaining, 1024 * 1024)
                    handle.write(os.urandom(step))
                    remaining -= step
                handle.flush()
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return
        super().delete(name)
