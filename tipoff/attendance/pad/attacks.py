"""Presentation attacks generated from photos, as a kiosk camera would see them.

Each attack answers a real challenge (``liveness.Plan``) as well as a picture
can. The attacker is given the best tools we could think of: a second copy of
the print with the eyes edited shut, swapped in exactly in place during the
blink step (otherwise every attack below fails at the blink, and the turn and
flatness checks would never be tested), and then, during the turn step, the
movement of the attack's kind, building up and coming back like a real turn.

Kinds (ISO/IEC 30107-3 calls each a presentation attack instrument species):

- ``still``: the print held still (hand shake only);
- ``shifted``, ``scaled``, ``rotated``: moved sideways, brought closer, turned in plane;
- ``sheared``: tilted about a diagonal, an affine shear of up to +-0.35;
- ``perspective``: turned about a vertical axis by up to 50 degrees, close to the lens;
- ``bent``: bent round a cylinder (vertical or horizontal axis, radius 0.5-1.2 face
  widths) and turned up to 35 degrees, seen in perspective;
- ``swap``: two different photos of the person, frontal then turned, swapped and
  aligned on the eyes (the second one turned the way asked);
- ``screen``: a phone or monitor replaying the perspective attack: moire, gamma,
  blur and a colour cast.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image as PILImage
from PIL import ImageFilter

from tipoff.attendance import liveness
from tipoff.attendance.engine.mesh import MESH, MeshFace
from tipoff.attendance.pad import genuine, warp

Image = warp.Image
KINDS = (
    "still",
    "shifted",
    "scaled",
    "rotated",
    "sheared",
    "perspective",
    "bent",
    "swap",
    "screen",
)


def _profile(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: how far into its movement the attack is (0-1), and eyes-shut (0-1)."""
    plan = liveness.Plan.parse(kind)
    motion = np.zeros(plan.frames)
    shut = np.zeros(plan.frames)
    start = liveness.REFERENCE_FRAMES
    for step in plan.steps:
        delay = int(rng.integers(1, 3))
        if step == liveness.BLINK:
            length = int(rng.integers(2, 4))
            shut[start + delay : start + delay + length] = 1.0
        else:
            rise, hold, fall = (
                int(rng.integers(3, 6)),
                int(rng.integers(1, 4)),
                int(rng.integers(3, 5)),
            )
            curve = np.r_[
                np.sin(np.linspace(0, np.pi / 2, rise + 1)[1:]),
                np.ones(hold),
                np.cos(np.linspace(0, np.pi / 2, fall + 1)[1:]),
            ]
            end = min(plan.frames, start + delay + len(curve))
            motion[start + delay : end] = curve[: end - start - delay]
        start += liveness.STEP_FRAMES[step]
    return motion, shut


def _turn_sign(kind: str) -> float:
    return 1.0 if liveness.TURN_LEFT in kind.split(",") else -1.0


def _shake(rng: np.random.Generator) -> np.ndarray:
    """A hand's tremor: a pixel or two of translation."""
    return np.array([[1, 0, rng.normal(0, 0.8)], [0, 1, rng.normal(0, 0.8)], [0, 0, 1]])


