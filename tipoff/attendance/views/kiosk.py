"""The kiosk: a paired browser with a camera. It talks JSON to these views.

A kiosk proves itself with a long random token in an HttpOnly cookie, set
when it was paired with a one-time code; only the token's hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tipoff.attendance import checkin, devices, liveness, services
from tipoff.attendance.consent import CONSENT_VERSION, consent_paragraphs
from tipoff.attendance.models import Kiosk
from tipoff.attendance.views.uploads import pictures_in_memory, read_files
from tipoff.lib.clients import client_key
from tipoff.limits import budgets

COOKIE = "tipoff_kiosk"
COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _kiosk(request: HttpRequest) -> Kiosk | None:
    kiosk = devices.kiosk_from_token(request.COOKIES.get(COOKIE, ""))
    if kiosk is not None and (
        kiosk.last_seen_at is None or (timezone.now() - kiosk.last_seen_at).total_seconds() > 300
    ):
        Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=timezone.now())
    return kiosk


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def kiosk_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kiosk = _kiosk(request)
        if kiosk is None:
            return _error(_("This device is not a paired kiosk. Reload the page to pair it."), 403)
        try:
            return view(request, kiosk, *args, **kwargs)
        except services.AttendanceError as exc:
            return JsonResponse(
                {"ok": False, "error": exc.message, "problems": exc.problems}, status=400
            )

    return wrapped


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk(request)
    if kiosk is None:
        return render(request, "attendance/kiosk_pair.html", {})
    return render(request, "attendance/kiosk.html", {"kiosk": kiosk, "site": kiosk.site})


@require_POST
def pair(request: HttpRequest) -> HttpResponse:
    allowed = budgets.hard_limit_allowed(
        scope="attendance-pair", key=client_key(request), limit=10, window=900
    )
    if not allowed:
        return render(
            request,
            "attendance/kiosk_pair.html",
            {"error": _("Too many attempts. Wait a few minutes.")},
            status=429,
        )
    try:
        _kiosk_paired, token = devices.kiosk_pair(code=request.POST.get("code", "")[:40])
    except services.AttendanceError as exc:
        return render(request, "attendance/kiosk_pair.html", {"error": exc.message}, status=400)
    response = redirect("attendance:kiosk")
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
        path="/attendance/",
    )
    return response


@require_POST
@kiosk_required
def challenge(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    """A new attempt: its nonce, and the steps the kiosk must film, at ``fps``."""
    issued = checkin.challenge_issue(kiosk=kiosk)
    plan = liveness.Plan.parse(issued.kind)
    return JsonResponse(
        {
            "ok": True,
            "id": str(issued.pk),
            "kind": issued.kind,
            "fps": liveness.FPS,
            "reference_frames": liveness.REFERENCE_FRAMES,
            "frames": plan.frames,
            "steps": [
                {
                    "step": step,
                    "prompt": liveness.step_prompt(step),
                    "frames": liveness.STEP_FRAMES[step],
                }
                for step in plan.steps
            ],
        }
    )


def _decision(decision: checkin.Decision) -> JsonResponse:
    return JsonResponse(
        {
            "ok": True,
            "outcome": decision.outcome,
            "message": decision.message,
            "detail": decision.detail,
            "elapsed_ms": decision.elapsed_ms,
        }
    )


@pictures_in_memory(limit_mb=12)
@require_POST
@kiosk_required
def check(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    frames = read_files(request, "frame", limit=checkin.MAX_FRAME_BYTES)
    return _decision(
        checkin.checkin_attempt(
            kiosk=kiosk,
            challenge_id=request.POST.get("challenge", ""),
            direction=request.POST.get("direction", ""),
            frames=frames,
        )
    )


@pictures_in_memory(limit_mb=2)
@require_POST
@kiosk_required
def pin(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    if not budgets.hard_limit_allowed(
        scope="attendance-pin", key=str(kiosk.pk), limit=30, window=300
    ):
        return _error(_("Too many attempts. Wait a few minutes."), 429)
    frames = read_files(request, "frame", limit=checkin.MAX_FRAME_BYTES)
    return _decision(
        checkin.checkin_pin(
            kiosk=kiosk,
            number=request.POST.get("number", "")[:20],
            pin=request.POST.get("pin", "")[:20],
            direction=request.POST.get("direction", ""),
            frame=frames[0] if frames else None,
        )
    )


@require_POST
@kiosk_required
def enroll_start(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    if not budgets.hard_limit_allowed(
        scope="attendance-enroll", key=str(kiosk.pk), limit=10, window=900
    ):
        return _error(_("Too many attempts. Wait a few minutes."), 429)
    entry = services.enrollment_code_find(code=request.POST.get("code", "")[:40], kiosk=kiosk)
    return JsonResponse(
        {
            "ok": True,
            "name": entry.employee.name,
            "consent": consent_paragraphs(),
            "version": CONSENT_VERSION,
            "needed": services.ENROLL_MAX,
        }
    )


@pictures_in_memory(limit_mb=2)
@require_POST
@kiosk_required
def enroll_photo(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    frames = read_files(request, "photo", limit=checkin.MAX_FRAME_BYTES)
    if len(frames) != 1:
        return _error(_("The kiosk sent no usable pictures. Please try again."))
    result = services.photo_check(frames[0])
    return JsonResponse({"ok": result.ok, "message": result.message})


@pictures_in_memory(limit_mb=8)
@require_POST
@kiosk_required
def enroll_finish(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    photos = read_files(request, "photo", limit=checkin.MAX_FRAME_BYTES)
    enrollment = services.enrollment_at_kiosk(
        code=request.POST.get("code", "")[:40],
        kiosk=kiosk,
        photos=photos,
        consent_given=request.POST.get("consent") == "yes",
    )
    return JsonResponse(
        {
            "ok": True,
            "message": _("Thank you, %(name)s: your face is enrolled.")
            % {"name": enrollment.employee.name},
        }
    )
