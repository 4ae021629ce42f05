"""Measuring recognition accuracy on a manifest of labelled photos.

The manifest (the format of ``../shared/data/faces/manifest.json``) has
``verification_pairs`` ``[a, b, same]``, ``identities`` (name -> photos: the
first ones are enrolled as a template, the rest are probes) and ``unknown``
(people never enrolled). Paths are relative to the manifest's folder.

The protocol mirrors the kiosk: the HOG detector (upsampled once if it finds
nothing), the face nearest the photo's centre, 5-point alignment, one
embedding per photo, templates of up to five photos, and one distance
threshold. A photo without a detectable face counts against the engine: a
probe is not identified, a pair is judged "different". A stranger without a
face is rejected, as the kiosk would.
"""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from tipoff.attendance.engine import engine
from tipoff.attendance.images import decode
from tipoff.attendance.matching import Gallery, Vector, template_of

ENROLL_MAX = 5
# The calibration rule: the threshold at which a normal fit to never-enrolled
# faces' nearest-template distances predicts a 0.2% stranger accept rate, a
# fifth of the 1% target. The margin covers a heavier tail than the normal
# (seen on LFW) and galleries larger than the calibration one.
CALIBRATION_TARGET = 0.002


@dataclass(frozen=True)
class Results:
    pair_accuracy: float | None
    tar_at_far_1e_2: float | None
    tar_at_far_1e_3: float | None
    rank1: float
    genuine_identified_rate: float
    stranger_accept_rate: float
    threshold: float
    calibrated_threshold: float | None
    engine: str
    enrolled: int
    probes: int
    strangers: int
    pairs: int
    no_face: int

    def as_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["tar_at_far_1e-2"] = data.pop("tar_at_far_1e_2")
        data["tar_at_far_1e-3"] = data.pop("tar_at_far_1e_3")
        rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}
        return json.dumps(rounded, sort_keys=True)


def photo_embedding(path: str) -> Vector | None:
    """The embedding of the face nearest the centre of a photo file, or None."""
    face_engine = engine()
    image = decode(Path(path).read_bytes())
    faces = face_engine.faces(image, upsample=0) or face_engine.faces(image, upsample=1)
    return _embed_central(image, faces)


def kiosk_embedding(path: str) -> Vector | None:
    """The embedding the kiosk computes: the face the mesh found, then dlib's detector on a
    crop around it (``checkin.recognition_face``) instead of on the whole picture."""
    from tipoff.attendance.checkin import recognition_face
    from tipoff.attendance.engine.mesh import tracker

    image = decode(Path(path).read_bytes())
    mesh_face, _crowded = tracker().first(image)
    if mesh_face is None:
        return None
    face = recognition_face(image, mesh_face)
    return engine().embed(image, face) if face is not None else None


def _embed_central(image: np.ndarray, faces: list[Any]) -> Vector | None:
    face_engine = engine()
    if not faces:
        return None
    cx, cy = image.shape[1] / 2, image.shape[0] / 2
    face = min(
        faces,
        key=lambda f: math.hypot(
            (f.box.left + f.box.right) / 2 - cx, (f.box.top + f.box.bottom) / 2 - cy
        ),
    )
    return face_engine.embed(image, face)


def embed_all(
    paths: Sequence[str], *, jobs: int = 1, kiosk: bool = False
) -> dict[str, Vector | None]:
    unique = sorted(set(paths))
    embed = kiosk_embedding if kiosk else photo_embedding
    if jobs <= 1:
        return {p: embed(p) for p in unique}
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return dict(zip(unique, pool.map(embed, unique, chunksize=16), strict=True))


