"""The streak engine: pure functions over local dates (no clock, no database).

Stats read runs (islands of consecutive days, or weeks) that stats.refresh_streaks stores.

The rules are those of docs/DESIGN.md, "Streaks": an active day is a local date with a finished
session; days off neither count nor break a daily streak; a week (ISO, Monday first) meets the
goal when its active days reach it, lowered by its days off (a week wholly off is skipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def week_start(day: date) -> date:
    """Return the Monday of the ISO week holding a date."""
    return day - timedelta(days=day.weekday())


def week_requirement(goal: int, days_off_in_week: int) -> int:
    """Return how many active days a week needs, given its days off."""
    return max(0, min(goal, 7 - days_off_in_week))


@dataclass(frozen=True)
class Run:
    """A run of consecutive days or weeks; `length` counts the active days or weeks met."""

    first: date
    last: date
    length: int


def day_runs(active: Iterable[date], off: Iterable[date]) -> list[Run]:
    """Return the islands of consecutive active days and days off that hold an active day."""
    active = set(active)
    runs: list[Run] = []
    first = last = None
    length = 0
    for day in sorted(active | set(off)):
        if last is not None and day - last == ONE_DAY:
            last = day
        else:
            if first is not None and length:
                runs.append(Run(first, last, length))
            first = last = day
            length = 0
        length += day in active
    if first is not None and length:
        runs.append(Run(first, last, length))
    return runs


def goal_for_week(changes: Sequence[tuple[date, int]], monday: date, goal: int) -> int:
    """Return the goal that held in a week: the last change from it or before, else `goal`."""
    held = goal
    for week, changed in sorted(changes):
        if week > monday:
            break
        held = changed
    return held


def week_runs(weeks: Iterable[tuple[date, int, int]], goal: int,
              changes: Sequence[tuple[date, int]] = ()) -> list[Run]:
    """Return runs of consecutive weeks meeting the goal or wholly off, from weekly counts.

    Rows are (monday, active days, days off); a week without a row was missed. `changes` are
    (first monday, goal) pairs: each week is judged by the goal that held then.
    """
    runs: list[Run] = []
    first = last = None
    length = 0
    changes = sorted(changes)
    for monday, active, off in sorted(weeks):
        need = week_requirement(goal_for_week(changes, monday, goal), off)
        ok = need == 0 or active >= need
        if ok and last is not None and monday - last == timedelta(weeks=1):
            last = monday
        elif ok:
            if first is not None and length:
                runs.append(Run(first, last, length))
            first = last = monday
            length = 0
        else:
            if first is not None and length:
                runs.append(Run(first, last, length))
            first = last = None
            length = 0
            continue
        length += need > 0
    if first is not None and length:
        runs.append(Run(first, last, length))
    return runs


def current_from_run(run: Run | None, today: date) -> int:
    """Return the current daily streak given the run holding today or yesterday (if any)."""
    if run is None or run.first > today or run.last < today - ONE_DAY:
        return 0
    return run.length


def weekly_from_run(run: Run | None, today: date) -> int:
    """Return the weekly streak given the week run holding this week or last week (if any)."""
    monday = week_start(today)
    if run is None or run.first > monday or run.last < monday - timedelta(weeks=1):
        return 0
    return run.length


@dataclass(frozen=True)
class StreakSummary:
    """Every streak figure the app shows."""

    current_streak: int
    longest_streak: int
    weekly_goal: int
    this_week_active_days: int
    weekly_streak: int
    today_active: bool
