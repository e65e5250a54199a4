"""The doctor summary: a period's cramp and stretching numbers, and its CSV rows.

Pure functions only: no Flask, no database; callers pass `today` (a local date) in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ..inputs import InputError, parse_date
from .entries import AREA_LABELS, LOCATIONS, RED_FLAGS, TRIGGERS
from .patterns import count_areas, count_lists, rank_locations

SUMMARY_DEFAULT_DAYS = 90
SUMMARY_MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Return how many days the period covers."""
        return (self.end - self.start).days + 1


def parse_period(args: Mapping[str, str], today: date, first_entry: date | None = None) -> Period:
    """Read `from` and `to` (YYYY-MM-DD); by default, from the first entry to today.

    The default start is the first diary entry, but at most 90 days back from the end: a
    period longer than the diary has been kept would dilute the numbers per week.
    """
    end = parse_date((args.get("to") or "").strip(), "to") or today
    start = parse_date((args.get("from") or "").strip(), "from")
    if start is None:
        try:
            start = end - timedelta(days=SUMMARY_DEFAULT_DAYS - 1)
        except OverflowError:  # e.g. to=0001-01-01: 90 days before it is no date at all
            raise InputError("to", "That end date is too far in the past.") from None
        if first_entry is not None and start < first_entry <= end:
            start = first_entry
    if start > end:
        raise InputError("from", "The start date must not be after the end date.")
    if (end - start).days + 1 > SUMMARY_MAX_DAYS:
        raise InputError("from", f"Choose a period of at most {SUMMARY_MAX_DAYS} days.")
    return Period(start, end)


def describe_period(period: Period, args: Mapping[str, str], first_entry: date | None) -> str:
    """Return the period in words, saying why it starts where it does when it was not chosen."""
    days = "1 day" if period.days == 1 else f"{period.days} days"
    span = f"{period.start:%d %b %Y} – {period.end:%d %b %Y} ({days})"
    if (args.get("from") or "").strip():
        return span
    if period.start == first_entry:
        return f"Since the first diary entry: {span}"
    if (args.get("to") or "").strip():
        return span
    return f"The last {SUMMARY_DEFAULT_DAYS} days: {span}"


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
    per_week: float | None
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
    active_days_per_week: float | None
    sessions: int
    partial_sessions: int
    minutes: int


def _per_week(count: int, days: int) -> float | None:
    # Over less than a week, a rate per week would multiply a few days' cramps up.
    return round(count * 7 / days, 1) if days >= 7 else None


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
        ("cramps", "per_week", _number(s.per_week)),
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
        ("stretching", "active_days_per_week", _number(s.active_days_per_week)),
        ("stretching", "sessions_finished", str(s.sessions)),
        ("stretching", "sessions_partial", str(s.partial_sessions)),
        ("stretching", "minutes", str(s.minutes)),
    ]
    return rows



@dataclass(frozen=True)
class PlanSection:
    """A stretching plan the person followed in the period, as the summary shows it."""

    title: str
    start: date
    end: date
    status: str
    dates: str
    status_text: str
    adherence: str
    done: int
    due: int
    planned: int


def _sessions(count: int) -> str:
    return "1 planned session" if count == 1 else f"{count} planned sessions"


def plan_section(title: str, status: str, start: date, end: date, ended_on: date | None,
                 paused_on: date | None, day_number: int | None,
                 statuses: Iterable[str], planned: int) -> PlanSection:
    """Return a plan's dates and how many of its due sessions were done, in words.

    `statuses` are the plan's day statuses as of today (or the day it was left or paused):
    a day due is one done or missed; days missed in a pause are not counted as due.
    """
    counted = list(statuses)
    done = counted.count("done")
    due = done + counted.count("missed")
    paused = counted.count("paused")
    total_days = (end - start).days + 1
    so_far = "" if status == "finished" else " so far"
    if status == "left" and ended_on is not None:
        end = min(end, ended_on)
        dates = f"{start:%d %b %Y} – left on {ended_on:%d %b %Y}"
        status_text = f"Left on day {(end - start).days + 1} of {total_days}"
        so_far = " before leaving"
    elif status == "paused":
        dates = f"{start:%d %b %Y} – {end:%d %b %Y} ({total_days} days)"
        status_text = f"Paused since {paused_on:%d %b %Y}" if paused_on else "Paused"
    else:
        dates = f"{start:%d %b %Y} – {end:%d %b %Y} ({total_days} days)"
        status_text = "Finished" if status == "finished" else "Following it now"
        if status == "active" and day_number is not None:
            status_text += f", day {day_number} of {total_days}"
    whole = "" if status == "finished" else f" ({planned} in the whole plan)"
    if due == 0:
        by_then = " yet" if so_far == " so far" else so_far
        adherence = f"No planned session was due{by_then}{whole}."
    else:
        adherence = f"{done} of {_sessions(due)} done{so_far}{whole}."
    if paused == 1:
        adherence += " 1 planned session fell in a pause and is not counted."
    elif paused:
        adherence += f" {paused} planned sessions fell in pauses and are not counted."
    return PlanSection(title, start, end, status, dates, status_text, adherence, done, due,
                       planned)


def plan_rows(sections: Iterable[PlanSection]) -> list[tuple[str, str, str]]:
    """Return each plan as (section, item, value) rows for the CSV download."""
    rows: list[tuple[str, str, str]] = []
    for p in sections:
        rows += [
            ("plan", "title", p.title),
            ("plan", "start", p.start.isoformat()),
            ("plan", "end", p.end.isoformat()),
            ("plan", "status", p.status),
            ("plan", "sessions_done", str(p.done)),
            ("plan", "sessions_due", str(p.due)),
            ("plan", "sessions_planned", str(p.planned)),
        ]
    return rows
