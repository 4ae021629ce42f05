"""Checking a report's fields before anything is written.

Messages are for the reporter, in their language; each names the field it is
about so every edge (form, API, chat) can show it next to that field.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from tipoff.people.models import Category

MAX_TEXT = 5000
MAX_SHORT = 200
MIN_WHAT = 10  # characters: stated in the form's hint before anyone is refused for it
# The stored answer of a reporter who does not know: every extra question offers it.
DONT_KNOW = "?"
# What a reporter may type (or a client send) for it, compared case-insensitively.
DONT_KNOW_WORDS = frozenset(
    {"?", "？", "不清楚", "不知道", "不详", "unknown", "don't know", "dont know", "i don't know"}
)
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")


class SubmissionInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Problems:
    """Collects field errors; raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise SubmissionInvalid(self.errors)


def clean_text(value: str) -> str:
    """Strip, normalise newlines and drop control characters (keep tab/newline)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()


def check_length(problems: Problems, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.add(field, _("Please keep this under %(limit)d characters.") % {"limit": limit})


def check_contact(problems: Problems, contact: str) -> None:
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            problems.add("reporter_contact", _("This e-mail address does not look right."))
    elif not _PHONE.match(contact):
        problems.add("reporter_contact", _("Give a phone number or an e-mail address."))


def check_date(problems: Problems, occurred_on: dt.date | None) -> None:
    if occurred_on and occurred_on > timezone.localdate() + dt.timedelta(days=1):
        problems.add("occurred_on", _("The date cannot be in the future."))
    if occurred_on and occurred_on.year < 1950:
        problems.add("occurred_on", _("This date is too long ago."))


def clean_answers(
    problems: Problems, category: Category, answers: dict[str, str]
) -> dict[str, str]:
    """Keep only the category's own questions; check essential ones and types.

    No question blocks a report unless the body marked it essential, and even
    then "I don't know" (``DONT_KNOW``) is an answer: a witness who missed the
    number plate can still report under the right category.
    """
    cleaned: dict[str, str] = {}
    for question in category.questions or []:
        key = question.get("key", "")
        raw = clean_text(str(answers.get(key, "") or ""))
        field = f"answers.{key}"
        if not raw:
            if question.get("essential"):
                problems.add(
                    field, _("Answer this question, or choose “I don't know” if you do not know.")
                )
            continue
        if raw.casefold().replace("’", "'") in DONT_KNOW_WORDS:
            cleaned[key] = DONT_KNOW
            continue
        kind = question.get("type", "text")
        if kind == "number":
            try:
                finite = math.isfinite(float(raw))
            except ValueError:
                finite = False
            if not finite:  # "nan", "inf" and "1e999" are no answer to "how much?"
                problems.add(field, _("Enter a number."))
                continue
        elif kind == "date":
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                problems.add(field, _("Enter a date as YYYY-MM-DD."))
                continue
        elif kind == "choice":
            allowed = {c.get("value") for c in question.get("choices", [])}
            if raw not in allowed:
                problems.add(field, _("Choose one of the options."))
                continue
        check_length(problems, field, raw, MAX_TEXT if kind == "textarea" else MAX_SHORT)
        cleaned[key] = raw
    return cleaned
