"""The cramp diary's domain: options, entry validation, weekly patterns, trend, suggestions,
the doctor summary and the "Cramp now" relief stretches.

Pure functions only: no Flask, no database. Callers pass `now` (an aware UTC datetime) or
`today` (a local date) in; nothing here reads the clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from .catalog import Pose, Routine
from .timezones import is_valid_zone, zone

# ---- options -----------------------------------------------------------------------------

LOCATIONS: Mapping[str, str] = MappingProxyType({
    "calf": "Calf", "foot": "Foot", "thigh": "Thigh", "abdomen": "Abdomen (belly)",
    "back": "Back", "other": "Somewhere else",
})  # fmt: skip
LOCATION_AREAS: Mapping[str, str | None] = MappingProxyType({
    "calf": "legs", "foot": "legs", "thigh": "legs", "abdomen": "abdomen", "back": "back",
    "other": None,
})  # fmt: skip
AREA_LABELS: Mapping[str, str] = MappingProxyType(
    {"legs": "Legs", "abdomen": "Abdomen", "back": "Back", "other": "Elsewhere"}
)
TRIGGERS: Mapping[str, str] = MappingProxyType({
    "dehydration": "Not enough to drink",
    "diet": "Diet or low electrolytes",
    "sitting": "Sitting for a long time",
    "standing": "Standing for a long time",
    "overexertion": "Overexertion or no warm-up",
    "night": "At night",
    "menstrual": "Period (menstrual)",
    "other": "Something else",
})  # fmt: skip
RED_FLAGS: Mapping[str, str] = MappingProxyType({
    "no-relief": "It did not get better with rest",
    "swelling": "Swelling or redness where the cramp was",
    "fever": "Fever, chills or unusual tiredness with it",
    "severe": "It really hurt and made everyday things hard",
})  # fmt: skip
# The same four signs, phrased for the guide and the see-a-doctor notices.
DOCTOR_SIGNS: tuple[str, ...] = (
    "Cramps that do not get better when you rest.",
    "Swelling or redness where the cramp is.",
    "Fever, chills or unusual tiredness together with the cramps.",
    "Cramps that really hurt and make everyday things hard to do.",
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
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Control characters other than tab and newline make stored text differ from what users see.
_BAD_NOTE_CHARS = {"Cc", "Cs"}
PATTERN_WEEKS = 12
SUMMARY_DEFAULT_DAYS = 90
SUMMARY_MAX_DAYS = 3660
RED_FLAG_ENTRIES_FOR_DOCTOR = 2


class EntryError(ValueError):
    """An input value is not acceptable; `field` names it for the form or the API."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# ---- entries -----------------------------------------------------------------------------


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


def _canonical(values: Iterable[str], allowed: Mapping[str, str], name: str) -> tuple[str, ...]:
    chosen = set()
    for value in values:
        if not isinstance(value, str) or value not in allowed:
            raise EntryError(name, f"Unknown {name[:-1].replace('_', ' ')} '{str(value)[:40]}'. "
                                   f"Choose from: {', '.join(allowed)}.")
        chosen.add(value)
    return tuple(v for v in allowed if v in chosen)


