"""The presentation-attack evaluation: genuine sequences and attacks made from the photos
of a manifest, run through the same liveness check as the kiosk, and counted in the
vocabulary of ISO/IEC 30107-3:

- **APCER** (attack presentation classification error rate), per attack type: the
  share of attack presentations accepted as bona fide (live);
- **BPCER** (bona fide presentation classification error rate): the share of
  genuine presentations refused.

Every frame goes through JPEG at the kiosk's quality before it is measured.
The same seed gives the same sequences.
"""

from __future__ import annotations

import io
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from tipoff.attendance import liveness
from tipoff.attendance.engine.mesh import MeshFace, tracker
from tipoff.attendance.pad import attacks, genuine

KIOSK_SIZE = (480, 360)
JPEG_QUALITY = 85


def camera_frame(path: Path) -> np.ndarray:
    """A photo as the kiosk camera frames a person: scaled to fill 480x360 (4:3)."""
    photo = PILImage.open(path).convert("RGB")
    side = KIOSK_SIZE[0]
    photo = photo.resize((side, side * photo.height // photo.width), PILImage.Resampling.BICUBIC)
    top = (photo.height - KIOSK_SIZE[1]) // 2
    return np.asarray(photo.crop((0, top, side, top + KIOSK_SIZE[1])))


def through_jpeg(frame: np.ndarray) -> np.ndarray:
    buffer = io.BytesIO()
    PILImage.fromarray(frame).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return np.asarray(PILImage.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


@dataclass(frozen=True)
class Subject:
    name: str
    frontal: np.ndarray
    frontal_face: MeshFace
    turned: np.ndarray | None  # another photo turned to the person's left, if any
    turned_face: MeshFace | None


def subject(name: str, photos: Sequence[Path]) -> Subject | None:
    """The person's most frontal photo, and their most turned one (mirrored to face left)."""
    follower = tracker()
    seen = []
    for path in photos:
        frame = camera_frame(path)
        face, crowded = follower.first(frame)
        if face is not None and not crowded:
            seen.append((liveness.turn_signal(face.points), frame, face))
    if not seen:
        return None
    seen.sort(key=lambda item: abs(item[0]))
    base, frontal, frontal_face = seen[0]
    if abs(base) > 0.15:
        return None  # nobody faces the camera in this person's photos
    others = [item for item in seen[1:] if abs(item[0] - base) >= 0.25]
    turned = turned_face = None
    if others:
        signal, turned, _face = max(others, key=lambda item: abs(item[0] - base))
        if signal < base:
            turned = np.ascontiguousarray(turned[:, ::-1])
        turned_face, _crowded = follower.first(turned)
    return Subject(name, frontal, frontal_face, turned, turned_face)


@dataclass(frozen=True)
class Outcome:
    presentation: str  # "bona_fide" or an attack type
    live: bool
    reason: str
    measures: dict[str, float] = field(default_factory=dict)
    failures: tuple[str, ...] = ()


def _mirror_face(image: np.ndarray) -> tuple[np.ndarray, MeshFace | None]:
    mirrored = np.ascontiguousarray(image[:, ::-1])
    face, _crowded = tracker().first(mirrored)
    return mirrored, face


def present(frames: Sequence[np.ndarray], kind: str, presentation: str) -> Outcome:
    observed, crowded = liveness.observe([through_jpeg(f) for f in frames], kind)
    verdict = liveness.verify(kind, observed, crowded=crowded)
    return Outcome(presentation, verdict.live, verdict.reason, verdict.measures, verdict.failures)


def run_subject(
    item: Subject, *, genuine_count: int, kinds: Sequence[str], seed: int
) -> list[Outcome]:
    rng = np.random.default_rng(seed)
    outcomes = []
    for _ in range(genuine_count):
        kind = liveness.random_challenge_with(rng)
        frames = genuine.sequence(item.frontal, item.frontal_face, kind, rng)
        outcomes.append(present(frames, kind, "bona_fide"))
    for attack in kinds:
        kind = liveness.random_challenge_with(rng)
        other = None
        if attack == "swap":
            if item.turned is None or item.turned_face is None:
                continue
            other = (item.turned, item.turned_face)
            if liveness.TURN_RIGHT in kind:
                mirrored, face = _mirror_face(item.turned)
                if face is None:
                    continue
                other = (mirrored, face)
        frames = attacks.sequence(attack, item.frontal, item.frontal_face, kind, rng, other=other)
        outcomes.append(present(frames, kind, attack))
    return outcomes


def _work(job: tuple[str, list[str], int, int, tuple[str, ...]]) -> list[Outcome]:
    name, photos, genuine_count, seed, kinds = job
    item = subject(name, [Path(p) for p in photos])
    if item is None:
        return []
    return run_subject(item, genuine_count=genuine_count, kinds=kinds, seed=seed)


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    def table(self) -> dict[str, dict[str, object]]:
        rows: dict[str, dict[str, object]] = {}
        for presentation in ["bona_fide", *attacks.KINDS]:
            mine = [o for o in self.outcomes if o.presentation == presentation]
            if not mine:
                continue
            accepted = sum(o.live for o in mine)
            refused = len(mine) - accepted
            row: dict[str, object] = {
                "presentations": len(mine),
                "accepted": accepted,
                "refused_by": dict(Counter(o.reason for o in mine if not o.live).most_common()),
                # How many each check refused on its own (a presentation can fail several).
                "failed_checks": dict(Counter(f for o in mine for f in o.failures).most_common()),
            }
            if presentation == "bona_fide":
                row["BPCER"] = round(refused / len(mine), 4)
            else:
                row["APCER"] = round(accepted / len(mine), 4)
            rows[presentation] = row
        return rows

    def as_json(self) -> str:
        attack_rows = [r for k, r in self.table().items() if k != "bona_fide"]
        summary = {
            "table": self.table(),
            "max_APCER": max((float(r["APCER"]) for r in attack_rows), default=0.0),  # type: ignore[arg-type]
        }
        return json.dumps(summary, sort_keys=True)


def evaluate(
    manifest_path: Path,
    *,
    people: int | None = None,
    genuine_per_person: int = 2,
    kinds: Sequence[str] = attacks.KINDS,
    seed: int = 30107,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Report:
    manifest = json.loads(manifest_path.read_text())
    root = manifest_path.parent
    identities: dict[str, list[str]] = manifest.get("identities", {})
    names = sorted(identities)[:people] if people else sorted(identities)
    work = [
        (
            name,
            [str(root / p) for p in identities[name]],
            genuine_per_person,
            seed + number,
            tuple(kinds),
        )
        for number, name in enumerate(names)
    ]
    if progress:
        progress(
            f"{len(work)} people, {genuine_per_person} genuine + {len(kinds)} attacks each, {jobs} job(s)"
        )
    if jobs <= 1:
        results = [_work(job) for job in work]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_work, work, chunksize=1)
    return Report([o for chunk in results for o in chunk])
