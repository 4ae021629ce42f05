"""A kiosk attempt from frames to decision: liveness, 1:N match, vote, record.

The kiosk sends a burst of frames taken at ``liveness.FPS`` while the person
follows the random challenge bound to the attempt's nonce. The face mesh
follows the face through every frame and ``liveness.verify`` checks the
challenge (blink, turn, not flat, continuous: the same face throughout). Only
then is the face recognised, once: dlib's detector runs on a small crop
around the face the mesh found in the best reference frame, and its ResNet
embeds it (the same detector and aligner as enrollment, so templates and
threshold stay valid). The decision:

* recognised — the nearest template is within the site's threshold;
* doubtful — somebody is within dlib's same-person distance, but not the threshold;
* unrecognised — nobody is close.

Every attempt with frames keeps an encrypted snapshot (three frames side by
side: facing the camera, eyes shut, turned): doubtful, unrecognised and
not-live ones for review, recognised ones for the site's short
``checkin_snapshot_days`` so that disputes and spoofs can be examined.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from PIL import Image as PILImage

from tipoff.attendance import images, liveness, sealed
from tipoff.attendance.devices import pin_verify
from tipoff.attendance.engine import Box, Face, Image, engine
from tipoff.attendance.engine.mesh import MeshFace
from tipoff.attendance.gallery import site_gallery
from tipoff.attendance.matching import Candidate
from tipoff.attendance.models import (
    Attempt,
    Challenge,
    DailyRecord,
    Direction,
    Employee,
    Kiosk,
    Method,
    Outcome,
    Status,
)
from tipoff.attendance.records import event_record, site_zone
from tipoff.attendance.services import SAME_PERSON_DISTANCE, AttendanceError

CHALLENGE_SECONDS = 60
MAX_FRAMES = 40
MAX_FRAME_BYTES = 1024 * 1024
FRAME_SIDE = 640
SNAPSHOT_SIDE = 240


@dataclass(frozen=True)
class Decision:
    outcome: str
    message: str
    detail: str = ""
    employee: Employee | None = None
    distance: float | None = None
    record: DailyRecord | None = None
    elapsed_ms: int = 0


def challenge_issue(*, kiosk: Kiosk) -> Challenge:
    now = timezone.now()
    Challenge.objects.filter(kiosk=kiosk, expires_at__lt=now).delete()
    return Challenge.objects.create(
        kiosk=kiosk,
        kind=liveness.random_challenge(),
        expires_at=now + dt.timedelta(seconds=CHALLENGE_SECONDS),
    )


def _challenge_take(kiosk: Kiosk, challenge_id: str) -> Challenge:
    """Use a challenge once; a replayed or stale one is refused."""
    expired = AttendanceError(_("This attempt has expired. Please start again."))
    try:
        key = uuid.UUID(str(challenge_id))
    except ValueError as exc:
        raise expired from exc
    taken = Challenge.objects.filter(
        pk=key, kiosk=kiosk, used=False, expires_at__gt=timezone.now()
    ).update(used=True)
    if taken != 1:
        raise expired
    return Challenge.objects.get(pk=key)


def _snapshot(pictures: Sequence[Image], attempt_key: str) -> bytes:
    """The frames side by side, re-encoded (so nothing but pixels survives), encrypted."""
    thumbs = []
    for image in pictures:
        picture = PILImage.fromarray(image)
        picture.thumbnail((SNAPSHOT_SIDE, SNAPSHOT_SIDE))
        thumbs.append(picture)
    sheet = PILImage.new(
        "RGB", (sum(t.width for t in thumbs), max(t.height for t in thumbs)), (0, 0, 0)
    )
    left = 0
    for thumb in thumbs:
        sheet.paste(thumb, (left, 0))
        left += thumb.width
    buffer = io.BytesIO()
    sheet.save(buffer, format="JPEG", quality=80)
    return sealed.seal_snapshot(buffer.getvalue(), attempt_key=attempt_key)


def _attempt(
    *,
    kiosk: Kiosk,
    direction: str,
    outcome: str,
    reason: str,
    images: Sequence[Image],
    employee: Employee | None = None,
    distance: float | None = None,
) -> Attempt:
    review = outcome != Outcome.RECOGNISED
    attempt = Attempt(
        site=kiosk.site,
        kiosk=kiosk,
        at=timezone.now(),
        direction=direction,
        outcome=outcome,
        reason=reason,
        employee=employee,
        distance=distance,
        needs_review=review and bool(images),
    )
    if images:
        attempt.snapshot = _snapshot(images, str(attempt.key))
        days = kiosk.site.review_days if review else kiosk.site.checkin_snapshot_days
        attempt.purge_after = attempt.at + dt.timedelta(days=days)
    attempt.save()
    return attempt


def _record(
    *,
    kiosk: Kiosk,
    employee: Employee,
    direction: str,
    outcome: str,
    method: str,
    images: Sequence[Image],
    distance: float | None,
) -> tuple[DailyRecord, dt.datetime]:
    """The attempt, its event and the refreshed day, in one transaction."""
    with transaction.atomic():
        attempt = _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=outcome,
            reason="" if method == Method.FACE else method,
            images=images,
            employee=employee,
            distance=distance,
        )
        now = timezone.now()
        _event, record = event_record(
            employee=employee,
            at=now,
            direction=direction,
            method=method,
            distance=distance,
            kiosk=kiosk,
            attempt_id=attempt.pk,
        )
    return record, now


def greeting(
    employee: Employee, record: DailyRecord, direction: str, at: dt.datetime
) -> tuple[str, str]:
    """The kiosk's two lines: who and when, then on time / late / early."""
    clock = time_format(at.astimezone(site_zone(employee.site)), "H:i")
    if direction == Direction.IN:
        headline = _("%(name)s, checked in at %(time)s.") % {"name": employee.name, "time": clock}
    else:
        headline = _("%(name)s, checked out at %(time)s.") % {"name": employee.name, "time": clock}
    if record.status == Status.REST:
        return headline, _("Today is a day off for you; the time is recorded.")
    if record.status == Status.LEAVE:
        return headline, _("You are on leave today; the time is recorded.")
    if direction == Direction.IN:
        if record.late_minutes:
            return headline, _("Late by %(minutes)d minutes.") % {"minutes": record.late_minutes}
        return headline, _("On time.")
    if record.early_minutes:
        return headline, _("Leaving %(minutes)d minutes early.") % {"minutes": record.early_minutes}
    return headline, _("Goodbye.")


