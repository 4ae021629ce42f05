"""Following a report up in a conversation: status by receipt, then answering the inspectors.

The receipt gives the report's status and the inspectors' latest messages; for
the next minutes what the reporter sends goes to the report's thread. Part of
the engine (see engine.py), kept apart to keep each file about one thing.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tipoff.channels.conversation import parsing, prompts
from tipoff.channels.conversation.base import Steps

FOLLOWUP_MINUTES = 15


class FollowUpSteps(Steps):
    def _on_status_code(self, text: str, command: str | None) -> None:
        digits = parsing.receipt_digits(text)
        if len(digits) < 16:
            self.replies.append(_("That is not a receipt. A receipt has 20 digits."))
            return self._reprompt()
        return self._status_lookup(digits)

    def _status_lookup(self, code: str) -> None:
        found = self.ports.status(code)
        if isinstance(found, str):
            self.replies.append(found)
            return None
        if found is None:
            self.replies.append(_("No report matches this receipt. Please check the digits."))
            if self.step != "status_code":
                self.state["resume"] = self.step
            self.state["step"] = "status_code"
            return None
        self.replies.append("\n".join(found.lines))
        until = self.now + dt.timedelta(minutes=FOLLOWUP_MINUTES)
        if self.step not in ("idle", "status_code", "followup"):
            self.state["resume"] = self.step
        self.state["followup"] = {
            "report": found.report_id,
            "key": found.key_hex,
            "until": until.isoformat(),
        }
        self.state["step"] = "followup"
        self.replies.append(
            _(
                "To answer the inspectors, send your message now (within %(m)d minutes). "
                "Send “done” when you have finished."
            )
            % {"m": FOLLOWUP_MINUTES}
        )
        return None

    def _on_followup(self, text: str, command: str | None) -> None:
        followup = self.state.get("followup") or {}
        expired = not followup or dt.datetime.fromisoformat(followup["until"]) < self.now
        if command in ("done", "cancel") or expired:
            self.state.pop("followup", None)
            resume = self.state.pop("resume", "")
            if expired and command not in ("done", "cancel"):
                self.replies.append(
                    _("For your security, please send your receipt again to answer.")
                )
            self.state["step"] = resume or "idle"
            if resume:
                return self._reprompt()
            self.finished = not self.draft
            self.replies.append(prompts.welcome())
            return None
        problem = self.ports.post_reply(int(followup["report"]), str(followup["key"]), text)
        if problem:
            self.replies.append(problem)
        else:
            self.replies.append(_("Your message has been passed to the inspectors."))
        return None
