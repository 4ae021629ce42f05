"""The WeChat webhook: URL verification, messages in plain or safe mode, passive replies."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tipoff.channels.accounts import credentials_of
from tipoff.channels.conversation.engine import Incoming
from tipoff.channels.media import MediaRef
from tipoff.channels.models import ChannelAccount
from tipoff.channels.outbox import reply_plan
from tipoff.channels.services import conversation_forget, conversation_handle, signed_query_check
from tipoff.channels.signing import (
    MalformedPayload,
    PayloadTooLarge,
    cdata,
    fresh,
    same,
    sorted_sha1,
    xml_fields,
)
from tipoff.channels.wechat.crypto import MessageCrypto

# A passive text reply may carry at most 2048 bytes; the rest follows through the API.
PASSIVE_LIMIT_BYTES = 2000
MENU_KEYS = {"report": "report", "status": "status", "teams": "teams"}
MEDIA_TYPES = {"image": "image", "voice": "voice", "video": "video", "shortvideo": "video"}


def _text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def handle(request: HttpRequest, account: ChannelAccount) -> HttpResponse:
    creds = credentials_of(account)
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if request.method == "GET":
        expected = sorted_sha1(creds["token"], timestamp, nonce)
        if not same(expected, query.get("signature", "")) or "echostr" not in query:
            return _text("invalid signature", 403)
        return _text(query["echostr"], 200)
    if not fresh(timestamp):
        return _text("stale or missing timestamp", 403)
    safe = query.get("encrypt_type", "raw") == "aes"
    crypto = None
    try:
        if safe:
            if not creds.get("aes_key"):
                return _text("safe mode is not configured for this account", 400)
            crypto = MessageCrypto(
                token=creds["token"], encoding_aes_key=creds["aes_key"], app_id=creds["app_id"]
            )
            outer = xml_fields(request.body)
            encrypted = outer.get("Encrypt", "")
            if not crypto.verify(query.get("msg_signature", ""), timestamp, nonce, encrypted):
                return _text("invalid signature", 403)
            message = xml_fields(crypto.decrypt(encrypted).encode())
        else:
            if not settings.CHANNELS_WECHAT_PLAIN_MODE:
                return _text("plain mode is not accepted here: use safe mode (安全模式)", 403)
            if not same(sorted_sha1(creds["token"], timestamp, nonce), query.get("signature", "")):
                return _text("invalid signature", 403)
            # The signature does not cover the body: a known query string with another body
            # is a replay.
            if not signed_query_check(
                account=account, timestamp=timestamp, nonce=nonce, body=request.body
            ):
                return _text("replayed request", 403)
            message = xml_fields(request.body)
    except PayloadTooLarge:
        return _text("message too large", 413)
    except MalformedPayload as exc:
        return _text(f"malformed message: {exc}", 400)
    openid = message.get("FromUserName", "")
    if not openid or not message.get("MsgType"):
        return _text("malformed message: no sender or type", 400)
    return _answer(account, creds, message, crypto)


def _incoming(message: dict[str, str]) -> tuple[Incoming | None, MediaRef | None]:
    kind = message.get("MsgType", "")
    if kind == "text":
        return Incoming(text=message.get("Content", "")[:6000]), None
    if kind in MEDIA_TYPES:
        # With speech recognition on, a voice message carries its transcript: that is what
        # the reporter said (read as their text), and the recording is kept as evidence.
        transcript = message.get("Recognition", "")[:6000] if kind == "voice" else ""
        return Incoming(kind="media", text=transcript), MediaRef(
            kind=MEDIA_TYPES[kind], ref=message.get("MediaId", "")
        )
    if kind == "location":
        try:
            lat, lon = float(message.get("Location_X", "")), float(message.get("Location_Y", ""))
        except ValueError:
            return Incoming(kind="unsupported"), None
        return Incoming(
            kind="location", latitude=lat, longitude=lon, label=message.get("Label", "")
        ), None
    if kind == "event":
        event = message.get("Event", "").lower()
        if event == "subscribe":
            return Incoming(kind="menu", menu="welcome"), None
        if event == "click":
            key = MENU_KEYS.get(message.get("EventKey", "").lower())
            return (Incoming(kind="menu", menu=key), None) if key else (None, None)
        return None, None  # unsubscribe, VIEW, LOCATION reports…: nothing to say
    return Incoming(kind="unsupported"), None


def _answer(
    account: ChannelAccount, creds: dict, message: dict[str, str], crypto: MessageCrypto | None
) -> HttpResponse:
    started = time.monotonic()
    openid = message["FromUserName"]
    if message.get("MsgType") == "event" and message.get("Event", "").lower() == "unsubscribe":
        conversation_forget(account=account, sender=openid)
        return _text("success", 200)
    incoming, media_ref = _incoming(message)
    if incoming is None:
        return _text("success", 200)
    # Events have no MsgId: sender, time, event and its key (two menu clicks in one second
    # differ by key).
    dedupe = message.get("MsgId") or "|".join(
        (
            openid,
            message.get("CreateTime", ""),
            message.get("Event", ""),
            message.get("EventKey", ""),
        )
    )
    turn = conversation_handle(
        account=account, sender=openid, incoming=incoming, dedupe_key=dedupe, media_ref=media_ref
    )
    if turn.duplicate or not turn.replies:
        return _text("success", 200)
    first = reply_plan(
        account=account,
        recipient=openid,
        replies=turn.replies,
        started=started,
        limit_bytes=PASSIVE_LIMIT_BYTES,
    )
    if first is None:  # too late for a passive reply: it follows through the API
        return _text("success", 200)
    reply = (
        f"<xml><ToUserName>{cdata(openid)}</ToUserName>"
        f"<FromUserName>{cdata(message.get('ToUserName', ''))}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(first)}</Content></xml>"
    )
    if crypto is not None:
        reply = _encrypted(crypto, reply)
    return HttpResponse(reply, content_type="application/xml; charset=utf-8")


def _encrypted(crypto: MessageCrypto, reply: str) -> str:
    encrypted = crypto.encrypt(reply)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    signature = crypto.signature(timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt>{cdata(encrypted)}</Encrypt><MsgSignature>{cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
    )
