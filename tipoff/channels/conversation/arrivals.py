"""What arrives besides answers to the question asked: files, locations, first stories, edits.

Whatever a reporter sends first becomes the start of a report — a story, a
photo, a location — and the missing fields are asked afterwards. An edited
message (Telegram) replaces the draft field that message had filled.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tipoff.channels.conversation import parsing, prompts
from tipoff.channels.conversation.base import FIELD_STEPS, Steps
from tipoff.channels.conversation.types import Incoming

MAX_WHAT = 5000
KEEP_REFS = 40  # corrections are taken for this many recent messages


class ArrivalSteps(Steps):
    # Implemented by the engine's field steps.
    def _apply(self, target: str, text: str, command: str | None) -> str:
        raise NotImplementedError

    # --- starting a report from whatever came first ----------------------------------------

    def _start(self, **draft: str) -> None:
        self.state["draft"] = dict(draft)
        self.state["given"] = [
            step for step, key in (("what", "what"), ("where", "place")) if key in draft
        ]
        for key in ("q", "return_to", "resume"):
            self.state.pop(key, None)

    def _start_with_story(self, text: str, title: str = "", ref: str = "") -> None:
        story = text if not title or title in text else f"{title}\n{text}"
        self._start(what=story[:MAX_WHAT])
        self._remember_as(ref, "what")
        self.replies.append(
            _(
                "Thank you. What you wrote is kept as the description of your report. "
                "A few questions to complete it (send “cancel” to stop):"
            )
        )
        if len(story) > MAX_WHAT:
            self.replies.append(
                _(
                    "Your description is longer than %(limit)d characters: the first %(limit)d "
                    "are kept. You can change it in the review."
                )
                % {"limit": MAX_WHAT}
            )
        return self._go("category")

    # --- files and places ------------------------------------------------------------------

    # Implemented by the engine: a text message in the current step.
    def _text(self, incoming: Incoming) -> None:
        raise NotImplementedError

    def _media(self, incoming: Incoming) -> None:
        """Files (one delivery may bring several), and the text that came with them."""
        notes = incoming.media_notes or ["accepted"]
        if "not_now" in notes:
            # Files for a report already made go through the website, where the receipt
            # opens the report; here the report's key is held only briefly.
            self.replies.append(
                _(
                    "To add files to a report you have already made, open it on the website "
                    "with your receipt. Here you can send a written answer."
                )
            )
            text = incoming.text.strip()
            if text:  # a caption, a voice's recognised words, a mail's text: still an answer
                return self._text(Incoming(text=text, ref=incoming.ref))
            return self._reprompt()
        for note in notes:
            if note == "too_many":
                self.replies.append(_("You cannot add more files to this report."))
            elif note == "too_large":
                self.replies.append(_("This file is too large."))
            elif note.startswith("rejected"):
                self.replies.append(note.partition(":")[2] or _("This file cannot be accepted."))
        if "accepted" in notes:
            count = self.ports.media()
            total = count.ready + count.pending
            self.replies.append(_("File received (%(n)d so far).") % {"n": total})
        text = incoming.text.strip()
        if self.step == "idle" and "accepted" in notes:
            if parsing.is_story(text) or (text and incoming.title):
                return self._start_with_story(text, incoming.title, incoming.ref)
            self._start()
            self.replies.append(_("It will be part of your report. A few questions first:"))
            return self._go("category")
        if text:
            if self.step == "evidence" and parsing.command_of(text) is None:
                return self._caption(text, incoming.ref)
            return self._text(Incoming(text=text, ref=incoming.ref, title=incoming.title))
        if self.step == "evidence":
            self.replies.append(_("Send more, or send “done” to continue."))
        elif self.step != "idle":
            self._reprompt()
        return None

    def _location(self, incoming: Incoming) -> None:
        where = prompts.location_text(incoming.latitude, incoming.longitude, incoming.label)
        if self.step in ("status_code", "followup"):
            self.replies.append(_("Please start a report first (send “report”)."))
            return None
        self.replies.append(_("Location noted: %(place)s") % {"place": where})
        if self.step == "idle":
            self._start(place=where)
            return self._go("category")
        self.draft["place"] = where
        if self.step == "where":
            return self._next_after("where")
        return self._reprompt()

    def _caption(self, text: str, ref: str = "") -> None:
        """Text sent with a file while files are collected: it adds to the description."""
        self._remember_as(ref, "what")
        what = str(self.draft.get("what") or "")
        self.draft["what"] = (f"{what}\n\n{text}" if what else text)[:MAX_WHAT]
        self.replies.append(_("The text you sent with it was added to the description."))
        self.replies.append(_("Send more, or send “done” to continue."))

    # --- corrections (edited messages) -----------------------------------------------------

    def _remember_ref(self, ref: str) -> None:
        """Which draft field this message fills, so a later edit of it can replace that field."""
        if not ref:
            return
        if self.step in FIELD_STEPS:
            target = self.step
        elif self.step == "questions":
            questions = self._questions()
            index = int(self.state.get("q", 0))
            if index >= len(questions):
                return
            target = f"questions:{questions[index]['key']}"
        elif self.step == "followup":
            target = "followup"
        else:
            return
        self._remember_as(ref, target)

    def _remember_as(self, ref: str, target: str) -> None:
        if not ref:
            return
        refs = self.state.setdefault("refs", {})
        refs[ref] = target
        while len(refs) > KEEP_REFS:
            refs.pop(next(iter(refs)))

    def _edit(self, incoming: Incoming) -> None:
        target = (self.state.get("refs") or {}).get(incoming.ref)
        if target == "followup":
            self.replies.append(
                _(
                    "Your earlier message has already been passed to the inspectors. "
                    "Send the correction as a new message."
                )
            )
            return self._reprompt()
        if target is None or not self.draft:
            self.replies.append(
                _(
                    "This change cannot be used here. Send the correction as a new message; "
                    "for a report already sent, send “status” with your receipt and write to "
                    "the inspectors."
                )
            )
            return self._reprompt() if self.step != "idle" else None
        text = incoming.text.strip()
        problem = self._apply(target, text, parsing.command_of(text))
        if problem:
            self.replies.append(
                _("Your correction could not be used: %(problem)s") % {"problem": problem}
            )
            return self._reprompt()
        self.replies.append(
            _("Corrected: %(item)s.") % {"item": prompts.item_label(target, self.catalogue)}
        )
        if target == "category" and self.state.pop("category_changed", False):
            past_questions = self.step in ("evidence", "identity", "name", "contact", "review")
            if self._questions() and past_questions:
                self.state["return_to"] = self.step
                return self._ask_questions()
        if target == self.step and target in FIELD_STEPS:
            # The answer this step refused is now good: go on instead of asking it again.
            return self._next_after(target)
        return self._reprompt()
