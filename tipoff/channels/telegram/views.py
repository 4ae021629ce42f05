"""The Telegram webhook: checks the secret-token header, reads the Update, answers in the response.

Telegram delivers each Update until it gets a 2xx answer, so a retry carries the
same ``update_id``; that is what de-duplicates. The reply travels back as the
response body, as a ``sendMessage`` call the Bot API makes for us.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from tipoff.channels.accounts import credentials_of
from tipoff.channels.conversation.engine import Incoming
from tipoff.channels.media import MediaRef
from tipoff.channels.models import ChannelAccount
from tipoff.channels.outbox import reply_plan
from tipoff.channels.services import conversation_handle
from tipoff.channels.signing import MalformedPayload, PayloadTooLarge, json_body, same

MESSAGE_LIMIT_BYTES = 4000  # Telegram allows 4096 characters a message
MENU = {"/report": "report", "/status": "status", "/teams": "teams", "/start": "welcome"}


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _incoming(message: dict[str, Any]) -> tuple[Incoming, MediaRef | None]:
    if isinstance(message.get("text"), str):
        text = message["text"][:6000]
        command = text.split("@", 1)[0].strip().lower()
        if command in MENU:
            return Incoming(kind="menu", menu=MENU[command]), None
        return Incoming(text=text), None
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        largest = photos[-1]  # Telegram lists sizes from smallest to largest
        return Incoming(kind="media"), MediaRef(
            "image", str(largest.get("file_id", "")), int(largest.get("file_size") or 0)
        )
    for field, kind in (
        ("document", "document"),
        ("voice", "voice"),
        ("audio", "voice"),
        ("video", "video"),
    ):
        item = message.get(field)
        if isinstance(item, dict) and item.get("file_id"):
            return Incoming(kind="media"), MediaRef(
                kind, str(item["file_id"]), int(item.get("file_size") or 0)
            )
    location = message.get("location")
    if isinstance(location, dict):
        try:
            lat, lon = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            return Incoming(kind="unsupported"), None
        return Incoming(kind="location", latitude=lat, longitude=lon), None
    return Incoming(kind="unsupported"), None


def handle(request: HttpRequest, account: ChannelAccount) -> HttpResponse:
    if request.method != "POST":
        return _plain("POST only", 405)
    creds = credentials_of(account)
    if not same(creds["secret_token"], request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")):
        return _plain("invalid secret token", 403)
    try:
        update = json_body(request.body)
    except PayloadTooLarge:
        return _plain("update too large", 413)
    except MalformedPayload as exc:
        return _plain(f"malformed update: {exc}", 400)
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return _plain("malformed update: no update_id", 400)
    message = update.get("message")
    if not isinstance(message, dict):
        return JsonResponse({})  # edits, channel posts, callbacks…: nothing to do
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        return _plain("malformed update: no chat", 400)
    if chat.get("type", "private") != "private":
        return JsonResponse({})  # only private chats: a group would expose the reporter
    started = time.monotonic()
    chat_id = str(chat["id"])
    incoming, media_ref = _incoming(message)
    turn = conversation_handle(
        account=account,
        sender=chat_id,
        incoming=incoming,
        dedupe_key=f"update:{update['update_id']}",
        media_ref=media_ref,
    )
    if turn.duplicate or not turn.replies:
        return JsonResponse({})
    replies = turn.replies
    caption = message.get("caption")
    if media_ref is not None and isinstance(caption, str) and caption.strip():
        # A photo's caption is part of what the reporter said: take it as the next message.
        replies = (
            replies[:1]
            + conversation_handle(
                account=account, sender=chat_id, incoming=Incoming(text=caption[:6000])
            ).replies
        )
    first = reply_plan(
        account=account,
        recipient=chat_id,
        replies=replies,
        started=started,
        limit_bytes=MESSAGE_LIMIT_BYTES,
    )
    if first is None:
        return JsonResponse({})
    return JsonResponse({"method": "sendMessage", "chat_id": chat["id"], "text": first})
