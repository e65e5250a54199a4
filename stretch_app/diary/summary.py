"""The doctor summary: a period's cramp and stretching numbers, and its CSV rows.

Pure functions only: no database; callers pass `today` (a local date) in. Sentences go
through the message catalogue, in English where no request sets a language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from ..inputs import InputError, parse_date
from .entries import AREA_LABELS, LOCATIONS, RED_FLAGS, TRIGGERS
from .patterns import count_areas, count_lists, rank_locations
from .wording import day_text

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
            raise InputError("to", _("That end date is too far in the past.")) from None
        if first_entry is not None and start < first_entry <= end:
            start = first_entry
    if start > end:
        raise InputError("from", _("The start date must not be after the end date."))
    if (end - start).days + 1 > SUMMARY_MAX_DAYS:
        raise InputError("from", _("Choose a period of at most %(max)s days.",
                                   max=SUMMARY_MAX_DAYS))
    return Period(start, end)


def describe_period(period: Period, args: Mapping[str, str], first_entry: date | None) -> str:
    """Return the period in words, saying why it starts where it does when it was not chosen."""
    span = _span(period.start, period.end, period.days)
    if (args.get("from") or "").strip():
        return span
    if period.start == first_entry:
        return _("Since the first diary entry: %(span)s", span=span)
    if (args.get("to") or "").strip():
        return span
    return _("The last %(days)s days: %(span)s", days=SUMMARY_DEFAULT_DAYS, span=span)


def _span(start: date, end: date, days: int) -> str:
    return ngettext("%(start)s – %(end)s (%(num)s day)", "%(start)s – %(end)s (%(num)s days)",
                    days, start=day_text(start), end=day_text(end))


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
    # The items named by a label are read by people: in their language, as on the page.
    rows += [("trigger", str(TRIGGERS[t]), str(n)) for t, n in s.triggers]
    rows += [("area", str(AREA_LABELS[a]), str(n)) for a, n in s.areas]
    rows += [("location", str(LOCATIONS[loc]), str(n)) for loc, n in s.locations]
    rows.append(("red_flags", "entries_with_any", str(s.red_flag_entries)))
    rows += [("red_flag", str(RED_FLAGS[f]), str(n)) for f, n in s.red_flags]
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
    left = status == "left" and ended_on is not None
    if left and ended_on is not None:
        end = min(end, ended_on)
        dates = _("%(start)s – left on %(end)s", start=day_text(start), end=day_text(ended_on))
        status_text = _("Left on day %(day)s of %(total)s", day=(end - start).days + 1,
                        total=total_days)
    elif status == "paused":
        dates = _span(start, end, total_days)
        status_text = (_("Paused since %(date)s", date=day_text(paused_on)) if paused_on
                       else _("Paused"))
    else:
        dates = _span(start, end, total_days)
        if status == "finished":
            status_text = _("Finished")
        elif status == "active" and day_number is not None:
            status_text = _("Following it now, day %(day)s of %(total)s", day=day_number,
                            total=total_days)
        else:
            status_text = _("Following it now")
    adherence = _adherence(status, left, done, due, planned)
    if paused:
        adherence += " " + ngettext(
            "%(num)s planned session fell in a pause and is not counted.",
            "%(num)s planned sessions fell in pauses and are not counted.", paused)
    return PlanSection(title, start, end, status, dates, status_text, adherence, done, due,
                       planned)


def _adherence(status: str, left: bool, done: int, due: int, planned: int) -> str:
    """Say how many due sessions were done: in all when finished, else so far or before leaving."""
    if status == "finished":
        if due == 0:
            return _("No planned session was due.")
        return ngettext("%(done)s of %(num)s planned session done.",
                        "%(done)s of %(num)s planned sessions done.", due, done=done)
    if left:
        if due == 0:
            return _("No planned session was due before leaving (%(planned)s in the whole "
                     "plan).", planned=planned)
        return ngettext(
            "%(done)s of %(num)s planned session done before leaving (%(planned)s in the "
            "whole plan).",
            "%(done)s of %(num)s planned sessions done before leaving (%(planned)s in the "
            "whole plan).", due, done=done, planned=planned)
    if due == 0:
        return _("No planned session was due yet (%(planned)s in the whole plan).",
                 planned=planned)
    return ngettext(
        "%(done)s of %(num)s planned session done so far (%(planned)s in the whole plan).",
        "%(done)s of %(num)s planned sessions done so far (%(planned)s in the whole plan).",
        due, done=done, planned=planned)


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
