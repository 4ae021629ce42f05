"""Channel webhooks: ``/channels/<kind>/<account>/`` hands the request to that channel's adapter.

Webhooks are called by the messaging services, not browsers, so CSRF does not
apply; each adapter verifies the service's own signature instead. Nothing
about the caller (address, user agent) is logged or stored.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from tipoff.channels.models import ChannelAccount, Kind
from tipoff.channels.signing import MAX_BODY_BYTES
from tipoff.lib.crypto import DecryptionError

_ADAPTERS = {
    Kind.WECHAT: "tipoff.channels.wechat.views",
    Kind.WEIBO: "tipoff.channels.weibo.views",
    Kind.TELEGRAM: "tipoff.channels.telegram.views",
    Kind.SMS: "tipoff.channels.twilio.views",
    Kind.WHATSAPP: "tipoff.channels.twilio.views",
}


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _adapter(kind: str) -> Callable[[HttpRequest, ChannelAccount], HttpResponse] | None:
    module = _ADAPTERS.get(kind)  # type: ignore[call-overload]
    return import_module(module).handle if module else None


@csrf_exempt
def webhook(request: HttpRequest, kind: str, account: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponse("method not allowed", status=405, content_type="text/plain")
    found = (
        ChannelAccount.objects.select_related("body")
        .filter(public_id=account, kind=kind, active=True)
        .first()
    )
    handle = _adapter(kind)
    if found is None or handle is None:
        return HttpResponse("unknown channel account", status=404, content_type="text/plain")
    if _declared_length(request) > MAX_BODY_BYTES:
        # Refused before reading: no genuine delivery comes near this size.
        return HttpResponse("request body too large", status=413, content_type="text/plain")
    try:
        response: HttpResponse = handle(request, found)
    except DecryptionError:
        # The account's credentials do not open under the current CHANNELS_KEY.
        return HttpResponse("channel account misconfigured", status=503, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
