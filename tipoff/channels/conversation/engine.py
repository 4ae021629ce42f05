"""The conversation that collects a report, step by step, in any channel.

Pure logic: it reads the reporter's message and the conversation's state and
returns the new state and the replies. Everything that touches the database
(submitting, looking up a receipt, posting a reply, the team directory, media)
goes through the ``Ports`` the caller supplies, so channels and tests drive the
same engine. Replies are produced with gettext: the caller activates the
conversation's language around ``handle``.

This module holds the dispatch and the report's fields; the review, the
arrivals (files, locations, first stories, edits) and the follow-up are mixins
in their own modules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.channels.conversation import parsing, prompts
from tipoff.channels.conversation.arrivals import MAX_WHAT, ArrivalSteps
from tipoff.channels.conversation.base import FLOW
from tipoff.channels.conversation.followup import FollowUpSteps
from tipoff.channels.conversation.prompts import Catalogue
from tipoff.channels.conversation.review import ReviewSteps
from tipoff.channels.conversation.types import (
    Incoming,
    MediaCounts,
    Ports,
    Result,
    StatusResult,
    SubmitResult,
    fresh_state,
)
from tipoff.reports.validation import MIN_WHAT

__all__ = [
    "FLOW",
    "Engine",
    "Incoming",
    "MediaCounts",
    "Ports",
    "Result",
    "StatusResult",
    "SubmitResult",
    "fresh_state",
]


class Engine(ArrivalSteps, ReviewSteps, FollowUpSteps):
    def __init__(self, *, catalogue: Catalogue, ports: Ports, now: dt.datetime) -> None:
        self.catalogue = catalogue
        self.ports = ports
        self.now = now
        # Dates people say ("today", "昨天") are the service's local days, not UTC's.
        self.today = timezone.localdate(now)

    # --- entry point -------------------------------------------------------------

    def handle(self, state: dict[str, Any], incoming: Incoming) -> Result:
        self.state = state
        self.replies: list[str] = []
        self.finished = False
        self._dispatch(incoming)
        return Result(state=self.state, replies=self.replies, finished=self.finished)

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
        if incoming.kind == "edit":
            return self._edit(incoming)
        return self._text(incoming)

    def _text(self, incoming: Incoming) -> None:
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
        self._remember_ref(incoming.ref)
        if self.step == "idle":
            return self._on_idle(text, command, title=incoming.title, ref=incoming.ref)
        handler = getattr(self, f"_on_{self.step}", None)
        if handler is None:
            self.state["step"] = "idle"
            return self._on_idle(text, command)
        return handler(text, command)

    def _menu(self, choice: str) -> None:
        if choice == "report":
            if self.draft and self.step not in ("idle", "status_code", "followup"):
                self.replies.append(_("Let's continue your report where you left off."))
                return self._reprompt()
            self._start()
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

    def _on_idle(self, text: str, command: str | None, *, title: str = "", ref: str = "") -> None:
        choice = parsing.number_of(text)
        if choice in (1, 2, 3):
            return self._menu({1: "report", 2: "status", 3: "teams"}[choice])
        if parsing.looks_like_receipt(text):
            return self._status_lookup(parsing.receipt_digits(text))
        intent = parsing.intent_of(text)
        if intent in ("report", "status", "teams"):
            return self._menu(intent)
        if parsing.is_story(text) or (title and parsing.is_story(f"{title} {text}")):
            return self._start_with_story(text, title, ref)
        self.replies.append(prompts.welcome())
        return None

    # --- the report's fields: each setter returns a problem ('' when taken) ---------------------

    def _apply(self, target: str, text: str, command: str | None) -> str:
        if target.startswith("questions:"):
            key = target.partition(":")[2]
            question = next((q for q in self._questions() if q["key"] == key), None)
            return self._set_answer(question, text, command) if question else ""
        setter = getattr(self, f"_set_{target}")
        return str(setter(text, command))

    def _set_category(self, text: str, command: str | None) -> str:
        chosen = prompts.pick(text, self.catalogue.categories)
        if chosen is None:
            return _("Please answer with one of the numbers.")
        if self.draft.get("category_id") != chosen.id:
            self.draft["answers"] = {}
            self.state["category_changed"] = "category_id" in self.draft
            if self.step == "questions":
                self.state["q"] = 0
        self.draft["category_id"] = chosen.id
        return ""

    def _set_unit(self, text: str, command: str | None) -> str:
        if command == "skip":
            self.draft.pop("unit_id", None)
            self.draft.pop("unit_other", None)
            return ""
        chosen = prompts.pick(text, self.catalogue.units)
        if chosen is not None:
            self.draft["unit_id"], self.draft["unit_other"] = chosen.id, ""
        elif parsing.number_of(text) is not None:
            return _("There is no unit with that number.")
        else:
            self.draft["unit_id"], self.draft["unit_other"] = None, text[:200]
        return ""

    def _set_official(self, text: str, command: str | None) -> str:
        name, position = ("", "") if command == "skip" else parsing.split_official(text)
        self.draft["official_name"], self.draft["official_position"] = name[:200], position[:200]
        return ""

    def _set_when(self, text: str, command: str | None) -> str:
        occurred_on, detail = None, ""
        if command != "skip":
            date = parsing.date_of(text, today=self.today)
            if date and (date > self.today + dt.timedelta(days=1) or date.year < 1950):
                return _("The date cannot be in the future.")
            if date:
                occurred_on = date.isoformat()
            else:
                detail = text[:200]
        self.draft["occurred_on"], self.draft["when_detail"] = occurred_on, detail
        return ""

    def _set_where(self, text: str, command: str | None) -> str:
        self.draft["place"] = "" if command == "skip" else text[:200]
        return ""

    def _set_what(self, text: str, command: str | None) -> str:
        if len(text) < MIN_WHAT:
            return _("Please describe what happened in at least %(min)d characters.") % {
                "min": MIN_WHAT
            }
        if len(text) > MAX_WHAT:
            return _("Please keep this under %(limit)d characters.") % {"limit": MAX_WHAT}
        self.draft["what"] = text
        return ""

    def _set_name(self, text: str, command: str | None) -> str:
        if command == "skip" or not text:
            return _("A named report needs your name.")
        self.draft["reporter_name"] = text[:200]
        return ""

    def _set_contact(self, text: str, command: str | None) -> str:
        problem = prompts.contact_problem(text)
        if command == "skip" or problem:
            return problem or _("A named report needs a phone number or e-mail address.")
        self.draft["reporter_contact"] = text[:200]
        return ""

    def _set_answer(self, question: dict[str, Any], text: str, command: str | None) -> str:
        answers = self.draft.setdefault("answers", {})
        if command == "keep" and answers.get(question["key"]):
            return ""
        answer, problem = prompts.answer_question(question, text, command, today=self.today)
        if problem:
            return problem
        if answer:
            answers[question["key"]] = answer
        else:
            answers.pop(question["key"], None)
        return ""

    # --- the steps ------------------------------------------------------------------

    def _field_step(self, step: str, text: str, command: str | None) -> None:
        problem = self._apply(step, text, command)
        if problem:
            self.replies.append(problem)
            return self._reprompt()
        return self._next_after(step)

    def _on_category(self, text: str, command: str | None) -> None:
        problem = self._set_category(text, command)
        if problem:
            self.replies.append(problem)
            return self._reprompt()
        changed = self.state.pop("category_changed", False)
        if changed and self.state.get("return_to") and self._questions():
            # A new category from the review: its own questions come before going back.
            return self._ask_questions()
        return self._next_after("category")

    def _on_unit(self, text: str, command: str | None) -> None:
        return self._field_step("unit", text, command)

    def _on_official(self, text: str, command: str | None) -> None:
        return self._field_step("official", text, command)

    def _on_when(self, text: str, command: str | None) -> None:
        return self._field_step("when", text, command)

    def _on_where(self, text: str, command: str | None) -> None:
        return self._field_step("where", text, command)

    def _on_what(self, text: str, command: str | None) -> None:
        return self._field_step("what", text, command)

    def _on_questions(self, text: str, command: str | None) -> None:
        questions = self._questions()
        index = int(self.state.get("q", 0))
        if index >= len(questions):
            self.state.pop("q", None)
            return self._next_after("questions")
        problem = self._set_answer(questions[index], text, command)
        if problem:
            self.replies.append(problem)
            return self._reprompt()
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
        problem = self._set_name(text, command)
        if problem:
            self.replies.append(problem)
            return self._reprompt()
        return self._go("contact")

    def _on_contact(self, text: str, command: str | None) -> None:
        problem = self._set_contact(text, command)
        if problem:
            self.replies.append(problem)
            return self._reprompt()
        return self._next_after("identity")
