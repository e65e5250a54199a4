"""Diary entries: the options, validation of a form or JSON body, and how entries are shown.

Pure functions only: no database; callers pass `now` (an aware UTC datetime) in. Texts go
through the message catalogue, in English where no request sets a language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Annotated, Any, Literal, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from ..inputs import CLIENT_ID, EARLIEST, InputError
from ..timezones import is_valid_zone, zone
from .wording import time_text

# ---- options -----------------------------------------------------------------------------

# Labels are lazy: each is read in the language of the request that shows it.
LOCATIONS: Mapping[str, Any] = MappingProxyType({
    "calf": _l("Calf"), "foot": _l("Foot"), "thigh": _l("Thigh"),
    "abdomen": _l("Abdomen (belly)"), "back": _l("Back"), "other": _l("Somewhere else"),
})  # fmt: skip
LOCATION_AREAS: Mapping[str, str | None] = MappingProxyType({
    "calf": "legs", "foot": "legs", "thigh": "legs", "abdomen": "abdomen", "back": "back",
    "other": None,
})  # fmt: skip
AREA_LABELS: Mapping[str, Any] = MappingProxyType(
    {"legs": _l("Legs"), "abdomen": _l("Abdomen"), "back": _l("Back"), "other": _l("Elsewhere")}
)
TRIGGERS: Mapping[str, Any] = MappingProxyType({
    "dehydration": _l("Not enough to drink"),
    "diet": _l("Diet or low electrolytes"),
    "sitting": _l("Sitting for a long time"),
    "standing": _l("Standing for a long time"),
    "overexertion": _l("Overexertion or no warm-up"),
    "night": _l("At night"),
    "menstrual": _l("Period (menstrual)"),
    "other": _l("Something else"),
})  # fmt: skip
RED_FLAGS: Mapping[str, Any] = MappingProxyType({
    "no-relief": _l("It did not get better with rest"),
    "swelling": _l("Swelling or redness where the cramp was"),
    "fever": _l("Fever, chills or unusual tiredness with it"),
    "severe": _l("It really hurt and made everyday things hard"),
})  # fmt: skip
# The same four signs, phrased for the guide and the see-a-doctor notices.
DOCTOR_SIGNS: tuple[Any, ...] = (
    _l("Cramps that do not get better when you rest."),
    _l("Swelling or redness where the cramp is."),
    _l("Fever, chills or unusual tiredness together with the cramps."),
    _l("Cramps that really hurt and make everyday things hard to do."),
)
Location = Literal["calf", "foot", "thigh", "abdomen", "back", "other"]
Trigger = Literal[
    "dehydration", "diet", "sitting", "standing", "overexertion", "night", "menstrual", "other"
]
RedFlag = Literal["no-relief", "swelling", "fever", "severe"]

STRENGTH_MIN, STRENGTH_MAX = 1, 10
DURATION_MAX_MINUTES = 24 * 60
NOTE_MAX = 500
FUTURE_TOLERANCE = timedelta(minutes=5)
# Control characters other than tab and newline make stored text differ from what users see.
_BAD_NOTE_CHARS = {"Cc", "Cs"}


# ---- validation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CrampData:
    """One validated diary entry, ready to store. `occurred_at` is an aware UTC instant."""

    occurred_at: datetime
    time_zone: str
    location: str
    strength: int
    duration_minutes: int | None = None
    woke_me: bool = False
    triggers: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    note: str = ""

    @property
    def local_date(self) -> date:
        """Return the date of the cramp in the zone it was logged in."""
        return self.occurred_at.astimezone(zone(self.time_zone)).date()

    def columns(self) -> dict[str, Any]:
        """Return the values of the CrampEntry columns (instants as naive UTC)."""
        return {
            "occurred_at": self.occurred_at.astimezone(UTC).replace(tzinfo=None),
            "time_zone": self.time_zone,
            "local_date": self.local_date,
            "location": self.location,
            "strength": self.strength,
            "duration_minutes": self.duration_minutes,
            "woke_me": self.woke_me,
            "triggers": ",".join(self.triggers),
            "red_flags": ",".join(self.red_flags),
            "note": self.note,
        }


def _canonical(values: Iterable[str], allowed: Mapping[str, Any], name: str) -> tuple[str, ...]:
    chosen = set()
    for value in values:
        if not isinstance(value, str) or value not in allowed:
            text = (_("Unknown trigger '%(value)s'. Choose from: %(choices)s.")
                    if name == "triggers" else
                    _("Unknown red flag '%(value)s'. Choose from: %(choices)s."))
            raise InputError(name, text % {"value": str(value)[:40],
                                           "choices": ", ".join(allowed)})
        chosen.add(value)
    return tuple(v for v in allowed if v in chosen)


def clean_note(note: str) -> str:
    """Return a note trimmed, with Windows line ends made plain; raise InputError if unfit."""
    if not isinstance(note, str):
        raise InputError("note", _("The note must be text."))
    text = note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > NOTE_MAX:
        raise InputError("note", _("Keep the note to %(max)s characters or fewer.",
                                   max=NOTE_MAX))
    if any(ch not in "\n\t" and unicodedata.category(ch) in _BAD_NOTE_CHARS for ch in text):
        raise InputError("note", _("The note contains control characters; remove them."))
    return text


def build_entry(
    *,
    occurred_at: datetime,
    time_zone: str,
    location: str,
    strength: int,
    now: datetime,
    duration_minutes: int | None = None,
    woke_me: bool = False,
    triggers: Iterable[str] = (),
    red_flags: Iterable[str] = (),
    note: str = "",
) -> CrampData:
    """Validate one entry's values against the rules and `now`; raise InputError on the first."""
    if not is_valid_zone(time_zone):
        raise InputError("time_zone",
                         _("Unknown time zone. Use an IANA name such as Europe/London."))
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InputError("occurred_at", _("The time needs a UTC offset, such as +01:00 or Z."))
    if occurred_at > now + FUTURE_TOLERANCE:
        raise InputError("occurred_at",
                         _("That time is in the future. Choose when the cramp happened."))
    if occurred_at < EARLIEST:
        raise InputError("occurred_at", _("That time is too long ago (before 2000)."))
    if not isinstance(location, str) or location not in LOCATIONS:
        raise InputError("location", _("Choose where it was: %(choices)s.",
                                       choices=", ".join(LOCATIONS)))
    if type(strength) is not int or not STRENGTH_MIN <= strength <= STRENGTH_MAX:
        raise InputError("strength", _("Strength goes from %(min)s to %(max)s.",
                                       min=STRENGTH_MIN, max=STRENGTH_MAX))
    if duration_minutes is not None and (
        type(duration_minutes) is not int or not 0 <= duration_minutes <= DURATION_MAX_MINUTES
    ):
        raise InputError("duration_minutes", _("Duration goes from 0 to %(max)s minutes.",
                                               max=DURATION_MAX_MINUTES))
    return CrampData(
        occurred_at=occurred_at.astimezone(UTC),
        time_zone=time_zone,
        location=location,
        strength=strength,
        duration_minutes=duration_minutes,
        woke_me=bool(woke_me),
        triggers=_canonical(triggers, TRIGGERS, "triggers"),
        red_flags=_canonical(red_flags, RED_FLAGS, "red_flags"),
        note=clean_note(note),
    )


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """Interpret a wall-clock time in a zone and return the aware UTC instant.

    An ambiguous time (the repeated hour when clocks go back) means its first occurrence; a
    time that does not exist (the skipped hour) is read with the offset before the change.
    """
    return local.replace(tzinfo=zone(zone_name), fold=0).astimezone(UTC)


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    """Return a stored instant (naive means UTC) as an aware datetime in a zone."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone(zone_name))


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 date-time that carries a UTC offset; raise InputError otherwise."""
    example = _("Use an ISO 8601 time such as 2025-03-01T22:30:00+01:00.")
    if len(text) > 40:
        raise InputError("occurred_at", example)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError("occurred_at", example) from None
    if value.tzinfo is None:
        raise InputError("occurred_at", _("The time needs a UTC offset, such as +01:00 or Z."))
    return value


