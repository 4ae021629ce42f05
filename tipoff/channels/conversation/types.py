"""What the conversation engine takes in and gives back, and what it asks of the rest of tipoff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Incoming:
    kind: str = "text"  # text | media | location | menu | edit | unsupported
    # What the reporter wrote; with files, the text that came with them (a photo's caption,
    # a voice message's transcript, an e-mail's body).
    text: str = ""
    menu: str = ""  # report | status | teams | welcome (menu clicks, subscribe events)
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    # One per file in this delivery: accepted | too_many | too_large | rejected:… | not_now
    # (set by the caller when it records the files).
    media_notes: list[str] = field(default_factory=list)
    # The channel's id of this message (Telegram's message_id): a later edit names it.
    ref: str = ""
    # The language the reporter's app is set to, when the channel tells (Telegram).
    language: str | None = None
    # An e-mail's subject: part of the story when a first message tells one.
    title: str = ""


@dataclass
class SubmitResult:
    receipt: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Files that are not part of the report (described for the reporter), and files
    # still being fetched that will be added when they arrive.
    files_missing: list[str] = field(default_factory=list)
    files_pending: list[str] = field(default_factory=list)


@dataclass
class StatusResult:
    lines: list[str]
    report_id: int
    key_hex: str


@dataclass
class MediaCounts:
    ready: int = 0
    pending: int = 0
    failed: int = 0


class Ports(Protocol):
    def submit(self, draft: dict[str, Any], language: str) -> SubmitResult: ...
    def status(self, code: str) -> StatusResult | str | None: ...
    def post_reply(self, report_id: int, key_hex: str, text: str) -> str | None: ...
    def teams(self) -> str: ...
    def media(self) -> MediaCounts: ...
    def discard_media(self) -> None: ...


@dataclass
class Result:
    state: dict[str, Any]
    replies: list[str]
    # The conversation ended in a way that leaves nothing worth keeping.
    finished: bool = False


def fresh_state(language: str) -> dict[str, Any]:
    return {"step": "idle", "lang": language, "draft": {}}
