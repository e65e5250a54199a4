"""When reminders fall due, in the person's zone, and which ones stay quiet (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _

from ..catalog import Routine

# `flask reminders send` sends what fell due in the 15 minutes up to its instant, so a loop
# that runs every minute, or one that was down for a few minutes, still sends each one once.
WINDOW = timedelta(minutes=15)
LOCAL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
SHORT_SECONDS = 6 * 60  # "something short": at most six minutes
# What a reminder's routine holds when it follows the person's plan (checked before slugs).
PLAN = "plan"


@dataclass(frozen=True)
class Schedule:
    """ISO weekdays (1 = Monday) and a wall-clock time in a zone."""

    days: frozenset[int]
    at: time
    zone: ZoneInfo


def parse_days(text: str) -> frozenset[int]:
    """Return the weekdays stored as "1,2,3"."""
    return frozenset(int(part) for part in text.split(",") if part)


def format_days(days: Iterable[int]) -> str:
    """Return weekdays in their stored form, sorted and without repeats."""
    return ",".join(str(d) for d in sorted(set(days)))


def day_name(iso_weekday: int) -> str:
    """Return a weekday's short name (1 = Monday) in the reader's language: "Mon", "Mi."."""
    names = get_day_names("abbreviated", locale=get_locale() or Locale("en"))
    return str(names[iso_weekday - 1])


def describe_days(days: frozenset[int]) -> str:
    """Return "Every day", "Weekdays", "Weekends" or the day names, for display."""
    if days == frozenset(range(1, 8)):
        return _("Every day")
    if days == frozenset(range(1, 6)):
        return _("Weekdays")
    if days == frozenset({6, 7}):
        return _("Weekends")
    return ", ".join(day_name(d) for d in sorted(days))


def parse_time(text: str) -> time:
    """Return the time stored as "HH:MM"."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time on a local date.

    A time that the clocks skip (spring forward) falls at the same distance after the change,
    e.g. 02:30 becomes 03:30; a time that happens twice (fall back) is the first one.
    """
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def due_between(schedule: Schedule, start: datetime,
                end: datetime) -> Iterator[tuple[date, datetime]]:
    """Yield (local date, instant) for each occurrence in the window (start, end]."""
    first = start.astimezone(schedule.zone).date() - timedelta(days=1)
    last = end.astimezone(schedule.zone).date()
    day = first
    while day <= last:
        if day.isoweekday() in schedule.days:
            instant = occurrence(day, schedule.at, schedule.zone)
            if start < instant <= end:
                yield day, instant
        day += timedelta(days=1)


def next_occurrence(schedule: Schedule, after: datetime) -> datetime | None:
    """Return the first occurrence after an instant, or None for a schedule with no days."""
    if not schedule.days:
        return None
    day = after.astimezone(schedule.zone).date()
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if candidate.isoweekday() in schedule.days:
            instant = occurrence(candidate, schedule.at, schedule.zone)
            if instant > after:
                return instant
    return None  # unreachable: a week always holds another chosen day


def quiet_reason(*, day_off: bool, done: bool, rest: bool = False) -> str | None:
    """Return why a due reminder stays quiet ("day-off", "rest" or "done"), or None to send it."""
    if day_off:
        return "day-off"
    if rest:
        return "rest"
    if done:
        return "done"
    return None


def usual_area(recent_areas: Iterable[str]) -> str:
    """Return the area most of the recent sessions were mainly for (legs when none)."""
    counts: dict[str, int] = {}
    for area in recent_areas:
        counts[area] = counts.get(area, 0) + 1
    if not counts:
        return "legs"
    return max(sorted(counts), key=lambda area: counts[area])


def suggest_routine(routines: Mapping[str, Routine], area: str, day: date) -> Routine:
    """Return a short routine mainly for an area, a different one from day to day."""
    short = sorted(
        (r for r in routines.values() if r.areas[0] == area and r.total_seconds <= SHORT_SECONDS),
        key=lambda r: (r.total_seconds, r.slug),
    )
    if not short:
        short = sorted(routines.values(), key=lambda r: (r.total_seconds, r.slug))[:3]
    return short[day.toordinal() % len(short)]
