"""A plan's days, each day's status and the person's progress (pure functions).

Dates are the person's local dates; callers pass `today` in. A paused plan is resumed by the
caller moving its start date later, so a running plan is just (plan, start).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from babel import Locale, dates
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

Status = Literal["done", "missed", "rest", "today", "ahead"]


class PlanLike(Protocol):
    """What the schedule needs of a plan: its length and the routine on each day."""

    @property
    def weeks(self) -> int: ...

    def routine_on(self, day_index: int, weekday: int) -> str | None:
        """Return the routine slug for a 0-based day of the plan (weekday 0 = Monday)."""
        ...


@dataclass(frozen=True)
class PlanDay:
    """One day of a started plan: its 1-based number, local date and routine (None = rest)."""

    number: int
    day: date
    routine: str | None


@dataclass(frozen=True)
class Progress:
    """Where the person is in a plan on a given local date, ready to show.

    `sessions_due_so_far` counts planned days before today, plus today once today's session
    is done: a morning that has not yet had its session is never shown as behind.
    """

    day_number: int | None
    total_days: int
    today: PlanDay | None
    today_status: Status | None
    sessions_done: int
    sessions_due_so_far: int
    sessions_planned: int
    finished: bool
    start: date
    end: date


def reader_locale() -> Locale:
    """Return the reader's locale for dates; English outside a request (unit tests)."""
    found = get_locale() or Locale("en")
    # Limber's English writes the day before the month ("Mon 2 Mar"), as British English does.
    return Locale("en", "GB") if found.language == "en" and not found.territory else found


def date_text(day: date, with_year: bool = False) -> str:
    """Return a date with its weekday the reader's way: "Mon 2 Mar", "Mo., 2. März"."""
    locale = reader_locale()
    if locale.language == "en":  # Limber's English has no commas: "Tue 1 Dec 2026"
        return dates.format_date(day, "EEE d MMM y" if with_year else "EEE d MMM", locale=locale)
    return dates.format_skeleton("yMMMEd" if with_year else "MMMEd", day, locale=locale)


def span_text(first: date, last: date) -> str:
    """Return a span of dates the reader's way: "2–8 Mar", "28. Feb. – 6. März"."""
    return dates.format_interval(first, last, "MMMd", locale=reader_locale())


def plan_days(plan: PlanLike, start: date) -> list[PlanDay]:
    """Return every day of a plan started on `start`, in order."""
    days = []
    for index in range(plan.weeks * 7):
        day = start + timedelta(days=index)
        days.append(PlanDay(index + 1, day, plan.routine_on(index, day.weekday())))
    return days


def done_dates(days: Iterable[PlanDay], finished: Iterable[tuple[date, str]]) -> set[date]:
    """Return the plan dates on which that date's planned routine was finished."""
    planned = {d.day: d.routine for d in days if d.routine is not None}
    return {day for day, slug in finished if planned.get(day) == slug}


def day_status(day: PlanDay, today: date, done: set[date]) -> Status:
    """Return a plan day's status on `today`; a missed day stays missed and nothing resets."""
    if day.routine is None:
        return "rest"
    if day.day in done:
        return "done"
    if day.day == today:
        return "today"
    return "missed" if day.day < today else "ahead"


def progress(plan: PlanLike, start: date, today: date,
             finished_sessions: Iterable[tuple[date, str]]) -> Progress:
    """Return the person's progress in a plan started on `start`, as of their local `today`."""
    days = plan_days(plan, start)
    done = done_dates(days, finished_sessions)
    end = start + timedelta(days=len(days) - 1)
    current = next((d for d in days if d.day == today), None)
    planned = [d for d in days if d.routine is not None]
    due = sum(1 for d in planned if d.day < today or d.day in done)
    return Progress(
        day_number=current.number if current else None,
        total_days=len(days),
        today=current,
        today_status=day_status(current, today, done) if current else None,
        sessions_done=len(done),
        sessions_due_so_far=due,
        sessions_planned=len(planned),
        finished=today > end,
        start=start,
        end=end,
    )


def calendar_weeks(plan: PlanLike, start: date, today: date,
                   done: set[date]) -> list[list[tuple[PlanDay, Status]]]:
    """Return the plan's days with their statuses, seven to a row (plan weeks, not ISO)."""
    days = plan_days(plan, start)
    cells = [(d, day_status(d, today, done)) for d in days]
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def progress_text(p: Progress) -> str:
    """Return one kind line about the plan: its start, the day reached, or what was done."""
    if p.finished:
        if p.sessions_planned == 0:
            return _("The plan has ended.")
        if p.sessions_done == 0:
            return _("The plan has ended. Its sessions are here whenever you want them.")
        if p.sessions_done >= p.sessions_planned:
            return ngettext("You did the %(num)s session.", "You did all %(num)s sessions.",
                            p.sessions_planned)
        return ngettext("You did %(done)s of the %(num)s session.",
                        "You did %(done)s of the %(num)s sessions.", p.sessions_planned,
                        done=p.sessions_done)
    if p.day_number is None:
        return ngettext("Starts on %(date)s · %(num)s day", "Starts on %(date)s · %(num)s days",
                        p.total_days, date=date_text(p.start))
    return ngettext("Day %(day)s of %(total)s · %(num)s session done",
                    "Day %(day)s of %(total)s · %(num)s sessions done", p.sessions_done,
                    day=p.day_number, total=p.total_days)


def today_text(p: Progress) -> str:
    """Return what today holds in the plan, in a few plain words."""
    texts: dict[Status | None, str] = {
        "done": _("Today's session is done."),
        "today": _("Today's session is ready."),
        "rest": _("Today is a rest day."),
    }
    return texts.get(p.today_status, "")

