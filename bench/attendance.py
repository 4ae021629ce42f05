"""Attendance benchmark: check-in latency from frames to decision, and 1:N matching.

* Check-in: a kiosk attempt exactly as the kiosk page sends it — 25 JPEG
  frames of 480x360 at 10 a second (three facing the camera, a blink, a head
  turn), rendered from an LFW photo in ../shared/data/faces by
  ``tipoff.attendance.pad.genuine`` — through ``checkin_attempt``: decoding,
  the face mesh in every frame (BlazeFace once), the iris model on the
  reference and blink frames, the liveness checks, dlib's detector on a crop
  and one embedding, the 1:N match, the vote, the encrypted snapshot, and
  recording the event and the day's record in the database. Timed from the
  call to the decision.
* 1:N: one query against galleries of 1,000 and 100,000 enrolled templates
  (random 128-d vectors: the cost does not depend on the values), plus the
  time to decrypt templates when a process (re)loads a gallery.

    .venv/bin/python bench/attendance.py [--attempts 30]

Runs on a throw-away SQLite database in a temporary folder. Results print as
Markdown and are written to bench/results/attendance.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def setup_django(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipoff.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_checkin(attempts: int) -> dict[str, float]:
    import datetime as dt

    from tests.attendance.helpers import enrollment_photos, rendered_frames
    from tipoff.attendance.checkin import challenge_issue, checkin_attempt
    from tipoff.attendance.models import Kiosk, Schedule, Site
    from tipoff.attendance.services import consent_record, enrollment_create
    from tipoff.people.models import Unit
    from tipoff.people.services import body_create

    body = body_create(slug="bench", name_zh="基准", name_en="Bench").body
    unit = Unit.objects.create(body=body, name_zh="单位", name_en="Unit")
    schedule = Schedule.objects.create(
        body=body, name="Day", start=dt.time(8, 30), end=dt.time(17, 30), rest_weekdays=[]
    )
    site = Site.objects.create(body=body, name_zh="考勤点", name_en="Site")
    kiosk = Kiosk.objects.create(site=site, name="Bench kiosk")
    from tipoff.attendance.models import Employee

    person = "Spencer_Abraham"
    employee = Employee.objects.create(
        site=site, unit=unit, number="B1", name="Bench", schedule=schedule
    )
    consent_record(employee=employee, how="paper", actor=None)
    enrollment_create(employee=employee, photos=enrollment_photos(person), actor=None, via="upload")
    kind = "blink,turn_left"
    frames = rendered_frames(person, "0003", kind)  # not an enrollment photo
    # Time the costly steps too, by wrapping the engines' methods.
    from tipoff.attendance import images, liveness
    from tipoff.attendance.engine import engine
    from tipoff.attendance.engine.mesh import tracker

    face_engine = engine()
    follower = tracker()
    parts = ("decode", "mesh", "eyelids", "detect", "embed", "verify")
    spent = dict.fromkeys(parts, 0.0)

    def timed(name, method):  # type: ignore[no-untyped-def]
        def run(*a, **k):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                return method(*a, **k)
            finally:
                spent[name] += time.process_time() - started

        return run

    face_engine.faces = timed("detect", face_engine.faces)  # type: ignore[method-assign]
    face_engine.embed = timed("embed", face_engine.embed)  # type: ignore[method-assign]
    follower.track = timed("mesh", follower.track)  # type: ignore[method-assign]
    follower.eyelids = timed("eyelids", follower.eyelids)  # type: ignore[method-assign]
    images.decode = timed("decode", images.decode)  # type: ignore[assignment]
    liveness.verify = timed("verify", liveness.verify)  # type: ignore[assignment]
    timings, cpu, outcomes = [], [], []
    split: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(attempts + 2):
        challenge = challenge_issue(kiosk=kiosk)
        challenge.kind = kind
        challenge.save()
        spent.update(dict.fromkeys(parts, 0.0))
        started, started_cpu = time.perf_counter(), time.process_time()
        decision = checkin_attempt(
            kiosk=kiosk, challenge_id=str(challenge.pk), direction="in", frames=frames
        )
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        for name in parts:
            split[name].append(spent[name] * 1000)
        outcomes.append(decision.outcome)
    # The first attempts load the models.
    timings, cpu = timings[2:], cpu[2:]
    return {
        "attempts": attempts,
        "recognised": sum(o == "recognised" for o in outcomes[2:]),
        "frames": len(frames),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(percentile(cpu, 95), 1),
        **{
            f"{name}_cpu_p50_ms": round(statistics.median(values[2:]), 1)
            for name, values in split.items()
        },
    }


def bench_matching(sizes: list[int], queries: int) -> list[dict[str, float]]:
    import numpy as np

    from tipoff.attendance import sealed
    from tipoff.attendance.matching import Gallery

    rng = np.random.default_rng(7)
    results = []
    for size in sizes:
        vectors = (rng.normal(size=(size, 128)) * 0.05).astype(np.float32)
        started = time.perf_counter()
        gallery = Gallery.build(128, ((i, vectors[i]) for i in range(size)))
        build_ms = (time.perf_counter() - started) * 1000
        probes = (rng.normal(size=(queries, 128)) * 0.05).astype(np.float32)
        gallery.nearest(probes[0], k=2)
        times = []
        for probe in probes:
            started = time.perf_counter()
            gallery.nearest(probe, k=2)
            times.append((time.perf_counter() - started) * 1000)
        blobs = [
            sealed.seal_vectors(vectors[i], label=sealed.template_label(i, 1, "template"))
            for i in range(min(size, 5000))
        ]
        started = time.perf_counter()
        for i, blob in enumerate(blobs):
            sealed.open_vectors(blob, label=sealed.template_label(i, 1, "template"))
        decrypt_ms = (time.perf_counter() - started) * 1000 / len(blobs) * size
        results.append(
            {
                "enrolled": size,
                "query_p50_ms": round(statistics.median(times), 3),
                "query_p95_ms": round(percentile(times, 95), 3),
                "build_ms": round(build_ms, 1),
                "decrypt_all_ms": round(decrypt_ms, 1),
                "memory_mb": round(size * 128 * 4 / 1e6, 1),
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=30)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tipoff-bench-attendance-") as folder:
        setup_django(folder)
        checkin = bench_checkin(args.attempts)
        matching = bench_matching([1_000, 100_000], args.queries)
    load = os.getloadavg()[0]
    result = {
        "checkin": checkin,
        "matching": matching,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {load:.1f}",
    }
    out = ROOT / "bench" / "results" / "attendance.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"Check-in ({checkin['frames']} frames, {checkin['attempts']} attempts, {checkin['recognised']} recognised)"
    )
    print("| wall p50 | wall p95 | max | CPU p50 | CPU p95 |")
    print("|---|---|---|---|---|")
    print(
        f"| {checkin['p50_ms']} ms | {checkin['p95_ms']} ms | {checkin['max_ms']} ms | {checkin['cpu_p50_ms']} ms "
        f"| {checkin['cpu_p95_ms']} ms |"
    )
    print(
        "\nCPU p50 by step (ms): "
        + ", ".join(
            f"{k.removesuffix('_cpu_p50_ms')} {v}"
            for k, v in checkin.items()
            if k.endswith("_cpu_p50_ms") and k != "cpu_p50_ms"
        )
    )
    print(
        "\n1:N matching\n| enrolled | query p50 | query p95 | build | decrypt all templates | matrix |\n|---|---|---|---|---|---|"
    )
    for row in matching:
        print(
            f"| {row['enrolled']:,} | {row['query_p50_ms']} ms | {row['query_p95_ms']} ms | {row['build_ms']} ms "
            f"| {row['decrypt_all_ms']} ms | {row['memory_mb']} MB |"
        )
    print(f"\n{result['machine']}")


if __name__ == "__main__":
    main()