# ---- the JSON body -------------------------------------------------------------------------


class CrampBody(BaseModel):
    """The JSON body of POST and PUT /api/cramps (strict types, no unknown fields)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    occurred_at: Annotated[StrictStr, Field(min_length=1, max_length=40)]
    time_zone: StrictStr
    location: Location
    strength: Annotated[StrictInt, Field(ge=STRENGTH_MIN, le=STRENGTH_MAX)]
    duration_minutes: Annotated[StrictInt, Field(ge=0, le=DURATION_MAX_MINUTES)] | None = None
    woke_me: StrictBool = False
    triggers: Annotated[list[Trigger], Field(max_length=len(TRIGGERS) * 2)] = []
    red_flags: Annotated[list[RedFlag], Field(max_length=len(RED_FLAGS) * 2)] = []
    note: Annotated[StrictStr, Field(max_length=NOTE_MAX * 2)] = ""


class NewCrampBody(CrampBody):
    """POST /api/cramps: as CrampBody plus an optional client UUID."""

    id: Annotated[StrictStr, Field(min_length=36, max_length=36)] | None = None


_ID_MESSAGE = _l("'id' must be a UUID, such as 0f8fad5b-d9cb-469f-a165-70867728950e.")
_FIELD_MESSAGES = {
    "occurred_at": _l("'occurred_at' must be an ISO 8601 time with an offset, such as "
                      "2025-03-01T22:30:00+01:00."),
    "time_zone": _l("'time_zone' must be an IANA zone name such as Europe/London."),
    "strength": _l("'strength' must be a whole number from %(min)s to %(max)s.",
                   min=STRENGTH_MIN, max=STRENGTH_MAX),
    "duration_minutes": _l("'duration_minutes' must be a whole number from 0 to %(max)s, "
                           "or null.", max=DURATION_MAX_MINUTES),
    "woke_me": _l("'woke_me' must be true or false."),
    "triggers": _l("'triggers' must be a list of trigger names."),
    "red_flags": _l("'red_flags' must be a list of warning-sign names."),
    "note": _l("'note' must be text of at most %(max)s characters.", max=NOTE_MAX),
    "id": _ID_MESSAGE,
}
_PYDANTIC_MESSAGES = {
    "extra_forbidden": _l("Unknown field '%(field)s'."),
    "missing": _l("'%(field)s' is required."),
    "literal_error": _l("'%(field)s' has a value we do not know."),
}


def body_problem(exc: ValidationError) -> InputError:
    """Return the first complaint about a cramp body as an InputError naming the field."""
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    name = loc[0] if loc else "body"
    if err["type"] == "json_invalid":
        return InputError("body", _("The body is not valid JSON."))
    if err["type"] == "model_type":
        return InputError("body", _("The body must be a JSON object."))
    template = _PYDANTIC_MESSAGES.get(err["type"])
    if template:
        message = str(template) % {"field": name}
        if err["type"] == "literal_error":
            message += " " + _("Choose from: %(choices)s.", choices=_choices(name))
    else:
        known = _FIELD_MESSAGES.get(name)
        message = str(known) if known is not None else f"'{name}': {err['msg']}."
    return InputError(name, message)


def _choices(name: str) -> str:
    options = {"location": LOCATIONS, "triggers": TRIGGERS, "red_flags": RED_FLAGS}.get(name, {})
    return ", ".join(options)


def entry_from_body(body: CrampBody, now: datetime) -> tuple[str | None, CrampData]:
    """Validate a parsed body against the diary's rules into (client id, entry)."""
    client_id = getattr(body, "id", None)
    if client_id is not None:
        client_id = client_id.lower()
        if not CLIENT_ID.fullmatch(client_id):
            raise InputError("id", str(_ID_MESSAGE))
    entry = build_entry(
        occurred_at=parse_instant(body.occurred_at),
        time_zone=body.time_zone,
        location=body.location,
        strength=body.strength,
        duration_minutes=body.duration_minutes,
        woke_me=body.woke_me,
        triggers=body.triggers,
        red_flags=body.red_flags,
        note=body.note,
        now=now,
    )
    return client_id, entry