def clean_note(note: str) -> str:
    """Return a note trimmed, with Windows line ends made plain; raise EntryError if unfit."""
    if not isinstance(note, str):
        raise EntryError("note", "The note must be text.")
    text = note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > NOTE_MAX:
        raise EntryError("note", f"Keep the note to {NOTE_MAX} characters or fewer.")
    if any(ch not in "\n\t" and unicodedata.category(ch) in _BAD_NOTE_CHARS for ch in text):
        raise EntryError("note", "The note contains control characters; remove them.")
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
    """Validate one entry's values against the rules and `now`; raise EntryError on the first."""
    if not is_valid_zone(time_zone):
        raise EntryError("time_zone", "Unknown time zone. Use an IANA name such as Europe/London.")
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise EntryError("occurred_at", "The time needs a UTC offset, such as +01:00 or Z.")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise EntryError("occurred_at", "That time is in the future. Choose when the cramp "
                                        "happened.")
    if occurred_at < EARLIEST:
        raise EntryError("occurred_at", "That time is too long ago (before 2000).")
    if not isinstance(location, str) or location not in LOCATIONS:
        raise EntryError("location", f"Choose where it was: {', '.join(LOCATIONS)}.")
    if type(strength) is not int or not STRENGTH_MIN <= strength <= STRENGTH_MAX:
        raise EntryError("strength", f"Strength goes from {STRENGTH_MIN} to {STRENGTH_MAX}.")
    if duration_minutes is not None and (
        type(duration_minutes) is not int or not 0 <= duration_minutes <= DURATION_MAX_MINUTES
    ):
        raise EntryError("duration_minutes",
                         f"Duration goes from 0 to {DURATION_MAX_MINUTES} minutes.")
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
    """Parse an ISO 8601 date-time that carries a UTC offset; raise EntryError otherwise."""
    if len(text) > 40:
        raise EntryError("occurred_at", "Use an ISO 8601 time such as 2025-03-01T22:30:00+01:00.")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise EntryError(
            "occurred_at", "Use an ISO 8601 time such as 2025-03-01T22:30:00+01:00."
        ) from None
    if value.tzinfo is None:
        raise EntryError("occurred_at", "The time needs a UTC offset, such as +01:00 or Z.")
    return value


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


_FIELD_MESSAGES = {
    "occurred_at": "'occurred_at' must be an ISO 8601 time with an offset, such as "
                   "2025-03-01T22:30:00+01:00.",
    "time_zone": "'time_zone' must be an IANA zone name such as Europe/London.",
    "strength": f"'strength' must be a whole number from {STRENGTH_MIN} to {STRENGTH_MAX}.",
    "duration_minutes": f"'duration_minutes' must be a whole number from 0 to "
                        f"{DURATION_MAX_MINUTES}, or null.",
    "woke_me": "'woke_me' must be true or false.",
    "triggers": "'triggers' must be a list of trigger names.",
    "red_flags": "'red_flags' must be a list of warning-sign names.",
    "note": f"'note' must be text of at most {NOTE_MAX} characters.",
    "id": "'id' must be a UUID, such as 0f8fad5b-d9cb-469f-a165-70867728950e.",
}
_PYDANTIC_MESSAGES = {
    "extra_forbidden": "Unknown field '{field}'.",
    "missing": "'{field}' is required.",
    "literal_error": "'{field}' has a value we do not know.",
}


def _pydantic_error(exc: PydanticValidationError) -> EntryError:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    name = loc[0] if loc else "body"
    if err["type"] in ("json_invalid", "model_type"):
        return EntryError("body", "The body must be a JSON object.")
    template = _PYDANTIC_MESSAGES.get(err["type"])
    if template:
        message = template.format(field=name)
        if err["type"] == "literal_error":
            message += f" Choose from: {_choices(name)}."
    else:
        message = _FIELD_MESSAGES.get(name, f"'{name}': {err['msg']}.")
    return EntryError(name, message)


def _choices(name: str) -> str:
    options = {"location": LOCATIONS, "triggers": TRIGGERS, "red_flags": RED_FLAGS}.get(name, {})
    return ", ".join(options)


def parse_body(raw: bytes | str, now: datetime, *, new: bool) -> tuple[str | None, CrampData]:
    """Parse and validate a JSON body (POST when `new`, else PUT) into (client id, entry)."""
    model: type[CrampBody] = NewCrampBody if new else CrampBody
    try:
        body = model.model_validate_json(raw)
    except PydanticValidationError as exc:
        raise _pydantic_error(exc) from None
    client_id = getattr(body, "id", None)
    if client_id is not None:
        client_id = client_id.lower()
        if not UUID_RE.match(client_id):
            raise EntryError("id", "'id' must be a UUID, such as "
                                   "0f8fad5b-d9cb-469f-a165-70867728950e.")
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
        return "under a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def entry_view(row: EntryRow) -> EntryView:
    """Return a stored entry ready for a template (time shown in the zone it was logged in)."""
    local = utc_to_local(row.occurred_at, row.time_zone)
    flags = split_list(row.red_flags)
    return EntryView(
        id=row.id,
        when=f"{local:%a} {local.day} {local:%b %Y, %H:%M}",
        when_iso=local.isoformat(),
        local_date=row.local_date,
        location=LOCATIONS.get(row.location, row.location),
        area=LOCATION_AREAS.get(row.location),
        strength=row.strength,
        duration=format_duration_minutes(row.duration_minutes),
        woke_me=row.woke_me,
        triggers=tuple(TRIGGERS.get(t, t) for t in split_list(row.triggers)),
        red_flags=tuple(RED_FLAGS.get(f, f) for f in flags),
        note=row.note,
        see_doctor=needs_doctor(flags),
    )


