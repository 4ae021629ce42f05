"""A kiosk attempt from frames to decision: liveness, 1:N match, vote, record.

The kiosk sends a short burst of frames taken while the person follows a
random challenge. We find the face in every frame, check the challenge was
followed (``liveness``), embed the first and last frames facing the camera
and the most turned one, and decide:

* recognised — both facing frames name the same person first, their mean is
  within the site's threshold of that person's template, and the turned frame
  is within the same-person distance of it too (so the face did not change);
* doubtful — somebody is close, but the frames disagree or the mean is not
  close enough;
* unrecognised — nobody is close.

Doubtful, unrecognised and not-live attempts keep one encrypted snapshot for
review. A recognised attempt keeps only the event and its distance.
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

from tipoff.attendance import images, keys, liveness
from tipoff.attendance.devices import pin_verify
from tipoff.attendance.engine import Image, engine
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
MAX_FRAMES = 16
MAX_FRAME_BYTES = 1024 * 1024
FRAME_SIDE = 640


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


def _snapshot(image: Image, attempt_key: str) -> bytes:
    """Re-encoded (so nothing but pixels survives), smaller, encrypted."""
    picture = PILImage.fromarray(image)
    picture.thumbnail((320, 320))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    return keys.seal_snapshot(buffer.getvalue(), attempt_key=attempt_key)


def _attempt(
    *,
    kiosk: Kiosk,
    direction: str,
    outcome: str,
    reason: str,
    image: Image | None,
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
        needs_review=review and image is not None,
    )
    if review and image is not None:
        attempt.snapshot = _snapshot(image, str(attempt.key))
        attempt.purge_after = attempt.at + dt.timedelta(days=kiosk.site.review_days)
    attempt.save()
    return attempt


def _record(
    *,
    kiosk: Kiosk,
    employee: Employee,
    direction: str,
    outcome: str,
    method: str,
    image: Image | None,
    distance: float | None,
) -> tuple[DailyRecord, dt.datetime]:
    """The attempt, its event and the refreshed day, in one transaction."""
    with transaction.atomic():
        attempt = _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=outcome,
            reason="" if method == Method.FACE else method,
            image=image,
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
    "several_faces": lambda: _("Only one person at a time, please."),
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


def _vote(
    site_threshold: float,
    facing: list[list[Candidate]],
    mean: list[Candidate],
    turned: float | None,
) -> str:
    firsts = {ranked[0].person_id for ranked in facing if ranked}
    if not mean:
        return Outcome.UNRECOGNISED
    best = mean[0]
    if best.distance >= site_threshold:
        close = any(r and r[0].distance < SAME_PERSON_DISTANCE for r in facing)
        return Outcome.DOUBTFUL if close else Outcome.UNRECOGNISED
    if firsts != {best.person_id} or turned is None or turned >= SAME_PERSON_DISTANCE:
        return Outcome.DOUBTFUL
    return Outcome.RECOGNISED


def checkin_attempt(
    *, kiosk: Kiosk, challenge_id: str, direction: str, frames: Sequence[bytes]
) -> Decision:
    """Frames in, decision out; records the event when someone is recognised."""
    started = time.perf_counter()
    if direction not in Direction.values:
        raise AttendanceError(_("Choose check in or check out."))
    challenge = _challenge_take(kiosk, challenge_id)
    pictures = _decode_frames(frames)
    face_engine = engine()
    found = [face_engine.faces(picture) for picture in pictures]
    verdict = liveness.verify(challenge.kind, found)

    def done(decision: Decision) -> Decision:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Decision(**{**decision.__dict__, "elapsed_ms": elapsed})

    if not verdict.live:
        first_face = next((i for i, faces in enumerate(found) if faces), None)
        _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=Outcome.NOT_LIVE,
            reason=verdict.reason,
            image=pictures[first_face] if first_face is not None else None,
        )
        return done(Decision(Outcome.NOT_LIVE, _NOT_LIVE[verdict.reason]()))

    site = kiosk.site
    threshold = site.match_threshold or face_engine.match_threshold
    gallery = site_gallery(site)
    facing_vectors = [face_engine.embed(pictures[i], found[i][0]) for i in verdict.neutral]
    facing = [gallery.nearest(v, k=2) for v in facing_vectors]
    mean = gallery.nearest(np.mean(facing_vectors, axis=0), k=2)
    turned = None
    if mean and verdict.peak is not None:
        peak_vector = face_engine.embed(pictures[verdict.peak], found[verdict.peak][0])
        turned = next(
            (
                c.distance
                for c in gallery.nearest(peak_vector, k=len(gallery))
                if c.person_id == mean[0].person_id
            ),
            None,
        )
    outcome = _vote(threshold, facing, mean, turned)
    snapshot_image = pictures[verdict.neutral[0]]
    candidate = (
        Employee.objects.filter(pk=mean[0].person_id).select_related("site", "schedule").first()
        if mean
        else None
    )
    distance = mean[0].distance if mean else None

    if outcome != Outcome.RECOGNISED or candidate is None:
        _attempt(
            kiosk=kiosk,
            direction=direction,
            outcome=outcome,
            reason="",
            image=snapshot_image,
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
        image=None,
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
        image=picture,
        distance=None,
    )
    headline, detail = greeting(employee, record, direction, now)
    return Decision(Outcome.PIN, headline, detail, employee, None, record)
