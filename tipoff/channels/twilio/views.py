"""The SMS / WhatsApp webhook (Twilio-style): verify the signature, run the turn, answer in TwiML.

The signature covers the URL the gateway called, so it is rebuilt from
``SITE_URL`` (the public address) rather than from headers a proxy may change.
Several media in one message and its text are one turn.
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
from tipoff.channels.services import conversation_handle
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
    refs = [
        MediaRef(_media_kind(form.get(f"MediaContentType{i}", "")), form.get(f"MediaUrl{i}", ""))
        for i in range(media_count)
        if form.get(f"MediaUrl{i}", "").startswith("https://")
    ]
    text = form.get("Body", "").strip()[:6000]
    if form.get("Latitude") and form.get("Longitude"):  # a WhatsApp location
        try:
            incoming = Incoming(
                kind="location",
                latitude=float(form["Latitude"]),
                longitude=float(form["Longitude"]),
                label=form.get("Label", "") or form.get("Address", ""),
            )
        except ValueError:
            incoming = Incoming(kind="unsupported")
    else:
        # Photos of an MMS / WhatsApp message and its text are one turn.
        incoming = Incoming(text=text)
    turn = conversation_handle(
        account=account, sender=sender, incoming=incoming, dedupe_key=f"sid:{sid}", media_refs=refs
    )
    if turn.duplicate:
        return _twiml(None)
    replies = turn.replies
    first = reply_plan(
        account=account,
        recipient=sender,
        replies=replies,
        started=started,
        limit_bytes=SMS_LIMIT_BYTES,
    )
    return _twiml(first)
