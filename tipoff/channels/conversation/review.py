"""The review before submitting: change any item (the category's own questions too), confirm.

A change asked from the review goes to that step and comes back to the review.
Changing the category asks the new category's questions first. Whatever the
submission refuses sends the reporter to the step that fixes it, so a confirm
can never fail over and over with no way forward but cancelling.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tipoff.channels.conversation import parsing, prompts
from tipoff.channels.conversation.base import Steps
from tipoff.channels.conversation.types import fresh_state

# The step that fixes each field report_submit may refuse.
_STEP_OF_FIELD = {
    "category": "category",
    "unit": "unit",
    "unit_other": "unit",
    "official_name": "official",
    "official_position": "official",
    "occurred_on": "when",
    "when_detail": "when",
    "place": "where",
    "district": "where",
    "what": "what",
    "evidence": "evidence",
    "reporter_name": "name",
    "reporter_contact": "contact",
}


class ReviewSteps(Steps):
    def _on_review(self, text: str, command: str | None) -> None:
        if command == "confirm":
            return self._submit()
        items = prompts.review_items(self.draft, self.catalogue)
        choice = parsing.number_of(text)
        if choice is not None and 1 <= choice <= len(items):
            self.state["return_to"] = "review"
            item = items[choice - 1]
            if item == "questions":
                return self._ask_questions()
            return self._go(item)
        self.replies.append(
            _("Send “confirm” to submit, a number to change that item, or “cancel”.")
        )
        return None

    def _unanswered_essential(self) -> int | None:
        answers = self.draft.get("answers") or {}
        for index, question in enumerate(self._questions()):
            if question.get("essential") and not answers.get(question["key"]):
                return index
        return None

    def _fix(self, field: str) -> None:
        """Send the reporter to the step that fixes ``field``, then back to the review."""
        self.state["return_to"] = "review"
        if field.startswith("answers."):
            key = field.partition(".")[2]
            keys = [q["key"] for q in self._questions()]
            self.state["q"] = keys.index(key) if key in keys else 0
            return self._go("questions")
        return self._go(_STEP_OF_FIELD.get(field, "review"))

    def _submit(self) -> None:
        missing = self._unanswered_essential()
        if missing is not None:
            self.replies.append(_("This question needs an answer."))
            self.state["return_to"] = "review"
            self.state["q"] = missing
            return self._go("questions")
        language = str(self.state.get("lang", "zh-hans"))
        result = self.ports.submit(self.draft, language)
        if result.errors:
            self.replies.append(_("The report could not be submitted yet:"))
            self.replies.append(
                "\n".join(f"• {m}" for msgs in result.errors.values() for m in msgs)
            )
            return self._fix(next(iter(result.errors)))
        self.state = fresh_state(language)
        self.finished = True
        self.replies.append(prompts.receipt_message(result.receipt))
        if result.files_missing:
            self.replies.append(
                _(
                    "These files could not be added to your report: %(files)s. "
                    "You can add them on the website with your receipt."
                )
                % {"files": "; ".join(result.files_missing)}
            )
        if result.files_pending:
            self.replies.append(
                _(
                    "These files are still being fetched and will be added to your report "
                    "when they arrive: %(files)s. If one cannot be fetched you will be told; "
                    "you can also add files on the website with your receipt."
                )
                % {"files": "; ".join(result.files_pending)}
            )
        return None
