"""The conversation that collects a report, step by step, in any channel.

Pure logic: it reads the reporter's message and the conversation's state and
returns the new state and the replies. Everything that touches the database
(submitting, looking up a receipt, posting a reply, the team directory, media)
goes through the ``Ports`` the caller supplies, so channels and tests drive the
same engine. Replies are produced with gettext: the caller activates the
conversation's language around ``handle``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from tipoff.channels.conversation import parsing, prompts
from tipoff.channels.conversation.followup import FollowUpSteps
from tipoff.channels.conversation.prompts import Catalogue

FLOW = (
    "category",
    "unit",
    "official",
    "when",
    "where",
    "what",
    "questions",
    "evidence",
    "identity",
)
# Items the review lists, by number; each names the step that edits it.
REVIEW_ITEMS = ("category", "unit", "official", "when", "where", "what", "evidence", "identity")


@dataclass
class Incoming:
    kind: str = "text"  # text | media | location | menu | unsupported
    text: str = ""
    menu: str = ""  # report | status | teams | welcome (menu clicks, subscribe events)
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    media_note: str = ""  # accepted | too_many | too_large (set by the caller)


@dataclass
class SubmitResult:
    receipt: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


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


class Engine(FollowUpSteps):
    def __init__(self, *, catalogue: Catalogue, ports: Ports, now: dt.datetime) -> None:
        self.catalogue = catalogue
        self.ports = ports
        self.now = now

    # --- entry point -------------------------------------------------------------

    def handle(self, state: dict[str, Any], incoming: Incoming) -> Result:
        self.state = state
        self.replies: list[str] = []
        self.finished = False
        self._dispatch(incoming)
        return Result(state=self.state, replies=self.replies, finished=self.finished)

    def _go(self, step: str) -> None:
        self.state["step"] = step
        if step == "review":
            counts = self.ports.media()
            self.state["media_count"] = counts.ready + counts.pending
        self.replies.append(prompts.prompt_for(step, self.state, self.catalogue))

    def _dispatch(self, incoming: Incoming) -> None:
        if incoming.kind == "menu":
            return self._menu(incoming.menu)
        if incoming.kind == "unsupported":
            self.replies.append(_("Sorry, this kind of message cannot be used here."))
            return self._reprompt()
        if incoming.kind == "media":
            return self._media(incoming)
        if incoming.kind == "location":
            return self._location(incoming)
        text = incoming.text.strip()
        code = parsing.status_request(text)
        if code:
            return self._status_lookup(code)
        command = parsing.command_of(text)
        if command in ("english", "chinese"):
            self.state["lang"] = "en" if command == "english" else "zh-hans"
            self.state["switched"] = True
            return self._reprompt()
        if command == "cancel":
            return self._cancel()
        if command in ("help", "report", "status", "teams"):
            return self._menu(command)
        handler = getattr(self, f"_on_{self.step}", None)
        if handler is None:
            self.state["step"] = "idle"
            handler = self._on_idle
        handler(text, command)

    def _reprompt(self) -> None:
        self.replies.append(prompts.prompt_for(self.step, self.state, self.catalogue))

    def _menu(self, choice: str) -> None:
        if choice == "report":
            if self.draft and self.step not in ("idle", "status_code", "followup"):
                self.replies.append(_("Let's continue your report where you left off."))
                return self._reprompt()
            self.state["draft"] = {}
            return self._go("category")
        if choice == "status":
            if self.step not in ("idle", "status_code", "followup"):
                self.state["resume"] = self.step
            return self._go("status_code")
        if choice == "teams":
            self.replies.append(self.ports.teams())
            if self.step != "idle":
                self._reprompt()
            return None
        # help / welcome
        self.replies.append(prompts.welcome())
        if self.step != "idle":
            self._reprompt()
        return None

    def _cancel(self) -> None:
        had_draft = bool(self.draft) or self.step not in ("idle",)
        self.ports.discard_media()
        self.state = fresh_state(str(self.state.get("lang", "zh-hans")))
        self.finished = True
        self.replies.append(
            _("Cancelled. Nothing was sent and what you wrote has been deleted.")
            if had_draft
            else _("There is nothing to cancel.")
        )
        self.replies.append(prompts.welcome())

    def _next_after(self, step: str) -> None:
        if self.state.pop("editing", False):
            return self._go("review")
        index = FLOW.index(step)
        for following in FLOW[index + 1 :]:
            if following == "questions":
                if prompts.questions_of(self.draft, self.catalogue):
                    self.state["q"] = 0
                    return self._go("questions")
                continue
            return self._go(following)
        return self._go("review")

    # --- media and location ----------------------------------------------------------

    def _media(self, incoming: Incoming) -> None:
        if incoming.media_note == "too_many":
            self.replies.append(_("You cannot add more files to this report."))
        elif incoming.media_note == "too_large":
            self.replies.append(_("This file is too large."))
        elif incoming.media_note.startswith("rejected"):
            self.replies.append(
                incoming.media_note.partition(":")[2] or _("This file cannot be accepted.")
            )
        elif incoming.media_note == "not_now" and self.step in ("status_code", "followup"):
            # Files for a report already made go through the website, where the receipt
            # opens the report; here the report's key is held only briefly.
            self.replies.append(
                _(
                    "To add files to a report you have already made, open it on the website "
                    "with your receipt. Here you can send a written answer."
                )
            )
            return self._reprompt()
        elif incoming.media_note == "not_now":
            self.replies.append(
                _("Please start a report first (send “report”), then send your photos and files.")
            )
            return None
        else:
            count = self.ports.media()
            total = count.ready + count.pending
            self.replies.append(_("File received (%(n)d so far).") % {"n": total})
        if self.step == "evidence":
            self.replies.append(_("Send more, or send “done” to continue."))
        elif self.step not in ("idle",):
            self._reprompt()
        return None

    def _location(self, incoming: Incoming) -> None:
        where = prompts.location_text(incoming.latitude, incoming.longitude, incoming.label)
        if self.step in ("where", "evidence") or (
            self.step != "idle" and not self.draft.get("place")
        ):
            self.draft["place"] = where
            self.replies.append(_("Location noted: %(place)s") % {"place": where})
            if self.step == "where":
                return self._next_after("where")
            return self._reprompt()
        self.replies.append(_("Please start a report first (send “report”)."))
        return None

    # --- the steps ------------------------------------------------------------------

    def _on_idle(self, text: str, command: str | None) -> None:
        choice = parsing.number_of(text)
        if choice in (1, 2, 3):
            return self._menu({1: "report", 2: "status", 3: "teams"}[choice])
        if parsing.looks_like_receipt(text):
            return self._status_lookup(parsing.receipt_digits(text))
        self.replies.append(prompts.welcome())
        return None

    def _on_category(self, text: str, command: str | None) -> None:
        chosen = prompts.pick(text, self.catalogue.categories)
        if chosen is None:
            self.replies.append(_("Please answer with one of the numbers."))
            return self._reprompt()
        if self.draft.get("category_id") != chosen.id:
            self.draft["answers"] = {}
        self.draft["category_id"] = chosen.id
        return self._next_after("category")

    def _on_unit(self, text: str, command: str | None) -> None:
        if command == "skip":
            self.draft.pop("unit_id", None)
            self.draft.pop("unit_other", None)
            return self._next_after("unit")
        chosen = prompts.pick(text, self.catalogue.units)
        if chosen is not None:
            self.draft["unit_id"], self.draft["unit_other"] = chosen.id, ""
        elif parsing.number_of(text) is not None:
            self.replies.append(_("There is no unit with that number."))
            return self._reprompt()
        else:
            self.draft["unit_id"], self.draft["unit_other"] = None, text[:200]
        return self._next_after("unit")

    def _on_official(self, text: str, command: str | None) -> None:
        name, position = ("", "") if command == "skip" else parsing.split_official(text)
        self.draft["official_name"], self.draft["official_position"] = name[:200], position[:200]
        return self._next_after("official")

    def _on_when(self, text: str, command: str | None) -> None:
        self.draft["occurred_on"], self.draft["when_detail"] = None, ""
        if command != "skip":
            date = parsing.date_of(text, today=self.now.date())
            if date and (date > self.now.date() + dt.timedelta(days=1) or date.year < 1950):
                self.replies.append(_("The date cannot be in the future."))
                return self._reprompt()
            if date:
                self.draft["occurred_on"] = date.isoformat()
            else:
                self.draft["when_detail"] = text[:200]
        return self._next_after("when")

    def _on_where(self, text: str, command: str | None) -> None:
        self.draft["place"] = "" if command == "skip" else text[:200]
        return self._next_after("where")

    def _on_what(self, text: str, command: str | None) -> None:
        if len(text) < 10:
            self.replies.append(_("Please describe what happened in at least a sentence."))
            return self._reprompt()
        if len(text) > 5000:
            self.replies.append(_("Please keep this under %(limit)d characters.") % {"limit": 5000})
            return self._reprompt()
        self.draft["what"] = text
        return self._next_after("what")

    def _on_questions(self, text: str, command: str | None) -> None:
        questions = prompts.questions_of(self.draft, self.catalogue)
        index = int(self.state.get("q", 0))
        if index >= len(questions):
            return self._next_after("questions")
        question = questions[index]
        answer, problem = prompts.answer_question(question, text, command, today=self.now.date())
        if problem:
            self.replies.append(problem)
            return self._reprompt()
        answers = self.draft.setdefault("answers", {})
        if answer:
            answers[question["key"]] = answer
        else:
            answers.pop(question["key"], None)
        self.state["q"] = index + 1
        if index + 1 < len(questions):
            return self._reprompt()
        self.state.pop("q", None)
        return self._next_after("questions")

    def _on_evidence(self, text: str, command: str | None) -> None:
        if command in ("done", "skip", "confirm"):
            return self._next_after("evidence")
        self.replies.append(_("Send a photo, document, voice message or location, or send “done”."))
        return None

    def _on_identity(self, text: str, command: str | None) -> None:
        choice = parsing.number_of(text)
        if choice == 1 or command == "skip":
            self.draft.update(is_named=False, reporter_name="", reporter_contact="")
            return self._next_after("identity")
        if choice == 2:
            self.draft["is_named"] = True
            return self._go("name")
        self.replies.append(_("Please answer 1 or 2."))
        return self._reprompt()

    def _on_name(self, text: str, command: str | None) -> None:
        if command == "skip" or not text:
            self.replies.append(_("A named report needs your name."))
            return self._reprompt()
        self.draft["reporter_name"] = text[:200]
        return self._go("contact")

    def _on_contact(self, text: str, command: str | None) -> None:
        problem = prompts.contact_problem(text)
        if command == "skip" or problem:
            self.replies.append(
                problem or _("A named report needs a phone number or e-mail address.")
            )
            return self._reprompt()
        self.draft["reporter_contact"] = text[:200]
        return self._next_after("identity")

    def _on_review(self, text: str, command: str | None) -> None:
        if command == "confirm":
            return self._submit()
        choice = parsing.number_of(text)
        if choice is not None and 1 <= choice <= len(REVIEW_ITEMS):
            self.state["editing"] = True
            return self._go(REVIEW_ITEMS[choice - 1])
        self.replies.append(
            _("Send “confirm” to submit, a number to change that item, or “cancel”.")
        )
        return None

    def _submit(self) -> None:
        counts = self.ports.media()
        if counts.pending:
            self.replies.append(
                _("%(n)d of your files are still being fetched. Send “confirm” again in a minute.")
                % {"n": counts.pending}
            )
            return None
        result = self.ports.submit(self.draft, str(self.state.get("lang", "zh-hans")))
        if result.errors:
            self.replies.append(_("The report could not be submitted yet:"))
            self.replies.append(
                "\n".join(f"• {m}" for msgs in result.errors.values() for m in msgs)
            )
            return self._go("review")
        self.state = fresh_state(str(self.state.get("lang", "zh-hans")))
        self.finished = True
        self.replies.append(prompts.receipt_message(result.receipt))
        return None
