"""One shape for every error the JSON API gives, in the client's language.

Every 4xx answer is ``{"detail": "<message>", "errors": {"field": ["message", ...]}}``
(``errors`` empty when the problem is not about one field). Bad input of any
kind — malformed JSON, wrong types, missing fields, broken or oversized
multipart bodies — ends here as a 4xx, never a 500. Shape problems (wrong
type, missing field) and content problems (``SubmissionInvalid`` from the
service) both answer 400, so a client has one status to check for "fix your
input and try again".
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from tipoff.reports.validation import SubmissionInvalid


class ApiProblem(Exception):
    """An answer other than success; raised anywhere below a view."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: dict[str, list[str]] | None = None,
        *,
        retry_after: int | None = None,
        proof_of_work: dict[str, object] | None = None,
    ) -> None:
        super().__init__(status)  # str(exc) carries no reporter input into logs
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.retry_after = retry_after
        self.proof_of_work = proof_of_work


def problem_response(problem: ApiProblem) -> JsonResponse:
    body: dict[str, object] = {"detail": problem.detail, "errors": problem.errors}
    if problem.proof_of_work is not None:
        body["proof_of_work"] = problem.proof_of_work
    response = JsonResponse(body, status=problem.status)
    if problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    return response


def rate_limited(window: int, detail: str) -> ApiProblem:
    """A 429 telling the client when the current rate-limit window ends."""
    remaining = max(1, math.ceil(window - time.time() % window))
    return ApiProblem(429, detail, retry_after=remaining)


def proof_needed(challenge: str, difficulty: int) -> ApiProblem:
    """A 429 asking for a proof of work: repeat the request with ``X-Proof-Of-Work``."""
    return ApiProblem(
        429,
        _(
            "Many attempts are being made right now. Repeat the request with a proof of work "
            "in the X-Proof-Of-Work header: the challenge, a tilde, and a number n such that "
            "SHA-256 of challenge:n starts with the given number of zero bits."
        ),
        proof_of_work={
            "challenge": challenge,
            "difficulty": difficulty,
            "algorithm": "sha256-leading-zero-bits",
        },
    )


# --- request bodies -----------------------------------------------------------------


class BodyNotAnObject(ValueError):
    pass


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


class JsonObjectParser(Parser):
    """Standard JSON only (no NaN or Infinity), and an object at the top level."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body, parse_constant=_not_json)
        if not isinstance(data, dict):
            raise BodyNotAnObject
        return data


def _unreadable_body(exc: HttpError) -> ApiProblem:
    if isinstance(exc.__cause__, BodyNotAnObject):
        return ApiProblem(400, _("The request body must be a JSON object."))
    return ApiProblem(400, _("The request body is not valid JSON."))


# --- validation errors, in words people understand ------------------------------------

# Parts of an error location that name where the value was, not which field.
_LOCATION_ROOTS = {"body", "query", "path", "header", "form", "file", "cookie"}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    root = parts.pop(0) if parts and parts[0] in _LOCATION_ROOTS else ""
    if root == "body" and len(parts) > 1:
        # ["body", <the view's parameter>, field, ...]: the parameter is no field
        # of the JSON object (in multipart, a lone parameter is the form part).
        parts = parts[1:]
    if parts and parts[0] == "answers":
        # answers.<key>, as the service names them; deeper parts are union members
        return ".".join(parts[:2])
    return parts[0] if parts else ""


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "tipoff":
        return str(ctx.get("message") or error.get("msg", ""))
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not recognised.")
    if kind in ("string_type", "string_unicode"):
        return _("Enter text here.")
    if kind == "string_too_long":
        return _("Please keep this under %(limit)d characters.") % {
            "limit": ctx.get("max_length", 0)
        }
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return _("Enter a whole number.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("This number is out of range.")
    if kind in ("float_type", "float_parsing", "finite_number"):
        return _("Enter a number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Enter true or false.")
    if kind.startswith(("date_", "datetime_")):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send an object here.")
    if kind in ("list_type", "too_long", "too_short"):
        return _("Send a list here.")
    if kind == "json_invalid":
        return _("This is not valid JSON.")
    return _("This value is not valid.")


def humanise(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Field name -> distinct messages, from pydantic's (or ninja's) error list."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        name = _field_name(error.get("loc", ())) or "__all__"
        message = _message(error)
        messages = by_field.setdefault(name, [])
        if message not in messages:
            messages.append(message)
    return by_field


def invalid_input(errors: dict[str, list[str]]) -> ApiProblem:
    return ApiProblem(
        400, _("Some of the information is missing or not valid. See the fields."), errors
    )


# --- the handlers -----------------------------------------------------------------------


def _from_http_error(exc: HttpError) -> ApiProblem:
    if exc.status_code == 400 and exc.__cause__ is not None:
        return _unreadable_body(exc)  # ninja could not parse the body
    return ApiProblem(exc.status_code, _("The request could not be handled."))


def _not_understood(exc: Exception) -> ApiProblem:
    return ApiProblem(400, _("The request could not be understood."))


# Most specific first does not matter: ninja picks the handler by the exception's MRO.
_HANDLERS: dict[type[Exception], Callable[[Any], ApiProblem]] = {
    ApiProblem: lambda exc: exc,
    SubmissionInvalid: lambda exc: invalid_input(exc.errors),
    ValidationError: lambda exc: invalid_input(humanise(list(exc.errors))),
    AuthenticationError: lambda exc: ApiProblem(
        401, _("This needs your receipt code in the X-Receipt header.")
    ),
    HttpError: _from_http_error,
    RequestDataTooBig: lambda exc: ApiProblem(413, _("The request is too large.")),
    TooManyFieldsSent: lambda exc: ApiProblem(400, _("The request has too many fields.")),
    TooManyFilesSent: lambda exc: ApiProblem(400, _("The request has too many files.")),
    MultiPartParserError: lambda exc: ApiProblem(
        400, _("The uploaded form data is damaged or incomplete. Please send it again.")
    ),
    SuspiciousOperation: _not_understood,
    BadRequest: _not_understood,
    UnicodeDecodeError: lambda exc: ApiProblem(400, _("The request is not in UTF-8.")),
    Http404: lambda exc: ApiProblem(404, _("There is nothing at this address.")),
}


def _handler(to_problem: Callable[[Any], ApiProblem]) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handler(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(to_problem(exc))

    return handler


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so every failure has the one shape."""
    for exc_class, to_problem in _HANDLERS.items():
        api.add_exception_handler(exc_class, _handler(to_problem))


def method_not_allowed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ninja answers a wrong method in plain text; give the usual JSON instead."""
    problem = problem_response(ApiProblem(405, _("This method is not allowed here.")))
    problem["Allow"] = response["Allow"]
    return problem