_NOT_LIVE = {
    "too_few_faces": lambda: _("Keep your face inside the frame and try again."),
    "too_far": lambda: _("Come closer to the camera and try again."),
    "several_faces": lambda: _("Only one person at a time, please."),
    "no_blink": lambda: _("Please blink once when asked and try again."),
    "no_turn": lambda: _("Please turn your head as asked and try again."),
    "flat": lambda: _("Please turn your head as asked and try again."),
    "wrong_way": lambda: _("That was the other way. Please try again."),
    "jump": lambda: _("Keep steady in front of the camera and try again."),
}


def _decode_frames(frames: Sequence[bytes]) -> list[Image]:
    if not 1 <= len(frames) <= MAX_FRAMES:
        raise AttendanceError(_("The kiosk sent no usable pictures. Please try again."))
    decoded = []
    for data in frames:
        if len(data) > MAX_FRAME_BYTES:
            raise AttendanceError(_("The kiosk sent no usable pictures. Please try again."))
        try:
            decoded.append(images.decode(data, max_side=FRAME_SIDE))
        except images.BadImage as exc:
            raise AttendanceError(
                _("The kiosk sent no usable pictures. Please try again.")
            ) from exc
    return decoded


def _vote(site_threshold: float, ranked: list[Candidate]) -> str:
    if not ranked or ranked[0].distance >= SAME_PERSON_DISTANCE:
        return Outcome.UNRECOGNISED
    if ranked[0].distance >= site_threshold:
        return Outcome.DOUBTFUL
    return Outcome.RECOGNISED


def recognition_face(image: Image, face: MeshFace) -> Face | None:
    """dlib's own detection of the face the mesh followed, found in a small crop around it
    (a few milliseconds instead of a whole-frame search), in whole-frame coordinates."""
    box = face.box
    margin = max(box.width, box.height) // 2
    left, top = max(0, box.left - margin), max(0, box.top - margin)
    right = min(image.shape[1], box.right + margin)
    bottom = min(image.shape[0], box.bottom + margin)
    crop = np.ascontiguousarray(image[top:bottom, left:right])
    face_engine = engine()
    found = face_engine.faces(crop) or face_engine.faces(crop, upsample=1)
    if not found:
        return None
    best = found[0]
    return Face(
        box=Box(
            best.box.left + left, best.box.top + top, best.box.right + left, best.box.bottom + top
        ),
        landmarks=best.landmarks,
    )