def parse_body(raw: bytes | str, now: datetime, *, new: bool) -> tuple[str | None, CrampData]:
    """Parse and validate a JSON body (POST when `new`, else PUT) into (client id, entry)."""
    model: type[CrampBody] = NewCrampBody if new else CrampBody
    try:
        body = model.model_validate_json(raw)
    except ValidationError as exc:
        raise body_problem(exc) from None
    return entry_from_body(body, now)


# ---- stored entries ------------------------------------------------------------------------


class EntryRow(Protocol):
    """What the diary reads from a stored entry (a CrampEntry row fits)."""

    id: int
    client_id: str | None
    occurred_at: datetime
    time_zone: str
    local_date: date
    location: str
    strength: int
    duration_minutes: int | None
    woke_me: bool
    triggers: str
    red_flags: str
    note: str


def split_list(value: str) -> tuple[str, ...]:
    """Return the slugs of a stored comma-separated list."""
    return tuple(part for part in value.split(",") if part)


def same_content(row: EntryRow, data: CrampData) -> bool:
    """Tell whether a stored entry holds exactly these values."""
    columns = data.columns()
    return all(getattr(row, name) == value for name, value in columns.items())


def needs_doctor(red_flags: Iterable[str]) -> bool:
    """Tell whether an entry's red flags call for the see-a-doctor guidance."""
    return any(flag in RED_FLAGS for flag in red_flags)


