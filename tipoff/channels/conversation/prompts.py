"""What the conversation says: each step's question, the review, the receipt.

Strings are English in the source and translated through the app's catalogue;
names of categories and units come in both languages from the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipoff.channels.conversation import numbers, parsing
from tipoff.lib import receipts
from tipoff.reports.validation import DONT_KNOW, MIN_WHAT


@dataclass(frozen=True)
class Choice:
    id: int
    name_zh: str
    name_en: str
    questions: list[dict[str, Any]] = field(default_factory=list)

    def name(self) -> str:
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name_zh


@dataclass(frozen=True)
class Catalogue:
    categories: list[Choice]
    units: list[Choice]

    def category(self, pk: Any) -> Choice | None:
        return next((c for c in self.categories if c.id == pk), None)

    def unit(self, pk: Any) -> Choice | None:
        return next((u for u in self.units if u.id == pk), None)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _label(item: dict[str, Any], prefix: str = "label") -> str:
    return str(
        item.get(f"{prefix}_en")
        if _english() and item.get(f"{prefix}_en")
        else item.get(f"{prefix}_zh", "")
    )


def numbered(items: list[Choice]) -> str:
    return "\n".join(f"{n}. {item.name()}" for n, item in enumerate(items, start=1))


def pick(text: str, items: list[Choice]) -> Choice | None:
    """By number, or by a name typed in full or in part (when only one matches)."""
    number = parsing.number_of(text)
    if number is not None:
        return items[number - 1] if 1 <= number <= len(items) else None
    typed = parsing.normalise(text)
    if not typed:
        return None
    exact = [i for i in items if typed in (i.name_zh.lower(), i.name_en.lower())]
    if exact:
        return exact[0]
    partial = [
        i
        for i in items
        if typed in i.name_zh.lower() or (len(typed) > 3 and typed in i.name_en.lower())
    ]
    return partial[0] if len(partial) == 1 else None


def welcome() -> str:
    return _(
        "Report misconduct by public officials, anonymously if you wish.\n"
        "1. Make a report\n2. Check a report's status (with your receipt)\n"
        "3. Inspection teams' contacts\n"
        "Send a number. Send “cancel” at any time to stop; “English” or “中文” to change language."
    )


def questions_of(draft: dict[str, Any], catalogue: Catalogue) -> list[dict[str, Any]]:
    category = catalogue.category(draft.get("category_id"))
    return [q for q in (category.questions if category else []) if q.get("key")]


def location_text(latitude: float | None, longitude: float | None, label: str) -> str:
    coords = (
        f"{latitude:.6f}, {longitude:.6f}" if latitude is not None and longitude is not None else ""
    )
    return " ".join(part for part in (label.strip(), f"({coords})" if coords else "") if part)[:200]


def contact_problem(text: str) -> str:
    value = text.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return _("This e-mail address does not look right.")
        return ""
    digits = parsing.receipt_digits(value)
    if not (6 <= len(digits) <= 20) or any(ch not in "+0123456789 -" for ch in value):
        return _("Give a phone number or an e-mail address.")
    return ""


def answer_question(
    question: dict[str, Any], text: str, command: str | None, *, today: dt.date
) -> tuple[str, str]:
    """(answer, problem) for one of a category's extra questions.

    "Skip", "不清楚", "don't know"… leave an ordinary question unanswered; an essential
    one records them as ``DONT_KNOW``: the inspector sees the reporter did not know, and
    the report goes on.
    """
    if command == "skip":
        return (DONT_KNOW if question.get("essential") else ""), ""
    if not text:
        if question.get("essential"):
            return "", _("This question needs an answer.")
        return "", ""
    kind = question.get("type", "text")
    if kind == "number":
        value = numbers.number_in(text)
        if value is None:
            return "", _("Enter a number, e.g. 20 or 5万.")
        return numbers.number_text(value), ""
    if kind == "date":
        date = parsing.date_of(text, today=today)
        return (date.isoformat(), "") if date else ("", _("Enter a date as YYYY-MM-DD."))
    if kind == "choice":
        choices = question.get("choices", [])
        number = parsing.number_of(text)
        if number is not None and 1 <= number <= len(choices):
            return str(choices[number - 1].get("value", "")), ""
        return "", _("Choose one of the options.")
    return text[: 5000 if kind == "textarea" else 200], ""


def _question_prompt(state: dict[str, Any], catalogue: Catalogue) -> str:
    questions = questions_of(state.get("draft", {}), catalogue)
    index = int(state.get("q", 0))
    if index >= len(questions):
        return ""
    question = questions[index]
    lines = [_label(question)]
    for n, choice in enumerate(question.get("choices", []), start=1):
        lines.append(f"{n}. {_label(choice)}")
    lines.append(
        _("An answer is needed: send “don't know” if you do not know.")
        if question.get("essential")
        else _("Send “skip” if you don't know.")
    )
    current = (state.get("draft", {}).get("answers") or {}).get(question["key"])
    if current:
        lines.append(
            _("Now: %(answer)s. Send “keep” to keep it.")
            % {"answer": _answer_text(question, current)}
        )
    return "\n".join(lines)


def _answer_text(question: dict[str, Any], value: str) -> str:
    if value == DONT_KNOW:
        return _("I don't know")
    for choice in question.get("choices", []):
        if str(choice.get("value")) == str(value):
            return _label(choice)
    return str(value)


def prompt_for(step: str, state: dict[str, Any], catalogue: Catalogue) -> str:
    skip = _("Send “skip” if you don't know.")
    if step == "category":
        return (
            _("What kind of misconduct is it? Send a number:")
            + "\n"
            + numbered(catalogue.categories)
        )
    if step == "unit":
        return "\n".join(
            [
                _(
                    "Which unit (department or workplace) is involved? "
                    "Send a number, or type its name:"
                ),
                numbered(catalogue.units),
                skip,
            ]
        )
    if step == "official":
        return (
            _("Who is the official? Send their name and position, e.g. “Wang Wu, director”.")
            + "\n"
            + skip
        )
    if step == "when":
        return _("When did it happen? Send a date like 2024-05-01, or describe it.") + "\n" + skip
    if step == "where":
        return _("Where did it happen? Send a place or your location.") + "\n" + skip
    if step == "what":
        return _(
            "What happened? Describe it in your own words (at least %(min)d characters): "
            "who did what, and who else was there."
        ) % {"min": MIN_WHAT}
    if step == "questions":
        return _question_prompt(state, catalogue)
    if step == "evidence":
        return _(
            "Do you have photos, documents or recordings? Send them now (a location too). "
            "Send “done” when finished, or “skip”."
        )
    if step == "identity":
        return _(
            "Do you want to give your name?\n1. No, stay anonymous\n"
            "2. Yes, report by name (named reports are handled first)"
        )
    if step == "name":
        return _("Your full name:")
    if step == "contact":
        return _("A phone number or e-mail address where the inspectors can reach you:")
    if step == "review":
        return review(state, catalogue)
    if step == "status_code":
        return _("Send the receipt you were given when you reported (20 digits).")
    if step == "followup":
        return _("Send your message for the inspectors, or “done”.")
    return welcome()


REVIEW_SHOWN_CHARS = 300  # a long description is shortened in the review, never in the report


def review_items(draft: dict[str, Any], catalogue: Catalogue) -> list[str]:
    """The review's numbered items, each named by the step that changes it."""
    items = ["category", "unit", "official", "when", "where", "what"]
    if questions_of(draft, catalogue):
        items.append("questions")
    return [*items, "evidence", "identity"]


