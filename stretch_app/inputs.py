"""Input rules shared by every view: errors, JSON bodies, dates, client ids, the user's today."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError

from .timezones import is_valid_zone, zone

M = TypeVar("M", bound=BaseModel)

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# A client-made UUID, with or without hyphens; stored in canonical lower-case form.
CLIENT_ID = re.compile(
    r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"
)
# What ISO 8601 text looks like here: pydantic and date.fromisoformat also take Unix timestamps
# written as digits ("1764000000") and week dates ("2026-W05-1"), which are not the contract.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


class InputError(ValueError):
    """Input that cannot be accepted; `field` names the culprit ("body" for the whole body)."""

    def __init__(self, field: str, message: str, status: int | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status or (400 if field == "body" else 422)

    @property
    def code(self) -> str:
        """Return the API's error code for this problem."""
        return {400: "bad_json", 415: "unsupported_media_type"}.get(self.status, "invalid")


class NotJSON(InputError):
    """The request did not declare a JSON body."""

    def __init__(self) -> None:
        super().__init__(
            "body", gettext("Send a JSON object with Content-Type: application/json."), 415
        )


def json_body(model: type[M]) -> M:
    """Return the request's JSON body validated as model; raise InputError or ValidationError."""
    if not request.is_json:
        raise NotJSON()
    try:
        # Read and checked in one pass by pydantic, which also refuses nesting too deep to read.
        return model.model_validate_json(request.get_data(cache=True))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InputError("body", gettext("The body is not valid JSON.")) from None
        if first["type"] == "model_type" and not first["loc"]:
            raise InputError("body", gettext("The body must be a JSON object.")) from None
        raise


def first_problem(exc: ValidationError) -> InputError:
    """Return pydantic's first complaint as an InputError naming the field."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"]) or "body"
    message = str(first["msg"]).removeprefix("Value error, ")
    return InputError(field, f"{field}: {message}", 422)


def parse_date(value: str | None, field: str) -> date | None:
    """Parse an optional YYYY-MM-DD value, raising InputError naming the field."""
    if value is None or value == "":
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            field, gettext("'%(field)s' must be a date written YYYY-MM-DD.", field=field)
        ) from None


def zone_name_of(user: Any) -> str:
    """Return the user's zone, or UTC should a stored one ever be unknown."""
    return user.time_zone if is_valid_zone(user.time_zone) else "UTC"


def today_for(user: Any, now: datetime) -> date:
    """Return the user's local date now, in their current zone."""
    return now.astimezone(zone(zone_name_of(user))).date()