def entry_json(row: EntryRow) -> dict[str, Any]:
    """Return a stored entry as the API shows it."""
    flags = split_list(row.red_flags)
    return {
        "id": row.id,
        "client_id": row.client_id,
        "occurred_at": utc_to_local(row.occurred_at, "UTC").isoformat().replace("+00:00", "Z"),
        "time_zone": row.time_zone,
        "local_date": row.local_date.isoformat(),
        "location": row.location,
        "area": LOCATION_AREAS.get(row.location),
        "strength": row.strength,
        "duration_minutes": row.duration_minutes,
        "woke_me": row.woke_me,
        "triggers": list(split_list(row.triggers)),
        "red_flags": list(flags),
        "note": row.note,
        "see_doctor": needs_doctor(flags),
    }


@dataclass(frozen=True)
class EntryView:
    """A stored entry with every value a page shows, already formatted."""

    id: int
    when: str
    when_iso: str
    local_date: date
    location: str
    area: str | None
    strength: int
    duration: str
    woke_me: bool
    triggers: tuple[str, ...]
    red_flags: tuple[str, ...]
    note: str
    see_doctor: bool


def format_duration_minutes(minutes: int | None) -> str:
    """Return '—', 'under a minute', '1 minute' or 'N minutes'."""
    if minutes is None:
        return "—"
    if minutes == 0:
        return _("under a minute")
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


def entry_view(row: EntryRow) -> EntryView:
    """Return a stored entry ready for a template (time shown in the zone it was logged in)."""
    local = utc_to_local(row.occurred_at, row.time_zone)
    flags = split_list(row.red_flags)
    return EntryView(
        id=row.id,
        when=time_text(local),
        when_iso=local.isoformat(),
        local_date=row.local_date,
        location=str(LOCATIONS.get(row.location, row.location)),
        area=LOCATION_AREAS.get(row.location),
        strength=row.strength,
        duration=format_duration_minutes(row.duration_minutes),
        woke_me=row.woke_me,
        triggers=tuple(str(TRIGGERS.get(t, t)) for t in split_list(row.triggers)),
        red_flags=tuple(str(RED_FLAGS.get(f, f)) for f in flags),
        note=row.note,
        see_doctor=needs_doctor(flags),
    )