def _review_frames(pictures: Sequence[Image], verdict: liveness.Verdict) -> list[Image]:
    """The frames worth seeing: facing the camera, eyes shut, most turned (or spread out)."""
    picked = [i for i in (verdict.reference, verdict.blink, verdict.peak) if i is not None]
    if not picked:
        picked = sorted({0, len(pictures) // 2, len(pictures) - 1})
    return [pictures[i] for i in picked]


def checkin_attempt(
    *, kiosk: Kiosk, challenge_id: str, direction: str, frames: Sequence[bytes]
) -> Decision:
    """Frames in, decision out; records the event when someone is recognised."""
    started = time.perf_counter()
    if direction not in Direction.values:
        raise AttendanceError(_("Choose check in or check out."))
    challenge = _challenge_take(kiosk, challenge_id)
    plan = liveness.Plan.parse(challenge.kind)
    if len(frames) != plan.frames:
        raise AttendanceError(_("The kiosk sent no usable pictures. Please try again."))
    pictures = _decode_frames(frames)
    observed, crowded = liveness.observe(pictures, challenge.kind)
    verdict = liveness.verify(challenge.kind, observed, crowded=crowded)

    def done(decision: Decision) -> Decision:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Decision(**{**decision.__dict__, "elapsed_ms": elapsed})

    review = _review_frames(pictures, verdict)
    if not verdict.live or verdict.reference is None:
        _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=Outcome.NOT_LIVE,
            reason=verdict.reason,
            images=review if any(o.face for o in observed) else [],
        )
        return done(Decision(Outcome.NOT_LIVE, _NOT_LIVE[verdict.reason]()))

    site = kiosk.site
    face_engine = engine()
    threshold = site.match_threshold or face_engine.match_threshold
    reference = pictures[verdict.reference]
    mesh_face = observed[verdict.reference].face
    face = recognition_face(reference, mesh_face) if mesh_face is not None else None
    ranked = []
    if face is not None:
        ranked = site_gallery(site).nearest(face_engine.embed(reference, face), k=2)
    outcome = _vote(threshold, ranked)
    candidate = (
        Employee.objects.filter(pk=ranked[0].person_id).select_related("site", "schedule").first()
        if ranked
        else None
    )
    distance = ranked[0].distance if ranked else None

    if outcome != Outcome.RECOGNISED or candidate is None:
        _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=outcome,
            reason="",
            images=review,
            employee=candidate,
            distance=distance,
        )
        if outcome == Outcome.DOUBTFUL:
            return done(
                Decision(outcome, _("Not sure who you are. Please try again, or use your PIN."))
            )
        return done(
            Decision(Outcome.UNRECOGNISED, _("Not recognised. Please try again, or use your PIN."))
        )

    record, now = _record(
        kiosk=kiosk,
        employee=candidate,
        direction=direction,
        outcome=outcome,
        method=Method.FACE,
        images=review,
        distance=distance,
    )
    headline, detail = greeting(candidate, record, direction, now)
    return done(Decision(outcome, headline, detail, candidate, distance, record))


def checkin_pin(
    *, kiosk: Kiosk, number: str, pin: str, direction: str, frame: bytes | None
) -> Decision:
    """The fallback: staff number and PIN. The event is flagged and reviewed."""
    if direction not in Direction.values:
        raise AttendanceError(_("Choose check in or check out."))
    employee = pin_verify(site=kiosk.site, number=number, pin=pin)
    picture = None
    if frame:
        try:
            picture = images.decode(frame, max_side=FRAME_SIDE)
        except images.BadImage:
            picture = None
    record, now = _record(
        kiosk=kiosk,
        employee=employee,
        direction=direction,
        outcome=Outcome.PIN,
        method=Method.PIN,
        images=[picture] if picture is not None else [],
        distance=None,
    )
    headline, detail = greeting(employee, record, direction, now)
    return Decision(Outcome.PIN, headline, detail, employee, None, record)