def pair_accuracy(
    distances: np.ndarray, same: np.ndarray, folds: int = 10, fallback: float = 0.6
) -> float:
    """LFW's protocol: the threshold is chosen on nine folds and tested on the tenth.

    With too few pairs for that, ``fallback`` (dlib's customary 1:1 distance) is used.
    """
    correct = 0
    folds = max(1, min(folds, len(distances) // 2))
    fold_of = np.arange(len(distances)) % folds
    for fold in range(folds):
        train, test = fold_of != fold, fold_of == fold
        best_t, best_acc = fallback, -1.0
        candidates = np.unique(distances[train][np.isfinite(distances[train])])
        for t in np.concatenate([candidates + 1e-6, [0.0]]) if train.any() else []:
            acc = float(((distances[train] < t) == same[train]).mean())
            if acc > best_acc:
                best_t, best_acc = float(t), acc
        correct += int(((distances[test] < best_t) == same[test]).sum())
    return correct / len(distances)


def tar_at_far(distances: np.ndarray, same: np.ndarray, far: float) -> float:
    """Genuine accept rate at the loosest threshold whose false accept rate is at most ``far``."""
    if not same.any():
        return 0.0
    negatives = np.sort(distances[~same])
    allowed = math.floor(far * len(negatives))
    threshold = negatives[allowed] if allowed < len(negatives) else np.inf
    return float((distances[same] < threshold).mean())


def calibrate(
    stranger_distances: Sequence[float], target: float = CALIBRATION_TARGET
) -> float | None:
    """The threshold the calibration rule picks, rounded down to 0.01."""
    values = np.asarray(stranger_distances, dtype=np.float64)
    if len(values) < 20:
        return None
    fitted = NormalDist(float(values.mean()), float(values.std(ddof=1)))
    return math.floor(fitted.inv_cdf(target) * 100) / 100


def evaluate(
    manifest_path: Path,
    *,
    threshold: float | None = None,
    pairs: bool = True,
    jobs: int = 1,
    kiosk: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Results:
    manifest = json.loads(manifest_path.read_text())
    root = manifest_path.parent

    def full(p: str) -> str:
        return str(root / p)

    identities: dict[str, list[str]] = manifest.get("identities", {})
    strangers: list[str] = manifest.get("unknown", [])
    verification = manifest.get("verification_pairs", []) if pairs else []
    paths = [full(p) for photos in identities.values() for p in photos] + [
        full(p) for p in strangers
    ]
    paths += [full(p) for a, b, _same in verification for p in (a, b)]
    if progress:
        progress(f"embedding {len(set(paths))} photos with {jobs} job(s)")
    embedded = embed_all(paths, jobs=jobs, kiosk=kiosk)
    face_engine = engine()
    limit = face_engine.match_threshold if threshold is None else threshold

    gallery = Gallery(face_engine.dimensions, capacity=len(identities) + 1)
    probes: list[tuple[int, Vector | None]] = []
    for number, (_name, photos) in enumerate(sorted(identities.items())):
        count = min(ENROLL_MAX, max(1, len(photos) // 2))
        vectors = [v for p in photos[:count] if (v := embedded[full(p)]) is not None]
        if vectors:
            gallery.put(number, template_of(vectors))
        probes += [(number, embedded[full(p)]) for p in photos[count:]]

    ranked = ranked_ok = 0
    for number, vector in probes:
        best = gallery.nearest(vector, k=1) if vector is not None else []
        if best and best[0].person_id == number:
            ranked += 1
            ranked_ok += best[0].distance < limit
    nearest_strangers = [
        gallery.nearest(v, k=1)[0].distance
        for p in strangers
        if (v := embedded[full(p)]) is not None and len(gallery)
    ]
    accepted = sum(d < limit for d in nearest_strangers)

    pair_acc = tar2 = tar3 = None
    if verification:
        distances = np.array(
            [
                np.linalg.norm(va - vb)
                if (va := embedded[full(a)]) is not None and (vb := embedded[full(b)]) is not None
                else np.inf
                for a, b, _same in verification
            ]
        )
        same = np.array([bool(s) for _a, _b, s in verification])
        pair_acc = pair_accuracy(distances, same)
        tar2, tar3 = tar_at_far(distances, same, 1e-2), tar_at_far(distances, same, 1e-3)

    return Results(
        pair_accuracy=pair_acc,
        tar_at_far_1e_2=tar2,
        tar_at_far_1e_3=tar3,
        rank1=ranked / len(probes) if probes else 0.0,
        genuine_identified_rate=ranked_ok / len(probes) if probes else 0.0,
        stranger_accept_rate=accepted / len(strangers) if strangers else 0.0,
        threshold=limit,
        calibrated_threshold=calibrate(nearest_strangers),
        engine=face_engine.name,
        enrolled=len(gallery),
        probes=len(probes),
        strangers=len(strangers),
        pairs=len(verification),
        no_face=sum(v is None for v in embedded.values()),
    )
