"""Chart geometry for server-rendered SVG: pure functions from numbers to shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .streaks import week_start

CELL = 14
GAP = 3


@dataclass(frozen=True)
class HeatCell:
    """One day in the calendar heatmap."""

    day: date
    x: int
    y: int
    state: str  # active | partial | off | empty | future
    label: str


def heatmap(
    today: date,
    active: set[date],
    partial: set[date],
    off: Mapping[date, str],
    weeks: int = 26,
) -> list[HeatCell]:
    """Lay out the last `weeks` ISO weeks as columns of Monday-to-Sunday cells."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    cells = []
    for index in range(weeks * 7):
        day = first + timedelta(days=index)
        column, row = divmod(index, 7)
        if day > today:
            state, words = "future", "upcoming"
        elif day in active:
            state, words = "active", "stretched"
        elif day in off:
            state, words = "off", off[day].replace("-", " ")
        elif day in partial:
            state, words = "partial", "started, not finished"
        else:
            state, words = "empty", "no session"
        label = f"{day.strftime('%a %d %b %Y')}: {words}"
        cells.append(HeatCell(day, column * (CELL + GAP), row * (CELL + GAP), state, label))
    return cells


@dataclass(frozen=True)
class Bar:
    """One bar of a weekly bar chart."""

    week: date
    value: int
    x: int
    y: int
    height: int
    label: str


def weekly_bars(
    today: date, values: Mapping[date, int], weeks: int = 12, height: int = 120, width: int = 24
) -> list[Bar]:
    """Return one bar per ISO week for the last `weeks` weeks, scaled to `height`."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    top = max([values.get(m, 0) for m in mondays] + [1])
    bars = []
    for i, monday in enumerate(mondays):
        value = values.get(monday, 0)
        h = round(value / top * height)
        bars.append(Bar(monday, value, i * (width + 6), height - h, h,
                        f"Week of {monday.strftime('%d %b')}: {value}"))
    return bars