# ---- patterns ----------------------------------------------------------------------------


def week_start(day: date) -> date:
    """Return the Monday of a date's ISO week."""
    return day - timedelta(days=day.weekday())


def pattern_window(today: date, weeks: int = PATTERN_WEEKS) -> tuple[date, date]:
    """Return the first and last date of the `weeks` ISO weeks ending with today's week."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    return first, week_start(today) + timedelta(days=6)


@dataclass(frozen=True)
class Week:
    """One ISO week of the patterns view."""

    start: date
    cramps: int
    active_days: int

    @property
    def label(self) -> str:
        """Return the week's short label, such as '3 Mar'."""
        return f"{self.start.day} {self.start:%b}"


def weekly_series(
    today: date,
    cramps_by_day: Mapping[date, int],
    active_days: Iterable[date],
    weeks: int = PATTERN_WEEKS,
) -> list[Week]:
    """Return cramps and active stretching days per week, oldest week first."""
    first, last = pattern_window(today, weeks)
    cramps = Counter[date]()
    for day, count in cramps_by_day.items():
        if first <= day <= last:
            cramps[week_start(day)] += count
    active = Counter[date](week_start(d) for d in set(active_days) if first <= d <= last)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    return [Week(s, cramps[s], active[s]) for s in starts]


TREND_WEEKS = 4
TREND_MIN_INCREASE = 3


def rising_trend(weeks: Sequence[Week]) -> bool:
    """Tell whether cramps are clearly rising.

    Compare the last 4 weeks (including the current one, so far) with the 4 weeks before:
    rising means at least 3 more cramps and at least twice as many. With fewer than 8 weeks
    there is nothing to compare, so it is never rising.
    """
    if len(weeks) < 2 * TREND_WEEKS:
        return False
    recent = sum(w.cramps for w in weeks[-TREND_WEEKS:])
    before = sum(w.cramps for w in weeks[-2 * TREND_WEEKS : -TREND_WEEKS])
    return recent >= before + TREND_MIN_INCREASE and recent >= 2 * before


def count_lists(groups: Iterable[tuple[str, int]], order: Sequence[str]) -> list[tuple[str, int]]:
    """Count slugs in (comma-separated list, number of entries) groups; most common first.

    Ties keep the order of `order`; slugs not in `order` are ignored.
    """
    counts = Counter[str]()
    for joined, number in groups:
        for slug in set(split_list(joined)):
            counts[slug] += number
    rank = {slug: i for i, slug in enumerate(order)}
    found = [(s, n) for s, n in counts.items() if s in rank and n > 0]
    return sorted(found, key=lambda item: (-item[1], rank[item[0]]))


