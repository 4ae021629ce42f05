"""File storage for encrypted evidence.

Only ciphertext ever reaches storage. On local disks, deleting a file first
overwrites it, so that retention purges leave nothing to undelete.

On an S3-compatible object store (``EvidenceS3Storage``, django-storages) a
delete is the store's delete: nothing can be overwritten in place, and the
store decides when the bytes leave its disks. If the bucket keeps versions,
``delete`` also removes every stored version of the object, so a purge does
not leave an older version behind; configure versioned buckets to expire
non-current versions anyway (docs/deployment.md).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


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


def _s3_base() -> type:
    from storages.backends.s3 import S3Storage

    return S3Storage


class EvidenceS3Storage(_s3_base()):  # type: ignore[misc]
    """Evidence in an S3-compatible bucket: private objects, never served by URL."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("default_acl", None)
        settings.setdefault("querystring_auth", True)
        settings.setdefault("file_overwrite", False)
        settings.setdefault("object_parameters", {"ContentType": "application/octet-stream"})
        super().__init__(**settings)

    def delete(self, name: str) -> None:
        super().delete(name)
        from storages.utils import clean_name

        key = self._normalize_name(clean_name(name))
        client = self.connection.meta.client
        try:
            listing = client.list_object_versions(Bucket=self.bucket_name, Prefix=key)
        except Exception as exc:  # a store without versioning support
            logger.debug("no version listing (%s)", type(exc).__name__)
            return
        for entry in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            if entry.get("Key") == key and entry.get("VersionId") not in (None, "null"):
                client.delete_object(Bucket=self.bucket_name, Key=key, VersionId=entry["VersionId"])
