"""Typed shapes of the JSON API's intake and follow-up requests and answers.

Inputs are strict about shape (unknown fields are refused, so a misspelt field
is caught instead of silently dropped) and leave the rules about content —
lengths, required answers, dates, contacts — to ``report_submit``, so every
channel applies the same ones. Field descriptions end up in the OpenAPI
document at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from tipoff.reports.validation import MAX_SHORT, MAX_TEXT

# Database ids fit a signed 64-bit integer; bigger numbers would overflow the
# database driver instead of simply matching nothing.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _iso_date_text(value: Any) -> Any:
    # Pydantic would read a bare number as seconds since 1970; people mean a day.
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "tipoff", "{message}", {"message": _("Enter a date as YYYY-MM-DD.")}
        )
    return value


def _code_or_id(value: Any) -> Any:
    # bool is an int to Python; a category is never true or false.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError(
            "tipoff",
            "{message}",
            {"message": _("Give the category's code (text) or its id (a number).")},
        )
    if isinstance(value, int) and not 1 <= value <= MAX_ID:
        raise PydanticCustomError(
            "tipoff", "{message}", {"message": _("This category does not exist.")}
        )
    return value


def _answer_values(value: Any) -> Any:
    if not isinstance(value, dict):
        return value  # pydantic reports the wrong type
    for answer in value.values():
        if isinstance(answer, bool) or not isinstance(answer, str | int | float | None):
            raise PydanticCustomError(
                "tipoff",
                "{message}",
                {"message": _("Each answer must be text or a number.")},
            )
    return value


def _district_name_or_id(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError(
            "tipoff",
            "{message}",
            {"message": _("Give the district's name (text) or its id (a number).")},
        )
    if isinstance(value, int) and not 1 <= value <= MAX_ID:
        raise PydanticCustomError(
            "tipoff", "{message}", {"message": _("Choose a district from the list.")}
        )
    if isinstance(value, str) and len(value) > 200:
        raise PydanticCustomError(
            "tipoff", "{message}", {"message": _("Choose a district from the list.")}
        )
    return value


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date_text)]
CategoryRef = Annotated[int | str, BeforeValidator(_code_or_id)]
DistrictRef = Annotated[int | str | None, BeforeValidator(_district_name_or_id)]
Answers = Annotated[dict[str, str | int | float | None], BeforeValidator(_answer_values)]


class StrictInput(Schema):
    # Subclasses' own model_config is merged with this one.
    model_config = ConfigDict(extra="forbid")


# --- public configuration ---------------------------------------------------------


class BodyOut(Schema):
    slug: str = Field(description="Identifier of the body; pass it as `body` elsewhere.")
    name: str = Field(description="The body's name in the request's language.")
    is_default: bool = Field(description="True for the body used when no `body` is given.")


class ChoiceOut(Schema):
    value: str = Field(description="What to send as the answer.")
    label: str = Field(description="What to show, in the request's language.")


class QuestionOut(Schema):
    key: str = Field(description="Key of the answer in the report's `answers` object.")
    label: str = Field(description="The question, in the request's language.")
    type: Literal["text", "textarea", "number", "date", "choice"] = Field(
        description="Kind of answer: short text, long text, a number, a date (YYYY-MM-DD) "
        "or one of `choices`."
    )
    essential: bool = Field(
        description="True if a report in this category must answer it; `?` (I don't know) "
        "always counts as an answer."
    )
    required: bool = Field(description="The same as `essential` (kept for older clients).")
    choices: list[ChoiceOut] = Field(
        description="Allowed answers for `choice` questions; `?` (I don't know) is allowed too."
    )


class CategoryOut(Schema):
    id: int = Field(description="Numeric id of the category.")
    code: str = Field(description="Stable code of the category; send it (or the id) as `category`.")
    name: str = Field(description="Name in the request's language.")
    description: str = Field(description="What the category covers, in the request's language.")
    questions: list[QuestionOut] = Field(description="Extra questions this category asks.")


class DistrictOut(Schema):
    id: int = Field(description="Numeric id of the district; send it (or the name) as `district`.")
    name: str = Field(description="Name in the request's language.")


class UnitOut(Schema):
    id: int = Field(description="Numeric id of the unit; send it as `unit`.")
    name: str = Field(description="Name in the request's language.")
    district: str = Field(description="District the unit belongs to, if any.")
    district_id: int | None = Field(description="Id of that district, if any.")
    parent_id: int | None = Field(description="Id of the unit above this one, if any.")


class TeamOut(Schema):
    name: str = Field(description="Name of the inspection team, in the request's language.")
    jurisdiction: str = Field(description="Units and districts the team oversees.")
    districts: list[str] = Field(description="Districts in the team's jurisdiction.")
    phone: str = Field(description="Public phone number.")
    email: str = Field(description="Public e-mail address.")
    address: str = Field(description="Public address, in the request's language.")


# --- submitting a report -------------------------------------------------------------


class ReportIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "category": "banqueting",
                    "what": "The director of the transport bureau held a banquet for twenty "
                    "people at the Lakeside Hotel and paid with the bureau's card.",
                    "official_name": "Wang Wu",
                    "official_position": "Director",
                    "occurred_on": "2025-03-01",
                    "place": "Lakeside Hotel",
                    "answers": {"people": 20, "amount": 12000},
                }
            ]
        },
    )

    body: str | None = Field(
        None,
        description="Slug of the body to report to (see `GET /bodies`); "
        "the default body if omitted.",
        max_length=50,
    )
    category: CategoryRef = Field(
        description="Kind of misconduct: a category's `code` (e.g. `banqueting`) "
        "or its numeric `id`.",
    )
    what: str = Field(
        description=f"What happened, in your own words (10 to {MAX_TEXT} characters)."
    )
    unit: Id | None = Field(None, description="Id of the unit concerned (see `GET /units`).")
    unit_other: str = Field(
        "",
        description="The unit, in words, when it is not in the list "
        f"(at most {MAX_SHORT} characters).",
    )
    official_name: str = Field("", description="Name of the official reported, if known.")
    official_position: str = Field("", description="Position of the official reported, if known.")
    district: DistrictRef = Field(
        None,
        description="District where it happened, if known: a district's `id` or its exact "
        "name from `GET /districts` (nothing else is accepted: districts are kept in clear "
        "for routing and statistics, so they come from the body's list).",
    )
    occurred_on: IsoDate = Field(None, description="Date it happened (YYYY-MM-DD), if known.")
    when_detail: str = Field(
        "", description="When it happened, in words (e.g. 'every Friday evening')."
    )
    place: str = Field("", description="Where it happened.")
    answers: Answers = Field(
        default_factory=dict,
        description="Answers to the category's extra questions, by question `key`. "
        'Send `?` for "I don\'t know"; only essential questions must be answered. '
        "Unknown keys are ignored.",
    )
    named: bool = Field(
        False,
        description="False (default) for an anonymous report; true to give your name and a "
        "phone number or e-mail address (stored encrypted).",
    )
    reporter_name: str = Field("", description="Your name; required when `named` is true.")
    reporter_contact: str = Field(
        "", description="Your phone number or e-mail address; required when `named` is true."
    )


class StatusOut(Schema):
    code: str = Field(description="Machine-readable state of the case (e.g. `received`).")
    label: str = Field(description="Short name of the state, in the request's language.")
    explanation: str = Field(description="What the state means for you, in plain language.")
    details: list[str] = Field(description="Further lines from the inspectors, if any.")


class ReceiptOut(Schema):
    receipt: str = Field(
        description="The receipt code: the only way to follow the report up. It is shown once and "
        "cannot be recovered; keep it secret and safe."
    )
    receipt_display: str = Field(description="The same code in groups of four digits, for reading.")
    status: StatusOut = Field(description="State of the new report.")
    acknowledge_within_days: int = Field(
        description="The body undertakes to acknowledge the report within this many days."
    )


# --- follow-up by receipt ------------------------------------------------------------


class MessageIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "It happened again last Friday."}]},
    )

    text: str = Field(
        description=f"Your message to the inspectors (at most {MAX_TEXT} characters)."
    )


class EvidenceOut(Schema):
    id: int = Field(description="Id of the file; download it from `GET /followup/evidence/{id}`.")
    kind: str = Field(description="image, document, audio or video.")
    media_type: str = Field(description="Media type of the (cleaned) file.")
    size: int = Field(description="Size in bytes.")
    added_by: Literal["reporter", "staff"] = Field(description="Who added it.")
    created_at: dt.datetime = Field(description="When it was added.")


class MessageOut(Schema):
    author: Literal["reporter", "staff"] = Field(description="`reporter` (you) or `staff`.")
    author_label: str = Field(description="Who wrote it, in the request's language.")
    created_at: dt.datetime = Field(description="When it was written.")
    text: str = Field(description="The message.")
    evidence: list[int] = Field(description="Ids of the files sent with the message.")


class AnswerOut(Schema):
    key: str = Field(description="Question key.")
    label: str = Field(description="The question, in the request's language.")
    value: str = Field(description='Your answer; `?` means "I don\'t know".')


class ContentOut(Schema):
    what: str = Field(description="What happened, as you wrote it.")
    unit: str = Field(description="The unit concerned (from the list, or as you wrote it).")
    official_name: str = Field(description="Name of the official reported.")
    official_position: str = Field(description="Position of the official reported.")
    district: str = Field(description="District.")
    occurred_on: dt.date | None = Field(description="Date it happened.")
    when_detail: str = Field(description="When it happened, in words.")
    place: str = Field(description="Where it happened.")
    answers: list[AnswerOut] = Field(description="Your answers to the category's questions.")
    named: bool = Field(
        description="Whether you gave your name. Your name and contact are not sent back: "
        "anyone holding the receipt would see them."
    )


class CategoryBriefOut(Schema):
    code: str = Field(description="Category code.")
    name: str = Field(description="Category name in the request's language.")


class FollowupOut(Schema):
    status: StatusOut = Field(description="Where the report stands.")
    received_on: dt.date = Field(description="The day the report was received.")
    body: str = Field(description="Name of the body handling the report.")
    category: CategoryBriefOut = Field(description="Kind of misconduct reported.")
    content: ContentOut = Field(description="What you reported.")
    messages: list[MessageOut] = Field(
        description="Messages between you and the inspectors, oldest first."
    )
    evidence: list[EvidenceOut] = Field(
        description="Every file attached to the report, oldest first."
    )


# --- errors -------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the request's language.")
    errors: dict[str, list[str]] = Field(
        description="Messages per field (e.g. `what`, `answers.plate`, `evidence`); empty when "
        "the problem is not about one field."
    )