def count_areas(location_counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Turn per-location counts into per-area counts ('other' for elsewhere), most first."""
    counts = Counter[str]()
    for location, number in location_counts:
        counts[LOCATION_AREAS.get(location) or "other"] += number
    order = list(AREA_LABELS)
    return sorted(((a, n) for a, n in counts.items() if n > 0),
                  key=lambda item: (-item[1], order.index(item[0])))


def rank_locations(location_counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Return per-location counts, most common first (ties in the LOCATIONS order)."""
    order = list(LOCATIONS)
    merged = Counter[str]()
    for location, number in location_counts:
        if location in LOCATIONS:
            merged[location] += number
    return sorted(((loc, n) for loc, n in merged.items() if n > 0),
                  key=lambda item: (-item[1], order.index(item[0])))


@dataclass(frozen=True)
class SuggestionRule:
    """Which routines fit a trigger, and what to say about it."""

    situations: tuple[str, ...]
    area: str | None
    text: str


SUGGESTION_RULES: Mapping[str, SuggestionRule] = MappingProxyType({
    "sitting": SuggestionRule(
        ("desk", "after-sitting"), None,
        "Most of your cramps came after long sitting. Stand up and move every 30 to 60 "
        "minutes, and try a short desk break or after-sitting routine.",
    ),
    "standing": SuggestionRule(
        ("after-standing",), None,
        "Most of your cramps came after long standing. Shift your weight, take short sitting "
        "breaks, and stretch your calves when you get home.",
    ),
    "overexertion": SuggestionRule(
        ("after-exercise", "warm-up"), None,
        "Most of your cramps came with hard effort or no warm-up. Build up gently, warm up "
        "first, drink enough, and finish with a cool-down.",
    ),
    "night": SuggestionRule(
        ("night-leg-cramps", "bedtime"), "legs",
        "Most of your cramps came at night. A glass of water and a short leg stretch before "
        "bed can help your muscles stay calm.",
    ),
    "menstrual": SuggestionRule(
        ("menstrual",), "abdomen",
        "Most of your cramps came with your period. Gentle belly and back stretches, warmth "
        "and slow breathing can ease them.",
    ),
    "dehydration": SuggestionRule(
        (), None,
        "Most of your cramps came when you had not drunk enough. Keep water in reach and sip "
        "through the day, more in the heat and when you exercise.",
    ),
    "diet": SuggestionRule(
        (), None,
        "Most of your cramps seemed linked to what you ate. Foods with potassium, magnesium, "
        "calcium and some sodium help: bananas, potatoes, beans, yoghurt, nuts and greens.",
    ),
})  # fmt: skip
SUGGESTION_LIMIT = 3


@dataclass(frozen=True)
class Suggestion:
    """What to try, from the most common trigger."""

    trigger: str
    trigger_label: str
    text: str
    routines: tuple[Routine, ...] = field(default=())


def fitting_routines(
    routines: Iterable[Routine], situations: Sequence[str], area: str | None,
    limit: int = SUGGESTION_LIMIT,
) -> list[Routine]:
    """Return routines in any of the situations (and area), best match first.

    A routine matching an earlier situation comes first; gentle before moderate, then shorter.
    """
    rank = {s: i for i, s in enumerate(situations)}
    found = []
    for routine in routines:
        matched = [rank[s] for s in routine.situations if s in rank]
        if not matched or (area is not None and area not in routine.areas):
            continue
        key = (min(matched), routine.level != "gentle", routine.total_seconds, routine.title)
        found.append((key, routine))
    found.sort(key=lambda item: item[0])
    return [routine for _key, routine in found[:limit]]


def suggest(
    trigger_counts: Sequence[tuple[str, int]], routines: Iterable[Routine]
) -> Suggestion | None:
    """Return the suggestion for the most common trigger that has a rule, or None."""
    for trigger, _count in trigger_counts:
        rule = SUGGESTION_RULES.get(trigger)
        if rule is None:
            continue
        picked = fitting_routines(routines, rule.situations, rule.area) if rule.situations else []
        return Suggestion(trigger, TRIGGERS[trigger], rule.text, tuple(picked))
    return None


def doctor_reasons(red_flag_entries: int, rising: bool) -> list[str]:
    """Return why the patterns call for a doctor's visit (empty when they do not)."""
    reasons = []
    if red_flag_entries >= RED_FLAG_ENTRIES_FOR_DOCTOR:
        reasons.append(f"You logged {red_flag_entries} cramps with a warning sign.")
    if rising:
        reasons.append("Your cramps have become clearly more frequent over the last weeks.")
    return reasons


# ---- the patterns chart --------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in SVG units, with where its value label goes."""

    x: float
    y: float
    width: float
    height: float
    value: int
    cx: float
    label_y: float


@dataclass(frozen=True)
class Panel:
    """One bar panel: its heading, baseline and bars."""

    heading: str
    heading_y: float
    baseline: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    """Server-drawn SVG geometry: two aligned bar panels and the week labels under them."""

    width: int
    height: int
    left: float
    right: float
    panels: tuple[Panel, ...]
    labels: tuple[tuple[float, str], ...]
    label_y: float


CHART_WIDTH = 360
PANEL_HEIGHT = 78
PANEL_TOP = 30.0
PANEL_GAP = 46.0


def chart(weeks: Sequence[Week]) -> Chart:
    """Lay out cramps per week (top panel) and active days per week out of 7 (bottom panel)."""
    left = right = 8.0
    slot = (CHART_WIDTH - left - right) / max(1, len(weeks))
    bar_width = round(slot * 0.62, 2)

    def panel(heading: str, top: float, values: Sequence[int], scale: int) -> Panel:
        baseline = top + PANEL_HEIGHT
        bars = []
        for i, value in enumerate(values):
            height = round(PANEL_HEIGHT * min(value, scale) / scale, 2)
            x = round(left + i * slot + (slot - bar_width) / 2, 2)
            y = round(baseline - height, 2)
            bars.append(Bar(x, y, bar_width, height, value, round(x + bar_width / 2, 2),
                            round(y - 3, 2)))
        return Panel(heading, top - 16, baseline, tuple(bars))

    cramps = [w.cramps for w in weeks]
    top = panel("Cramps per week", PANEL_TOP, cramps, max(cramps + [4]))
    second_top = top.baseline + PANEL_GAP
    bottom = panel("Active stretching days (of 7)", second_top, [w.active_days for w in weeks], 7)
    labels = tuple(
        (round(left + i * slot + slot / 2, 2), w.label)
        for i, w in enumerate(weeks)
        # Every other week, counted back from this one, so labels never collide on a phone.
        if (len(weeks) - 1 - i) % 2 == 0
    )
    return Chart(
        width=CHART_WIDTH,
        height=int(bottom.baseline + 26),
        left=left,
        right=CHART_WIDTH - right,
        panels=(top, bottom),
        labels=labels,
        label_y=bottom.baseline + 17,
    )


# ---- the doctor summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Return how many days the period covers."""
        return (self.end - self.start).days + 1


def parse_day(value: str, name: str) -> date:
    """Parse a YYYY-MM-DD date; raise EntryError naming the field otherwise."""
    try:
        if not _ISO_DATE.fullmatch(value):  # not week dates such as 2026-W05-1
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise EntryError(name, f"'{name}' must be a date written YYYY-MM-DD.") from None


def parse_period(args: Mapping[str, str], today: date) -> Period:
    """Read `from` and `to` (YYYY-MM-DD); default to the last 90 days ending today."""
    raw_from = (args.get("from") or "").strip()
    raw_to = (args.get("to") or "").strip()
    end = parse_day(raw_to, "to") if raw_to else today
    try:
        start = (
            parse_day(raw_from, "from") if raw_from
            else end - timedelta(days=SUMMARY_DEFAULT_DAYS - 1)
        )
    except OverflowError:  # e.g. to=0001-01-01: 90 days before it is no date at all
        raise EntryError("to", "That end date is too far in the past.") from None
    if start > end:
        raise EntryError("from", "The start date must not be after the end date.")
    if (end - start).days + 1 > SUMMARY_MAX_DAYS:
        raise EntryError("from", f"Choose a period of at most {SUMMARY_MAX_DAYS} days.")
    return Period(start, end)


@dataclass(frozen=True)
class CrampTotals:
    """Aggregates of the period's diary entries, as one SQL query returns them."""

    count: int = 0
    days_with_cramps: int = 0
    strength_sum: int = 0
    strength_max: int | None = None
    timed: int = 0
    duration_sum: int = 0
    duration_max: int | None = None
    woke_me: int = 0
    red_flag_entries: int = 0


@dataclass(frozen=True)
class Adherence:
    """Aggregates of the period's stretching sessions."""

    active_days: int = 0
    sessions: int = 0
    partial_sessions: int = 0
    seconds: int = 0


@dataclass(frozen=True)
class Summary:
    """Every number of the doctor summary, ready to show."""

    period: Period
    cramps: int
    per_week: float
    days_with_cramps: int
    strength_average: float | None
    strength_max: int | None
    timed: int
    duration_average: float | None
    duration_max: int | None
    duration_total: int
    woke_me: int
    triggers: tuple[tuple[str, int], ...]
    areas: tuple[tuple[str, int], ...]
    locations: tuple[tuple[str, int], ...]
    red_flags: tuple[tuple[str, int], ...]
    red_flag_entries: int
    active_days: int
    active_days_per_week: float
    sessions: int
    partial_sessions: int
    minutes: int


def _per_week(count: int, days: int) -> float:
    return round(count * 7 / days, 1) if days > 0 else 0.0


def build_summary(
    period: Period,
    totals: CrampTotals,
    trigger_groups: Iterable[tuple[str, int]],
    flag_groups: Iterable[tuple[str, int]],
    location_counts: Iterable[tuple[str, int]],
    adherence: Adherence,
) -> Summary:
    """Compute the doctor summary's numbers from the period's aggregates."""
    locations = list(location_counts)
    return Summary(
        period=period,
        cramps=totals.count,
        per_week=_per_week(totals.count, period.days),
        days_with_cramps=totals.days_with_cramps,
        strength_average=round(totals.strength_sum / totals.count, 1) if totals.count else None,
        strength_max=totals.strength_max,
        timed=totals.timed,
        duration_average=round(totals.duration_sum / totals.timed, 1) if totals.timed else None,
        duration_max=totals.duration_max,
        duration_total=totals.duration_sum,
        woke_me=totals.woke_me,
        triggers=tuple(count_lists(trigger_groups, list(TRIGGERS))),
        areas=tuple(count_areas(locations)),
        locations=tuple(rank_locations(locations)),
        red_flags=tuple(count_lists(flag_groups, list(RED_FLAGS))),
        red_flag_entries=totals.red_flag_entries,
        active_days=adherence.active_days,
        active_days_per_week=_per_week(adherence.active_days, period.days),
        sessions=adherence.sessions,
        partial_sessions=adherence.partial_sessions,
        minutes=round(adherence.seconds / 60),
    )


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def summary_rows(summary: Summary) -> list[tuple[str, str, str]]:
    """Return the summary as (section, item, value) rows for the CSV download."""
    s = summary
    rows: list[tuple[str, str, str]] = [
        ("period", "from", s.period.start.isoformat()),
        ("period", "to", s.period.end.isoformat()),
        ("period", "days", str(s.period.days)),
        ("cramps", "count", str(s.cramps)),
        ("cramps", "per_week", str(s.per_week)),
        ("cramps", "days_with_cramps", str(s.days_with_cramps)),
        ("cramps", "woke_me", str(s.woke_me)),
        ("strength", "average", _number(s.strength_average)),
        ("strength", "max", _number(s.strength_max)),
        ("duration_minutes", "entries_with_duration", str(s.timed)),
        ("duration_minutes", "average", _number(s.duration_average)),
        ("duration_minutes", "max", _number(s.duration_max)),
        ("duration_minutes", "total", str(s.duration_total)),
    ]
    rows += [("trigger", TRIGGERS[t], str(n)) for t, n in s.triggers]
    rows += [("area", AREA_LABELS[a], str(n)) for a, n in s.areas]
    rows += [("location", LOCATIONS[loc], str(n)) for loc, n in s.locations]
    rows.append(("red_flags", "entries_with_any", str(s.red_flag_entries)))
    rows += [("red_flag", RED_FLAGS[f], str(n)) for f, n in s.red_flags]
    rows += [
        ("stretching", "active_days", str(s.active_days)),
        ("stretching", "active_days_per_week", str(s.active_days_per_week)),
        ("stretching", "sessions_finished", str(s.sessions)),
        ("stretching", "sessions_partial", str(s.partial_sessions)),
        ("stretching", "minutes", str(s.minutes)),
    ]
    return rows


# ---- "Cramp now" ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Relief:
    """One relief stretch for a place that cramps (pose ids in order of preference)."""

    title: str
    poses: tuple[str, ...]
    seconds: int
    steps: tuple[str, ...]


CRAMP_NOW_LOCATIONS: tuple[str, ...] = ("calf", "foot", "thigh", "abdomen", "back")
RELIEF: Mapping[str, Relief] = MappingProxyType({
    "calf": Relief(
        "Calf stretch", ("standing-calf-stretch", "seated-towel-calf-stretch"), 30,
        (
            "Straighten the cramping leg.",
            "Bring your toes up toward your knee: lean into a wall with that heel down, or "
            "sit and pull your toes back by hand or with a towel.",
            "Hold a steady, gentle pull and breathe slowly while the muscle lets go.",
            "Afterwards walk a few steps and rub the calf gently.",
        ),
    ),
    "foot": Relief(
        "Sole and toe stretch", ("seated-towel-calf-stretch", "standing-calf-stretch"), 30,
        (
            "Sit down and straighten the leg.",
            "Pull your toes back toward your shin, with your hand or a towel round the ball "
            "of the foot.",
            "Hold gently and breathe while the sole softens.",
            "Then rub the sole and circle the ankle slowly.",
        ),
    ),
    "thigh": Relief(
        "Thigh stretch", ("lying-hamstring-stretch", "standing-hamstring-stretch"), 30,
        (
            "Back of the thigh: lie on your back and raise the leg, a towel round the foot, "
            "until you feel a gentle pull.",
            "Front of the thigh instead: hold a chair and bring that heel gently toward your "
            "bottom.",
            "Hold still, without bouncing, and breathe slowly.",
        ),
    ),
    "abdomen": Relief(
        "Belly stretch", ("sphinx", "belly-breathing"), 40,
        (
            "Lie on your front and rest on your forearms, elbows under your shoulders.",
            "Let your belly lengthen and breathe slowly and deeply into it.",
            "If lying on your front is uncomfortable, lie on your back with knees bent and "
            "breathe into your belly instead.",
        ),
    ),
    "back": Relief(
        "Back release", ("childs-pose", "knees-to-chest"), 40,
        (
            "Kneel, sit back toward your heels and fold forward, arms long in front.",
            "Rest your forehead down and breathe into your back.",
            "If kneeling hurts, lie on your back and hug your knees to your chest instead.",
        ),
    ),
})  # fmt: skip
CRAMP_NOW_ADVICE = (
    "Sip some water once it eases. See a doctor if cramps do not get better with rest, if "
    "there is swelling or redness, fever, chills or unusual tiredness, or if they really hurt "
    "and make everyday things hard."
)


def relief_plan(
    location: str, poses: Mapping[str, Pose], image_url: Callable[[str], str]
) -> dict[str, Any]:
    """Return one place's relief stretch as the Cramp now page uses it (picture if known)."""
    relief = RELIEF[location]
    pose = next((poses[p] for p in relief.poses if p in poses), None)
    return {
        "id": location,
        "label": LOCATIONS[location],
        "title": relief.title,
        "seconds": relief.seconds,
        "steps": list(relief.steps),
        "pose": pose.id if pose else None,
        "pose_name": pose.name if pose else None,
        "image": image_url(pose.image) if pose else None,
        "image_alt": pose.image_alt if pose else None,
    }


def cramp_now_data(
    poses: Mapping[str, Pose], image_url: Callable[[str], str], signed_in: bool
) -> dict[str, Any]:
    """Return everything the Cramp now page needs, embedded as JSON."""
    return {
        "locations": [relief_plan(loc, poses, image_url) for loc in CRAMP_NOW_LOCATIONS],
        "strength": {"min": STRENGTH_MIN, "max": STRENGTH_MAX, "default": 5},
        "note_max": 200,
        "advice": CRAMP_NOW_ADVICE,
        "signed_in": signed_in,
    }
