"""Reference streak rules, written the plain way: the stored runs are tested against them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from stretch_app.streaks import ONE_DAY, StreakSummary, week_requirement, week_start


def current_streak(active: Collection[date], off: Collection[date], today: date) -> int:
    """Count consecutive active days ending today (or yesterday), skipping days off."""
    day = today
    if day not in active:
        day -= ONE_DAY
    count = 0
    while True:
        if day in active:
            count += 1
        elif day not in off:
            return count
        day -= ONE_DAY


def longest_streak(active: Iterable[date], off: Collection[date]) -> int:
    """Return the longest run of active days ever, days off bridging the gaps."""
    best = run = 0
    previous: date | None = None
    for day in sorted(set(active)):
        if previous is not None and _bridged(previous, day, off):
            run += 1
        else:
            run = 1
        best = max(best, run)
        previous = day
    return best


def _bridged(earlier: date, later: date, off: Collection[date]) -> bool:
    gap = (later - earlier).days
    return all(earlier + timedelta(days=i) in off for i in range(1, gap))


def weekly_streak(
    active: Iterable[date], off: Iterable[date], goal: int, today: date
) -> int:
    """Count consecutive weeks meeting the goal, ending this week if met, else last week."""
    active_by_week = Counter(week_start(d) for d in set(active))
    off_by_week = Counter(week_start(d) for d in set(off))

    def status(monday: date) -> str:
        need = week_requirement(goal, off_by_week[monday])
        if need == 0:
            return "skip"
        return "met" if active_by_week[monday] >= need else "missed"

    monday = week_start(today)
    if status(monday) != "met":
        monday -= timedelta(weeks=1)
    earliest = min(active_by_week, default=monday)
    count = 0
    while monday >= earliest:
        state = status(monday)
        if state == "met":
            count += 1
        elif state == "missed":
            break
        monday -= timedelta(weeks=1)
    return count


def summarise(
    active: Collection[date], off: Collection[date], goal: int, today: date
) -> StreakSummary:
    """Compute every streak figure for one user on one local date."""
    monday = week_start(today)
    return StreakSummary(
        current_streak=current_streak(active, off, today),
        longest_streak=longest_streak(active, off),
        weekly_goal=goal,
        this_week_active_days=sum(1 for d in active if monday <= d <= today),
        weekly_streak=weekly_streak(active, off, goal, today),
        today_active=today in active,
    )
