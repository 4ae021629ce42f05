"""Recognition accuracy on the LFW subset (../shared/data/faces): the shipped
threshold keeps never-enrolled people out (at most 1% accepted) and still
identifies enrolled ones (rank-1 at least 95%).

It embeds about a thousand photos (a couple of minutes on two cores) and does
not touch the database, so CI runs it on the SQLite leg only.
"""

from __future__ import annotations

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command

from tests.attendance.helpers import FACES
from tipoff.attendance.engine import engine
from tipoff.attendance.evaluation import evaluate

pytestmark = pytest.mark.slow


@pytest.fixture
def manifest():
    if os.environ.get("TIPOFF_DB_LEG") == "postgres":
        pytest.skip(
            "LFW evaluation is database-independent: it runs on the SQLite leg only (TIPOFF_DB_LEG=postgres)"
        )
    path = FACES / "manifest.json"
    if not path.is_file():
        pytest.skip(f"LFW manifest not found at {path} (../shared/data/faces): evaluation skipped")
    return path


def test_shipped_threshold_rejects_strangers_and_identifies_employees(manifest):
    results = evaluate(manifest, pairs=False, jobs=min(2, os.cpu_count() or 1))
    assert results.threshold == engine().match_threshold
    assert results.strangers >= 200 and results.probes >= 300
    assert results.stranger_accept_rate <= 0.01, results
    assert results.rank1 >= 0.95, results
    assert results.genuine_identified_rate >= 0.90, results
    # The rule that chose the shipped threshold picks no looser one on this data.
    assert (
        results.calibrated_threshold is not None
        and results.calibrated_threshold >= results.threshold - 0.02
    )


def test_the_command_prints_one_json_object_last(tmp_path):
    """The command's contract, on a tiny manifest (two identities, one stranger, one pair)."""
    if not (FACES / "small" / "johns").is_dir():
        pytest.skip(f"face photos not found at {FACES}: skipped")
    johns = sorted((FACES / "small" / "johns").iterdir())
    small = {
        "identities": {p.name: [str(f) for f in sorted(p.glob("*.jpg"))[:6]] for p in johns[:2]},
        "unknown": [str(sorted(johns[2].glob("*.jpg"))[0])],
        "verification_pairs": [
            [str(sorted(johns[0].glob("*.jpg"))[0]), str(sorted(johns[0].glob("*.jpg"))[1]), 1]
        ],
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(small))
    out = StringIO()
    call_command("attendance_evaluate", "--manifest", str(path), stdout=out, stderr=StringIO())
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    for key in (
        "pair_accuracy",
        "tar_at_far_1e-2",
        "tar_at_far_1e-3",
        "rank1",
        "genuine_identified_rate",
        "stranger_accept_rate",
        "threshold",
    ):
        assert key in last
    assert (
        last["rank1"] == 1.0
        and last["stranger_accept_rate"] == 0.0
        and last["pair_accuracy"] == 1.0
    )