def item_label(target: str, catalogue: Catalogue) -> str:
    """What a review item or a corrected field is called."""
    if target.startswith("questions:"):
        return _("the answer to an extra question")
    return {
        "category": _("Kind"),
        "unit": _("Unit"),
        "official": _("Official"),
        "when": _("When"),
        "where": _("Where"),
        "what": _("What happened"),
        "questions": _("Details for this kind"),
        "evidence": _("Files"),
        "identity": _("Your identity"),
        "name": _("Your name"),
        "contact": _("Your contact"),
    }.get(target, target)


def _shortened(text: str) -> str:
    return text if len(text) <= REVIEW_SHOWN_CHARS else text[:REVIEW_SHOWN_CHARS] + "…"


def review(state: dict[str, Any], catalogue: Catalogue) -> str:
    draft = state.get("draft", {})
    unknown = _("(not known)")
    category = catalogue.category(draft.get("category_id"))
    unit = catalogue.unit(draft.get("unit_id"))
    official = ", ".join(
        p for p in (draft.get("official_name"), draft.get("official_position")) if p
    )
    when = draft.get("occurred_on") or draft.get("when_detail") or ""
    files = str(int(state.get("media_count", 0)))
    if state.get("media_failed"):
        files += " " + _("(%(n)d could not be fetched)") % {"n": int(state["media_failed"])}
    identity = (
        _("named: %(name)s, %(contact)s")
        % {"name": draft.get("reporter_name", ""), "contact": draft.get("reporter_contact", "")}
        if draft.get("is_named")
        else _("anonymous")
    )
    answers = draft.get("answers") or {}
    details = "".join(
        f"\n   {_label(q)}: {_answer_text(q, answers[q['key']]) if answers.get(q['key']) else unknown}"
        for q in questions_of(draft, catalogue)
    )
    values = {
        "category": category.name() if category else unknown,
        "unit": unit.name() if unit else draft.get("unit_other") or unknown,
        "official": official or unknown,
        "when": when or unknown,
        "where": draft.get("place") or unknown,
        "what": _shortened(str(draft.get("what", ""))),
        "questions": details,
        "evidence": files,
        "identity": identity,
    }
    lines = [_("Please check your report:")]
    for n, item in enumerate(review_items(draft, catalogue), start=1):
        lines.append(f"{n}. {item_label(item, catalogue)}: {values[item]}")
    lines.append(_("Send “confirm” to submit, a number to change that item, or “cancel”."))
    return "\n".join(lines)


def receipt_message(code: str) -> str:
    return _(
        "Your report has been received. Your receipt is:\n%(receipt)s\n"
        "Keep it secret and safe: it is the only way to follow your report, "
        "and it cannot be shown again. "
        "Send “status” with your receipt to see progress and the inspectors' messages."
    ) % {"receipt": receipts.display(code)}
