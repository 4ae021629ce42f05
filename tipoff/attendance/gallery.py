"""Each web process's in-memory galleries, one per site, kept in step with the database.

A request asks ``site_gallery(site)``; one cheap query reads the site's
``gallery_version`` and, when it moved, only the enrollment rows changed since
the cached version are applied (a withdrawn enrollment is a tombstone row, so
removals arrive the same way). Updates go to a copy that then replaces the
cached gallery, so a thread matching at the same time never sees half an update.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from tipoff.attendance import sealed
from tipoff.attendance.engine import engine
from tipoff.attendance.matching import Gallery
from tipoff.attendance.models import Enrollment, Site


@dataclass(frozen=True)
class _Cached:
    epoch: str
    version: int
    gallery: Gallery


_galleries: dict[int, _Cached] = {}
_lock = threading.Lock()


def _apply(gallery: Gallery, site_id: int, rows: list[Enrollment]) -> None:
    name = engine().name
    for row in rows:
        if row.active and row.engine == name and row.template:
            label = sealed.template_label(row.employee_id, site_id, "template")
            gallery.put(row.employee_id, sealed.open_vectors(bytes(row.template), label=label)[0])
        else:
            gallery.remove(row.employee_id)


def _rows(site_id: int, *, after: int, upto: int, active_only: bool) -> list[Enrollment]:
    rows = Enrollment.objects.filter(site_id=site_id, version__gt=after, version__lte=upto)
    if active_only:
        rows = rows.filter(active=True)
    return list(rows.only("employee_id", "active", "engine", "template").order_by("version"))


def site_gallery(site: Site) -> Gallery:
    """The gallery of ``site``'s enrolled employees, current as of this call."""
    current = (
        Site.objects.filter(pk=site.pk).values_list("gallery_version", "gallery_epoch").first()
    )
    if current is None:
        return Gallery(engine().dimensions)
    version, epoch = int(current[0]), str(current[1])
    cached = _galleries.get(site.pk)
    if cached and cached.epoch == epoch and cached.version == version:
        return cached.gallery
    with _lock:
        cached = _galleries.get(site.pk)
        if cached and cached.epoch == epoch and cached.version == version:
            return cached.gallery
        if cached and cached.epoch == epoch and cached.version < version:
            gallery = cached.gallery.copy()
            _apply(
                gallery,
                site.pk,
                _rows(site.pk, after=cached.version, upto=version, active_only=False),
            )
        else:
            rows = _rows(site.pk, after=0, upto=version, active_only=True)
            gallery = Gallery(engine().dimensions, capacity=len(rows) + 16)
            _apply(gallery, site.pk, rows)
        _galleries[site.pk] = _Cached(epoch, version, gallery)
        return gallery


def forget_galleries() -> None:
    """Drop every cached gallery (tests, and after a key rotation)."""
    with _lock:
        _galleries.clear()