def _about(centre: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    to = np.array([[1, 0, -centre[0]], [0, 1, -centre[1]], [0, 0, 1]])
    back = np.array([[1, 0, centre[0]], [0, 1, centre[1]], [0, 0, 1]])
    return back @ matrix @ to


def _plane_turn(degrees: float, focal: float, distance_shift: float = 0.0) -> np.ndarray:
    """The homography of a plane facing the camera turned about a vertical axis through
    the centre (pixel coordinates centred on it), seen by a pinhole camera."""
    a = math.radians(degrees)
    # A point (x, y, 0) on the plane goes to (x cos a, y, x sin a) at depth focal + ...
    return (
        np.array(
            [[focal * math.cos(a), 0, 0], [0, focal, 0], [math.sin(a), 0, focal + distance_shift]]
        )
        / focal
    )


def _homography_frame(image: Image, h: np.ndarray) -> Image:
    coeffs = np.linalg.inv(h)
    coeffs = (coeffs / coeffs[2, 2]).ravel()[:8]
    picture = PILImage.fromarray(image).transform(
        (image.shape[1], image.shape[0]),
        PILImage.Transform.PERSPECTIVE,
        tuple(coeffs),
        resample=PILImage.Resampling.BILINEAR,
        fillcolor=(128, 128, 128),
    )
    return np.asarray(picture)


def _bent(image: Image, face: MeshFace, amount: float, params: dict[str, float]) -> Image:
    """The print bent round a cylinder and turned by ``amount`` x the maximum, in perspective."""
    height, width = image.shape[:2]
    centre = face.points[:, :2].mean(axis=0)
    face_width = float(np.ptp(face.points[:, 0]))
    radius = params["radius"] * face_width
    vertical_axis = params["vertical"] > 0.5
    angle = math.radians(params["degrees"] * amount)
    focal = 1.5 * width
    gy, gx = np.mgrid[0:height:24, 0:width:24].astype(np.float64)
    u, v = gx.ravel() - centre[0], gy.ravel() - centre[1]
    # Bend: arc length along the bent direction stays the length on the flat sheet.
    if vertical_axis:
        x, y, z = radius * np.sin(u / radius), v, radius * (1 - np.cos(u / radius))
    else:
        x, y, z = u, radius * np.sin(v / radius), radius * (1 - np.cos(v / radius))
    # Turn about the vertical axis through the face's centre, then project.
    xr = x * math.cos(angle) + z * math.sin(angle)
    zr = -x * math.sin(angle) + z * math.cos(angle)
    depth = focal + zr
    target = np.c_[focal * xr / depth, focal * y / depth] + centre
    # The same sheet flat and facing the camera, as in the reference frames.
    flat = np.c_[focal * x / (focal + z), focal * y / (focal + z)] + centre
    source = np.c_[gx.ravel(), gy.ravel()]
    bent_still = warp.thin_plate(image, source, flat, step=8)
    return warp.thin_plate(bent_still, flat, target, step=8)


def _screen(frame: Image, rng: np.random.Generator, phase: float) -> Image:
    """A picture shown on a screen and filmed: moire, gamma, blur, colour cast, noise."""
    height, width = frame.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    angle = 0.3 + phase
    moire = 1 + 0.07 * np.sin((xs * math.cos(angle) + ys * math.sin(angle)) * 0.9)
    picture = frame.astype(np.float64) / 255
    picture = picture**1.6 * moire[..., None] * np.array([0.92, 1.0, 1.08])
    picture += rng.normal(0, 0.015, picture.shape)
    out = np.clip(picture * 255, 0, 255).astype(np.uint8)
    return np.asarray(PILImage.fromarray(out).filter(ImageFilter.GaussianBlur(0.7)))


def sequence(
    attack: str,
    image: Image,
    face: MeshFace,
    kind: str,
    rng: np.random.Generator,
    *,
    other: tuple[Image, MeshFace] | None = None,
) -> list[Image]:
    """The frames a kiosk would capture of ``attack`` made from ``image`` (whose face mesh
    is ``face``), answering challenge ``kind``. ``swap`` needs ``other``: a photo of the
    same person turned the way asked, with its mesh."""
    motion, shut = _profile(kind, rng)
    sign = _turn_sign(kind)
    closed = genuine.render(image, face, genuine.Pose(closed=1.0))  # the edited print
    centre = face.points[:, :2].mean(axis=0)
    width = image.shape[1]
    params = {
        "shift": float(rng.uniform(0.1, 0.3)) * width,
        "scale": float(rng.uniform(0.15, 0.35)),
        "rotate": float(rng.uniform(10, 25)) * rng.choice([-1, 1]),
        "shear": float(rng.uniform(0.2, 0.35)) * sign,
        "degrees": float(rng.uniform(25, 50)) * sign,
        "radius": float(rng.uniform(0.5, 1.2)),
        "vertical": float(rng.random()),
        "focal": float(rng.uniform(0.8, 1.6)) * width,
    }
    if attack == "bent":
        params["degrees"] = float(rng.uniform(20, 35)) * sign
    swap_in = None
    if attack == "swap":
        if other is None:
            raise ValueError("a swap needs a second photo")
        swap_in = _aligned(other[0], other[1], face)

    def moved(a: float) -> np.ndarray:
        if attack in ("still", "swap", "bent"):
            return np.eye(3)
        if attack == "shifted":
            return np.array([[1, 0, sign * params["shift"] * a], [0, 1, 0], [0, 0, 1]])
        if attack == "scaled":
            s = 1 + params["scale"] * a
            return _about(centre, np.diag([s, s, 1]))
        if attack == "rotated":
            r = math.radians(params["rotate"] * a)
            return _about(
                centre,
                np.array(
                    [[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]]
                ),
            )
        if attack == "sheared":
            k = params["shear"] * a
            return _about(centre, np.array([[1, k, 0], [0, 1 - abs(k) * 0.2, 0], [0, 0, 1]]))
        # perspective, screen
        return _about(centre, _plane_turn(params["degrees"] * a, params["focal"]))

    frames = []
    for index, (a, eyes_shut) in enumerate(zip(motion, shut, strict=True)):
        source = closed if eyes_shut else image
        if swap_in is not None and a > 0.5:
            source = swap_in
        if attack == "bent":
            frame = _bent(source, face, a, params) if a > 0 else source
        else:
            frame = _homography_frame(source, _shake(rng) @ moved(a))
        if attack == "screen":
            frame = _screen(frame, rng, index * 0.01)
        frames.append(frame)
    return frames


def _aligned(image: Image, face: MeshFace, onto: MeshFace) -> Image:
    """``image`` moved so that its eyes fall on ``onto``'s (a similarity), as an attacker
    would line up a second print with the first."""
    idx = [
        MESH.RIGHT_EYE_OUTER,
        MESH.RIGHT_EYE_INNER,
        MESH.LEFT_EYE_INNER,
        MESH.LEFT_EYE_OUTER,
        MESH.NASION,
    ]
    src, dst = face.points[idx, :2].astype(float), onto.points[idx, :2].astype(float)
    sc, dc = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - sc, dst - dc
    scale = math.sqrt((b**2).sum() / (a**2).sum())
    angle = math.atan2((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum(), (a * b).sum())
    c, s = scale * math.cos(angle), scale * math.sin(angle)
    h = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    h[:2, 2] = dc - h[:2, :2] @ sc
    return _homography_frame(image, h)
