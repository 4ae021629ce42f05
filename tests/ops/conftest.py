"""Operations tests reuse the intake fixtures (real JPEGs with metadata)."""

import pytest

from tests.reports.conftest import gps_jpeg  # noqa: F401  (a fixture)


@pytest.fixture
def own_evidence_storage(settings, tmp_path):
    """An empty evidence folder for this test alone (other tests leave blobs behind)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "tipoff.lib.storage.ShreddingFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path / "evidence"
