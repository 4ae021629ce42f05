"""The orphan sweep: storage blobs that no row refers to are shredded after a grace period.

``report_submit`` and its kin write evidence to storage before the transaction
that records it; if the process dies in between (a crash, a SIGKILL, a lost
database) the ciphertext stays behind, readable by nobody but never wanted.
Evidence rows (``reports.Evidence``) and case files (``cases.CaseFile``) are
the only things that point into the evidence storage. The sweep lists the
storage first and reads the referenced names second, so a blob whose row
commits meanwhile is seen as referenced; a blob whose row is not committed yet
is younger than the grace period and is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

from tipoff.cases.models import CaseFile
from tipoff.lib import vault
from tipoff.reports.models import Evidence

logger = logging.getLogger(__name__)

# What vault.blob_put names a blob (a storage may add a suffix to avoid a clash).
BLOB_NAME = re.compile(r"^[0-9a-f]{32}(_[A-Za-z0-9]{7})?\.bin$")


def referenced_blob_names() -> set[str]:
    """Every storage name a row refers to."""
    names = set(Evidence.objects.values_list("storage_name", flat=True))
    names.update(CaseFile.objects.values_list("storage_name", flat=True))
    return names


def stored_blob_names(*, storage: str = vault.EVIDENCE) -> list[str]:
    _dirs, files = storages[storage].listdir("")
    return [name for name in files if BLOB_NAME.match(name)]


def orphans_sweep(
    *,
    grace: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    storage: str = vault.EVIDENCE,
) -> int:
    """Shred unreferenced blobs older than ``grace``; returns how many."""
    grace = grace if grace is not None else dt.timedelta(hours=settings.ORPHAN_BLOB_GRACE_HOURS)
    now = now or timezone.now()
    stored = stored_blob_names(storage=storage)
    referenced = referenced_blob_names()
    backend = storages[storage]
    shredded = 0
    for name in stored:
        if name in referenced:
            continue
        try:
            written = backend.get_modified_time(name)
        except (FileNotFoundError, OSError):
            continue  # gone meanwhile
        if timezone.is_naive(written):
            written = timezone.make_aware(written, dt.UTC)
        if now - written < grace:
            continue
        vault.blob_shred(name, storage=storage)
        shredded += 1
    if shredded:
        logger.warning("orphan sweep shredded %d unreferenced blob(s)", shredded)
    return shredded
