"""The in-memory gallery against brute force, and its reload as enrollment changes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipoff.attendance import sealed
from tipoff.attendance.gallery import forget_galleries, site_gallery
from tipoff.attendance.matching import Gallery, template_of
from tipoff.attendance.models import Enrollment, Site
from tipoff.attendance.services import _enrollment_erase, _enrollment_write


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(1, 60),
    removals=st.lists(st.integers(0, 59), max_size=10),
    k=st.integers(1, 5),
)
def test_nearest_matches_brute_force_after_any_changes(seed, count, removals, k):
    rng = np.random.default_rng(seed)
    rows = {person: rng.normal(size=16).astype(np.float32) for person in range(100, 100 + count)}
    gallery = Gallery(16, capacity=2)  # starts small, so it has to grow
    for person, vector in rows.items():
        gallery.put(person, vector)
    for index in removals:
        person = 100 + index
        gallery.remove(person)
        rows.pop(person, None)
    replaced = next(iter(rows), None)
    if replaced is not None:
        rows[replaced] = rng.normal(size=16).astype(np.float32)
        gallery.put(replaced, rows[replaced])
    assert len(gallery) == len(rows)
    query = rng.normal(size=16).astype(np.float32)
    found = gallery.nearest(query, k=k)
    expected = sorted((float(np.linalg.norm(v - query)), p) for p, v in rows.items())[:k]
    assert [c.person_id for c in found] == [p for _d, p in expected]
    assert np.allclose([c.distance for c in found], [d for d, _p in expected], atol=1e-4)


def test_empty_gallery_and_wrong_dimensions():
    gallery = Gallery(4)
    assert gallery.nearest(np.zeros(4, dtype=np.float32)) == []
    with pytest.raises(ValueError, match="dimensions"):
        gallery.put(1, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="at least one"):
        template_of(np.zeros((0, 4), dtype=np.float32))


def _vectors(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(3, 128)).astype(np.float32) / 10


@pytest.mark.django_db
def test_each_process_follows_enrollment_changes_incrementally(
    site: Site, make_employee, django_assert_max_num_queries
):
    a, b, c = make_employee("A"), make_employee("B"), make_employee("C")
    _enrollment_write(employee=a, site=site, vectors=_vectors(1))
    first = site_gallery(site)
    assert a.pk in first and len(first) == 1
    with django_assert_max_num_queries(1):  # unchanged: one query for the version
        assert site_gallery(site) is first

    _enrollment_write(employee=b, site=site, vectors=_vectors(2))
    _enrollment_write(employee=c, site=site, vectors=_vectors(3))
    _enrollment_erase(Enrollment.objects.select_related("site").get(employee=a))
    second = site_gallery(site)
    assert second is not first and a.pk in first  # the old gallery was not touched
    assert {b.pk, c.pk} <= set(int(i) for i in second._ids[: len(second)]) and a.pk not in second
    hit = second.nearest(template_of(_vectors(3)), k=1)[0]
    assert hit.person_id == c.pk and hit.distance < 1e-5

    # A process starting now (empty cache) loads the same thing in one go.
    forget_galleries()
    fresh = site_gallery(site)
    assert len(fresh) == 2 and a.pk not in fresh


@pytest.mark.django_db
def test_a_recreated_site_with_the_same_id_is_not_served_a_stale_gallery(site: Site, make_employee):
    a = make_employee("A")
    _enrollment_write(employee=a, site=site, vectors=_vectors(1))
    assert a.pk in site_gallery(site)
    Site.objects.filter(pk=site.pk).update(gallery_epoch="00000000-0000-0000-0000-000000000001")
    Enrollment.objects.all().delete()
    assert len(site_gallery(site)) == 0


@pytest.mark.django_db
def test_templates_of_another_engine_are_ignored(site: Site, make_employee):
    a = make_employee("A")
    row = _enrollment_write(employee=a, site=site, vectors=_vectors(1))
    Enrollment.objects.filter(pk=row.pk).update(engine="some-older-model")
    assert a.pk not in site_gallery(site)
    assert sealed.open_vectors(
        bytes(row.template), label=sealed.template_label(a.pk, site.pk, "template")
    ).shape == (1, 128)
