"""The Weibo fans-service webhook.

Weibo signs the URL check and every push like WeChat, with the app secret in
place of a token. Pushes are JSON without a message id: a retry repeats the
sender and ``created_at``, which is the de-duplication key Weibo recommends.
A passive reply is JSON whose ``data`` is URL-encoded JSON; a blank answer
tells Weibo that the reply will come later through the API.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

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
    fresh,
    json_body,
    same,
    sorted_sha1,
)

REPLY_LIMIT_BYTES = 900  # about 300 Chinese characters, Weibo's limit for a text reply
MENU_KEYS = {"report": "report", "status": "status", "teams": "teams"}


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _data(push: dict[str, Any]) -> dict[str, Any]:
    data = push.get("data")
    return data if isinstance(data, dict) else {}


def _incoming(push: dict[str, Any]) -> tuple[Incoming | None, MediaRef | None]:
    kind = push.get("type")
    data = _data(push)
    if kind == "text":
        return Incoming(text=str(push.get("text", ""))[:6000]), None
    if kind == "position":
        try:
            lat, lon = float(data["latitude"]), float(data["longitude"])
        except (KeyError, TypeError, ValueError):
            return Incoming(kind="unsupported"), None
        return Incoming(kind="location", latitude=lat, longitude=lon), None
    if kind in ("image", "voice"):
        fid = str(data.get("tovfid") or data.get("vfid") or "")
        if not fid:
            return Incoming(kind="unsupported"), None
        return Incoming(kind="media"), MediaRef("image" if kind == "image" else "voice", fid)
    if kind == "event":
        subtype = str(data.get("subtype", "")).lower()
        if subtype in ("follow", "subscribe"):
            return Incoming(kind="menu", menu="welcome"), None
        if subtype == "click":
            key = MENU_KEYS.get(str(data.get("key", "")).lower())
            return (Incoming(kind="menu", menu=key), None) if key else (None, None)
        return None, None
    if kind == "mention":
        return None, None
    return Incoming(kind="unsupported"), None


def handle(request: HttpRequest, account: ChannelAccount) -> HttpResponse:
    secret = credentials_of(account)["app_secret"]
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not same(sorted_sha1(secret, timestamp, nonce), query.get("signature", "")):
        return _plain("invalid signature", 403)
    if request.method == "GET":
        return _plain(query.get("echostr", ""))
    if not fresh(timestamp):
        return _plain("stale or missing timestamp", 403)
    # The signature does not cover the body: a known query string with another body is a replay.
    if not signed_query_check(account=account, timestamp=timestamp, nonce=nonce, body=request.body):
        return _plain("replayed request", 403)
    try:
        push = json_body(request.body)
    except PayloadTooLarge:
        return _plain("push too large", 413)
    except MalformedPayload as exc:
        return _plain(f"malformed push: {exc}", 400)
    if not isinstance(push, dict) or not push.get("sender_id") or not push.get("created_at"):
        return _plain("malformed push: sender_id and created_at are required", 400)
    sender, receiver = str(push["sender_id"]), str(push.get("receiver_id", ""))
    data = _data(push)
    if push.get("type") == "event" and str(data.get("subtype", "")).lower() == "unfollow":
        conversation_forget(account=account, sender=sender)
        return _plain("")
    incoming, media_ref = _incoming(push)
    if incoming is None:
        return _plain("")
    started = time.monotonic()
    turn = conversation_handle(
        account=account,
        sender=sender,
        incoming=incoming,
        dedupe_key=f"{sender}|{push['created_at']}",
        media_ref=media_ref,
    )
    if turn.duplicate or not turn.replies:
        return _plain("")
    first = reply_plan(
        account=account,
        recipient=sender,
        replies=turn.replies,
        started=started,
        limit_bytes=REPLY_LIMIT_BYTES,
    )
    if first is None:
        return _plain("")
    reply = {
        "result": True,
        "sender_id": receiver,
        "receiver_id": sender,
        "type": "text",
        "data": urllib.parse.quote(json.dumps({"text": first}, ensure_ascii=False)),
    }
    return HttpResponse(json.dumps(reply), content_type="application/json")
