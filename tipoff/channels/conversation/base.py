"""What every part of the conversation engine shares: the state, the replies, moving between steps.

The engine is split by meaning (fields, review, arrivals of files and edits,
follow-up); each part is a mixin over this base.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tipoff.channels.conversation import prompts
from tipoff.channels.conversation.prompts import Catalogue
from tipoff.channels.conversation.types import Ports

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
# Steps whose answer is a draft field a later correction (an edited message) may replace.
FIELD_STEPS = ("category", "unit", "official", "when", "where", "what", "name", "contact")


class Steps:
    state: dict[str, Any]
    replies: list[str]
    finished: bool
    now: dt.datetime
    today: dt.date
    ports: Ports
    catalogue: Catalogue

    @property
    def step(self) -> str:
        return str(self.state.get("step", "idle"))

    @property
    def draft(self) -> dict[str, Any]:
        return self.state.setdefault("draft", {})

    def _questions(self) -> list[dict[str, Any]]:
        return prompts.questions_of(self.draft, self.catalogue)

    def _go(self, step: str) -> None:
        self.state["step"] = step
        if step == "review":
            counts = self.ports.media()
            self.state["media_count"] = counts.ready + counts.pending
            self.state["media_failed"] = counts.failed
        self.replies.append(prompts.prompt_for(step, self.state, self.catalogue))

    def _reprompt(self) -> None:
        self.replies.append(prompts.prompt_for(self.step, self.state, self.catalogue))

    def _ask_questions(self) -> None:
        self.state["q"] = 0
        return self._go("questions")

    def _next_after(self, step: str) -> None:
        """The next step of the flow, or back where a change was asked from (the review)."""
        back_to = self.state.pop("return_to", None)
        if back_to:
            return self._go(back_to)
        given = self.state.get("given") or []
        for following in FLOW[FLOW.index(step) + 1 :]:
            if following == "questions":
                if self._questions():
                    return self._ask_questions()
                continue
            if following in given:
                continue  # told in the first message (a story, a location)
            return self._go(following)
        return self._go("review")
