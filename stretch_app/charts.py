"""Chart geometry for server-rendered SVG: pure functions from numbers to shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from flask_babel import format_date, gettext, lazy_gettext

from .streaks import week_start

CELL = 14
GAP = 3
# How a heatmap cell's text names each kind of day off.
OFF_WORDS = {"rest": lazy_gettext("rest"), "sick": lazy_gettext("sick"),
             "cramp-recovery": lazy_gettext("cramp recovery")}


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
            state, words = "future", gettext("upcoming")
        elif day in active:
            state, words = "active", gettext("stretched")
        elif day in off:
            state, words = "off", str(OFF_WORDS.get(off[day], off[day]))
        elif day in partial:
            state, words = "partial", gettext("started, not finished")
        else:
            state, words = "empty", gettext("no session")
        label = gettext("%(date)s: %(state)s", date=format_date(day, "EEE d MMM y"),
                        state=words)
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
                        gettext("Week of %(date)s: %(value)s",
                                date=format_date(monday, "d MMM"), value=value)))
    return bars


# ---- the diary's patterns chart: two aligned bar panels over the same weeks -------------------


class WeekCounts(Protocol):
    """What the patterns chart reads from a week (the diary's Week fits)."""

    @property
    def label(self) -> str: ...
    @property
    def cramps(self) -> int: ...
    @property
    def active_days(self) -> int: ...


@dataclass(frozen=True)
class PanelBar:
    """One bar of a panel, in SVG units, with where its value label goes."""

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
    bars: tuple[PanelBar, ...]


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


def patterns_chart(weeks: Sequence[WeekCounts]) -> Chart:
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
            bars.append(PanelBar(x, y, bar_width, height, value, round(x + bar_width / 2, 2),
                                 round(y - 3, 2)))
        return Panel(heading, top - 16, baseline, tuple(bars))

    cramps = [w.cramps for w in weeks]
    top = panel(gettext("Cramps per week"), PANEL_TOP, cramps, max(cramps + [4]))
    second_top = top.baseline + PANEL_GAP
    bottom = panel(gettext("Active stretching days (of 7)"), second_top,
                   [w.active_days for w in weeks], 7)
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
