"""The Telegram webhook: checks the secret-token header, reads the Update, answers in the response.

Telegram delivers each Update until it gets a 2xx answer, so a retry carries the
same ``update_id``; that is what de-duplicates. The reply travels back as the
response body, as a ``sendMessage`` call the Bot API makes for us.

Understood: text and commands, photos, documents, voice, audio, video (with
their captions), locations, ``edited_message`` (a corrected answer replaces the
one it corrects) and ``from.language_code`` (the language of the reporter's app).
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
MAX_TEXT = 6000


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _language(message: dict[str, Any]) -> str | None:
    """The reporter's app language (``from.language_code``, an IETF tag) if we speak it."""
    sender = message.get("from")
    code = sender.get("language_code") if isinstance(sender, dict) else None
    if not isinstance(code, str):
        return None
    code = code.lower()
    if code.startswith("zh"):
        return "zh-hans"
    return "en" if code.startswith("en") else None


def _media_ref(message: dict[str, Any]) -> MediaRef | None:
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        largest = photos[-1]  # Telegram lists sizes from smallest to largest
        return MediaRef("image", str(largest.get("file_id", "")), _size(largest.get("file_size")))
    for field, kind in (
        ("document", "document"),
        ("voice", "voice"),
        ("audio", "voice"),
        ("video", "video"),
        ("video_note", "video"),
    ):
        item = message.get(field)
        if isinstance(item, dict) and item.get("file_id"):
            return MediaRef(kind, str(item["file_id"]), _size(item.get("file_size")))
    return None


def _size(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _incoming(message: dict[str, Any]) -> tuple[Incoming, MediaRef | None]:
    ref = str(message.get("message_id", ""))
    language = _language(message)
    if isinstance(message.get("text"), str):
        text = message["text"][:MAX_TEXT]
        command = text.split("@", 1)[0].strip().lower()
        if command in MENU:
            return Incoming(kind="menu", menu=MENU[command], language=language), None
        return Incoming(text=text, ref=ref, language=language), None
    media_ref = _media_ref(message)
    if media_ref is not None:
        caption = message.get("caption")
        text = caption[:MAX_TEXT] if isinstance(caption, str) else ""
        return Incoming(kind="media", text=text, ref=ref, language=language), media_ref
    location = message.get("location")
    if isinstance(location, dict):
        try:
            lat, lon = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            return Incoming(kind="unsupported"), None
        return Incoming(kind="location", latitude=lat, longitude=lon, language=language), None
    return Incoming(kind="unsupported", language=language), None


def _edited(message: dict[str, Any]) -> Incoming | None:
    """An edit of an earlier text (or caption): it corrects the answer that message gave."""
    text = message.get("text", message.get("caption"))
    if not isinstance(text, str) or not isinstance(message.get("message_id"), int):
        return None
    return Incoming(
        kind="edit",
        text=text[:MAX_TEXT],
        ref=str(message["message_id"]),
        language=_language(message),
    )


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
    edited = update.get("edited_message")
    if not isinstance(message, dict) and not isinstance(edited, dict):
        return JsonResponse({})  # channel posts, callbacks…: nothing to do
    message = message if isinstance(message, dict) else edited
    assert isinstance(message, dict)
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        return _plain("malformed update: no chat", 400)
    if chat.get("type", "private") != "private":
        return JsonResponse({})  # only private chats: a group would expose the reporter
    started = time.monotonic()
    chat_id = str(chat["id"])
    media_ref = None
    if message is edited:
        incoming = _edited(message)
        if incoming is None:
            return JsonResponse({})  # an edited photo or location: nothing to correct
    else:
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
    first = reply_plan(
        account=account,
        recipient=chat_id,
        replies=turn.replies,
        started=started,
        limit_bytes=MESSAGE_LIMIT_BYTES,
    )
    if first is None:
        return JsonResponse({})
    return JsonResponse({"method": "sendMessage", "chat_id": chat["id"], "text": first})
