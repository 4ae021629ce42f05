"""The body's search index: every report's words, held only where the body key is.

Search and duplicate suggestions look at every report of a body. Decrypting
each report on every search costs a public-key operation per report (seconds
at 100,000); a blind index of keyed word hashes would let anyone holding the
database and the server's secrets test guesses about contents. So:

* **What is indexed** for a report: its searchable text (what happened,
  where, when, the official's name and position, answers — folded to
  simplified characters and lower case), the official's name as a match key,
  a MinHash signature of its wording (for near-duplicates), its category and
  unit.
* **Where it is kept.** In the memory of the app-server process, built the
  first time a signed-in staff member with the body key searches, and only
  usable by a request that shows the same key (the cache is addressed by a
  hash of a key derived from it). Idle indexes are dropped after
  ``IDLE_SECONDS``.
* **What is stored.** Built parts are written back as *segments* encrypted
  under the **index key**, a sub-key of the body's private key: the database
  alone, or with every server secret, opens none of them. The next process
  loads a few large segments (one symmetric decryption each) instead of
  opening every report; only reports newer than the segments are opened one
  by one, and once enough of them gather they become a new segment.
* **Staying current.** Reports never change after intake; a new report, a
  purge, a merge or a forward changes the body's *content version* (count and
  newest id of its reports, plus ``Body.content_version``), which one cheap
  query reads on every use.

``docs/security.md`` (Search without a blind index) argues the design;
``docs/performance.md`` measures it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import zlib
from collections.abc import Container
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Max

from tipoff.lib import similarity, vault
from tipoff.office.models import SearchSegment
from tipoff.people.models import Body
from tipoff.reports.content import ReportContent
from tipoff.reports.models import Report
from tipoff.reports.selectors import report_content, report_data_key

SEGMENT_SIZE = 5000  # reports opened one by one before they are written as a segment
IDLE_SECONDS = 15 * 60
HASHES = 64
_rng = np.random.default_rng(20261129)
# 64 multiply-add hashes modulo 2**32 (odd multipliers): plenty for near-duplicate estimates.
_A = _rng.integers(0, 2**32, HASHES, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
_B = _rng.integers(0, 2**32, HASHES, dtype=np.uint64).astype(np.uint32)


# --- what one report contributes ----------------------------------------------------


def search_text(content: ReportContent) -> str:
    parts = [
        content.what,
        content.place,
        content.when_detail,
        content.official_name,
        content.official_position,
        content.unit_other,
        *content.answers.values(),
    ]
    return fold(" ".join(p for p in parts if p))


def fold(text: str) -> str:
    """Simplified characters, NFKC, lower case, single spaces: how text and queries compare."""
    return similarity.normalise(similarity.simplified(text))


def name_key(name: str) -> str:
    return "".join(similarity.tokens(similarity.simplified(name)))


def minhash(text: str) -> np.ndarray:
    """A 64-number signature; the share of equal numbers estimates Jaccard similarity."""
    grams = similarity.shingles(text)
    if not grams:
        return np.full(HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)
    hashed = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint32, count=len(grams))
    with np.errstate(over="ignore"):
        values = _A[:, None] * hashed[None, :] + _B[:, None]
    return values.min(axis=1)


COLUMNS = ("ids", "texts", "names", "categories", "units", "signatures")


@dataclass
class Docs:
    """Column-wise index entries, in report-id order."""

    ids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    categories: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    signatures: list[np.ndarray] = field(default_factory=list)

    def add(self, report: Report, content: ReportContent) -> None:
        text = search_text(content)
        self.ids.append(report.pk)
        self.texts.append(text)
        self.names.append(name_key(content.official_name))
        self.categories.append(report.category_id)
        self.units.append(report.unit_id or 0)
        self.signatures.append(minhash(text))

    def extend(self, other: Docs) -> None:
        for name in COLUMNS:
            getattr(self, name).extend(getattr(other, name))

    def to_bytes(self) -> bytes:
        payload = {
            "ids": self.ids,
            "texts": self.texts,
            "names": self.names,
            "categories": self.categories,
            "units": self.units,
            "signatures": base64.b64encode(
                np.asarray(self.signatures, dtype=np.uint32).tobytes()
            ).decode(),
        }
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode(), 6)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Docs:
        data = json.loads(zlib.decompress(raw))
        matrix = np.frombuffer(base64.b64decode(data["signatures"]), dtype=np.uint32)
        rows = matrix.reshape(-1, HASHES) if matrix.size else np.empty((0, HASHES), np.uint32)
        return cls(
            ids=data["ids"],
            texts=data["texts"],
            names=data["names"],
            categories=data["categories"],
            units=data["units"],
            signatures=list(rows),
        )


# --- the index of one body ----------------------------------------------------------


@dataclass
class BodyIndex:
    body_id: int
    version: tuple[int, int, int]
    docs: Docs
    matrix: np.ndarray  # the signatures, one row per report
    case_of: dict[int, int]  # report id -> the case it is handled in (merges followed)
    segmented_upto: int  # reports up to this id are in stored segments
    indexed_upto: int  # every report up to this id is in the index
    complete: bool = False  # nothing newer than indexed_upto when last looked
    version_seen: tuple[int, int] = (-1, -1)  # (newest id, tail count) when last caught up
    used_at: float = 0.0

    def __len__(self) -> int:
        return len(self.docs.ids)

    @property
    def pending(self) -> int:
        """Reports of the body not in the index yet (being opened, a budget per request)."""
        if self.complete:
            return 0
        return Report.objects.filter(body_id=self.body_id, pk__gt=self.indexed_upto).count()


def index_key(body_private_key: bytes) -> bytes:
    return vault.subkey(body_private_key, "search-index")


def _label(body_id: int, first: int, last: int) -> str:
    return f"search-segment:{body_id}:{first}:{last}"


def content_version(body_id: int) -> tuple[int, int, int]:
    """(the newest report's id, ``Body.content_version``, how many of the newest ids exist).

    Reports are only ever added, or removed by a merge, forward or purge, which
    bump ``content_version``. A report whose transaction committed late has an
    id below the newest: counting the reports among the newest ``RECHECK_IDS``
    ids (an index range scan) notices it. Three small lookups, whatever the size.
    """
    reports = Report.objects.filter(body_id=body_id)
    top = reports.aggregate(top=Max("id"))["top"] or 0
    touched = Body.objects.filter(pk=body_id).values_list("content_version", flat=True).first()
    tail = reports.filter(pk__gt=top - RECHECK_IDS).count() if top else 0
    return (top, touched or 0, tail)


def _case_map(body_id: int, after: int = 0, upto: int | None = None) -> dict[int, int]:
    """Report id -> the case it is handled in now (a merged case's reports go to its target)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, COALESCE(c.merged_into_id, c.id) FROM reports_report r "
            "JOIN cases_case c ON c.id = r.case_id "
            "WHERE r.body_id = %s AND r.id > %s AND r.id <= %s",
            [body_id, after, upto if upto is not None else 2**62],
        )
        return dict(cursor.fetchall())


# Transactions can commit out of id order: a report may appear below the newest id
# already indexed. The last ids are looked at again each time, to catch those.
RECHECK_IDS = 500


def _open_reports(
    body_id: int, body_key: bytes, after: int, deadline: float, known: set[int] | None = None
) -> tuple[Docs, int, bool]:
    """Open, one by one, reports newer than ``after`` (and not ``known``) until ``deadline``.

    Returns them, the id of the last one opened, and whether none is left.
    """
    docs, upto = Docs(), after
    reports = (
        Report.objects.filter(body_id=body_id, pk__gt=after)
        .only("id", "sealed_key", "content", "category_id", "unit_id")
        .order_by("id")
    )
    for report in reports.iterator(chunk_size=500):
        if known and report.pk in known:
            upto = max(upto, report.pk)
            continue
        data_key = report_data_key(report=report, body_private_key=body_key)
        docs.add(report, report_content(report=report, data_key=data_key))
        upto = report.pk
        if time.monotonic() > deadline:
            return docs, upto, False
    return docs, upto, True


def _segment_parts(body_id: int, key: bytes) -> list[tuple[SearchSegment, Docs]]:
    """Each stored segment with what it holds, oldest first."""
    parts = []
    for segment in SearchSegment.objects.filter(body_id=body_id).order_by("first_report_id"):
        label = _label(body_id, segment.first_report_id, segment.last_report_id)
        parts.append((segment, Docs.from_bytes(vault.unseal(key, segment.blob, label=label))))
    return parts


def _joined(parts: list[tuple[SearchSegment, Docs]]) -> tuple[Docs, int]:
    """The segments' entries as one ``Docs``, and the last report id they cover."""
    docs, last = Docs(), 0
    for segment, part in parts:
        docs.extend(part)
        last = max(last, segment.last_report_id)
    return docs, last


def _load_segments(body_id: int, key: bytes) -> tuple[Docs, int]:
    return _joined(_segment_parts(body_id, key))


def _write_segments(body_id: int, key: bytes, docs: Docs, after: int, ceiling: int) -> int:
    """Store full segments of the reports after ``after``; returns the new segmented id.

    Reports above ``ceiling`` (the newest few) stay out of segments: a report
    committed late with a lower id must still be caught by the recheck.
    """
    rows = sorted(
        (i for i, rid in enumerate(docs.ids) if after < rid <= ceiling), key=lambda i: docs.ids[i]
    )
    for start in range(0, len(rows) - SEGMENT_SIZE + 1, SEGMENT_SIZE):
        part = _select(docs, rows[start : start + SEGMENT_SIZE])
        first, last = part.ids[0], part.ids[-1]
        SearchSegment.objects.get_or_create(
            body_id=body_id,
            first_report_id=first,
            last_report_id=last,
            defaults={
                "count": len(part.ids),
                "blob": vault.seal(key, part.to_bytes(), label=_label(body_id, first, last)),
            },
        )
        after = last
    return after


def segments_rekey(*, body_id: int, old_private_key: bytes, new_private_key: bytes) -> int:
    """Seal the body's stored segments again under the index key of its new private key.

    Part of a body key rotation, in its transaction: afterwards the old key
    opens no segment, and search starts from the same segments at once rather
    than opening every report again. A segment already under the new key is
    left as it is (the rotation runs a second pass). Returns how many moved.
    """
    old, new = index_key(old_private_key), index_key(new_private_key)
    moved = 0
    segments = SearchSegment.objects.filter(body_id=body_id).only(
        "pk", "first_report_id", "last_report_id", "blob"
    )
    for segment in segments.iterator(chunk_size=4):
        label = _label(body_id, segment.first_report_id, segment.last_report_id)
        blob = bytes(segment.blob)
        try:
            vault.unseal(new, blob, label=label)
            continue
        except vault.DecryptionError:
            pass
        resealed = vault.seal(new, vault.unseal(old, blob, label=label), label=label)
        SearchSegment.objects.filter(pk=segment.pk).update(blob=resealed)
        moved += 1
    return moved


def _select(docs: Docs, rows: list[int]) -> Docs:
    picked = Docs()
    for name in COLUMNS:
        column = getattr(docs, name)
        setattr(picked, name, [column[i] for i in rows])
    return picked


def _matrix(docs: Docs) -> np.ndarray:
    if not docs.signatures:
        return np.empty((0, HASHES), dtype=np.uint32)
    return np.asarray(docs.signatures, dtype=np.uint32)


def _fresh(body_id: int, body_key: bytes, version: tuple[int, int, int]) -> BodyIndex:
    """Start from the stored segments, leaving out reports that went since they were written."""
    key = index_key(body_key)
    parts = _segment_parts(body_id, key)
    docs, segmented = _joined(parts)
    case_of = _case_map(body_id, upto=segmented)
    keep = [i for i, rid in enumerate(docs.ids) if rid in case_of]
    if len(keep) != len(docs.ids):
        docs = _select(docs, keep)
        _segments_forget(body_id, key, parts, present=case_of)
    return BodyIndex(body_id, version, docs, _matrix(docs), case_of, segmented, segmented)


def _segments_forget(
    body_id: int, key: bytes, parts: list[tuple[SearchSegment, Docs]], *, present: Container[int]
) -> None:
    """Seal again, with only the reports still ``present``, the stored segments that hold
    reports purged or moved to another body since, so their words do not outlive them.
    The server cannot open a segment by itself (no body key), so this happens at the first
    use by staff after."""
    for segment, part in parts:
        label = _label(body_id, segment.first_report_id, segment.last_report_id)
        rows = [i for i, rid in enumerate(part.ids) if rid in present]
        if len(rows) == len(part.ids):
            continue
        if not rows:
            SearchSegment.objects.filter(pk=segment.pk).delete()
            continue
        # The label names the segment's id range, which stays as it was.
        sealed = vault.seal(key, _select(part, rows).to_bytes(), label=label)
        SearchSegment.objects.filter(pk=segment.pk).update(blob=sealed, count=len(rows))


def _advance(index: BodyIndex, body_key: bytes, deadline: float) -> None:
    """Open the reports after those indexed, within the time budget of this request."""
    start = (
        max(index.segmented_upto, index.indexed_upto - RECHECK_IDS)
        if index.complete
        else index.indexed_upto
    )
    known = set(index.docs.ids[-2 * RECHECK_IDS :]) if start < index.indexed_upto else None
    fresh, upto, done = _open_reports(index.body_id, body_key, start, deadline, known)
    upto = max(upto, index.indexed_upto)
    index.complete = done
    if done:
        upto = max(upto, index.version[0])
    if fresh.ids:
        index.docs.extend(fresh)
        index.matrix = np.vstack([index.matrix, _matrix(fresh)])
    index.case_of.update(_case_map(index.body_id, after=start, upto=upto))
    index.indexed_upto = upto
    index.segmented_upto = _write_segments(
        index.body_id,
        index_key(body_key),
        index.docs,
        index.segmented_upto,
        ceiling=upto - RECHECK_IDS,
    )


# --- the process cache ---------------------------------------------------------------------

_cache: dict[tuple[int, str], BodyIndex] = {}
_lock = threading.Lock()


def _address(body_id: int, body_key: bytes) -> tuple[int, str]:
    """Only a request showing the body key finds the body's index."""
    return body_id, hashlib.sha256(index_key(body_key)).hexdigest()


def body_index(*, body_id: int, body_key: bytes) -> BodyIndex:
    """The body's index, caught up with its reports as far as this request's budget allows.

    A report that arrived since is opened and added; a merge, forward or purge
    (``Body.content_version``) makes the index start again from its segments.
    A body whose index was never built (or after a bulk import) is opened a
    budget of ``SEARCH_INDEX_BUILD_SECONDS`` per request, and ``pending`` says
    how many reports are not searched yet — or build it at once with
    ``manage.py search_index_build``.
    """
    now = time.monotonic()
    deadline = now + settings.SEARCH_INDEX_BUILD_SECONDS
    address = _address(body_id, body_key)
    version = content_version(body_id)
    with _lock:
        for stale in [a for a, idx in _cache.items() if now - idx.used_at > IDLE_SECONDS]:
            del _cache[stale]
        index = _cache.get(address)
        if index is None or index.version[1] != version[1]:
            index = _fresh(body_id, body_key, version)
            _cache[address] = index
        index.version = version
        if not index.complete or (version[0], version[2]) != index.version_seen:
            _advance(index, body_key, deadline)
            index.version_seen = (version[0], version[2])
        index.used_at = now
        return index


def build_all(*, body_id: int, body_key: bytes) -> BodyIndex:
    """Open every report not in a segment yet and store the segments (no time budget)."""
    version = content_version(body_id)
    index = _fresh(body_id, body_key, version)
    _advance(index, body_key, deadline=float("inf"))
    with _lock:
        _cache[_address(body_id, body_key)] = index
    return index


def forget_all() -> None:
    """Drop every cached index (tests; a process that wants its memory back)."""
    with _lock:
        _cache.clear()
