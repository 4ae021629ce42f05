"""The SMS / WhatsApp webhook (Twilio-style): verify the signature, run the turn, answer in TwiML.

The signature covers the URL the gateway called, so it is rebuilt from
``SITE_URL`` (the public address) rather than from headers a proxy may change.
Several media in one message are taken one by one, then the text.
"""

from __future__ import annotations

import time
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tipoff.channels.accounts import credentials_of
from tipoff.channels.conversation.engine import Incoming
from tipoff.channels.media import MediaRef
from tipoff.channels.models import ChannelAccount
from tipoff.channels.outbox import reply_plan
from tipoff.channels.services import conversation_handle, inbound_seen
from tipoff.channels.signing import MAX_BODY_BYTES
from tipoff.channels.twilio import signature

SMS_LIMIT_BYTES = 1500  # Twilio splits long SMS into segments; keep one reply readable
MAX_MEDIA = 10


def _twiml(text: str | None) -> HttpResponse:
    body = f"<Message>{escape(text)}</Message>" if text else ""
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        content_type="application/xml; charset=utf-8",
    )


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _media_kind(content_type: str) -> str:
    major = content_type.split("/", 1)[0]
    return {"image": "image", "audio": "voice", "video": "video"}.get(major, "document")


def handle(request: HttpRequest, account: ChannelAccount) -> HttpResponse:
    if request.method != "POST":
        return _plain("POST only", 405)
    if len(request.body) > MAX_BODY_BYTES:
        return _plain("request too large", 413)
    creds = credentials_of(account)
    params = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    url = settings.SITE_URL + request.get_full_path()
    if not signature.valid(
        creds["auth_token"], url, params, request.headers.get("X-Twilio-Signature", "")
    ):
        return _plain("invalid signature", 403)
    form = request.POST
    if form.get("AccountSid") != creds["account_sid"]:
        return _plain("wrong account", 403)
    sid, sender = form.get("MessageSid", ""), form.get("From", "")
    if not sid or not sender:
        return _plain("malformed message: MessageSid and From are required", 400)
    try:
        media_count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        return _plain("malformed message: NumMedia", 400)
    started = time.monotonic()
    if inbound_seen(account=account, key=f"sid:{sid}"):
        return _twiml(None)
    replies: list[str] = []
    for index in range(media_count):
        media_url = form.get(f"MediaUrl{index}", "")
        if not media_url.startswith("https://"):
            continue
        kind = _media_kind(form.get(f"MediaContentType{index}", ""))
        turn = conversation_handle(
            account=account,
            sender=sender,
            incoming=Incoming(kind="media"),
            media_ref=MediaRef(kind, media_url),
        )
        replies.extend(turn.replies[:1])
    text = form.get("Body", "").strip()
    if form.get("Latitude") and form.get("Longitude"):
        try:
            incoming = Incoming(
                kind="location",
                latitude=float(form["Latitude"]),
                longitude=float(form["Longitude"]),
                label=form.get("Label", "") or form.get("Address", ""),
            )
        except ValueError:
            incoming = Incoming(kind="unsupported")
        replies.extend(
            conversation_handle(account=account, sender=sender, incoming=incoming).replies
        )
    elif text or not media_count:
        replies.extend(
            conversation_handle(
                account=account, sender=sender, incoming=Incoming(text=text[:6000])
            ).replies
        )
    first = reply_plan(
        account=account,
        recipient=sender,
        replies=replies,
        started=started,
        limit_bytes=SMS_LIMIT_BYTES,
    )
    return _twiml(first)
