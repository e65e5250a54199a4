"""Chart geometry: the diary's two-panel weekly chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stretch_app.charts import PANEL_HEIGHT, patterns_chart
from stretch_app.diary.patterns import Week


def weeks_with(counts: list[int]) -> list[Week]:
    start = date(2025, 1, 6)
    return [Week(start + timedelta(weeks=i), c, 0) for i, c in enumerate(counts)]


def test_chart_geometry() -> None:
    weeks = weeks_with([0, 1, 2, 8] + [0] * 8)
    chart = patterns_chart(weeks)
    cramps, active = chart.panels
    assert len(cramps.bars) == len(active.bars) == 12
    tallest = max(cramps.bars, key=lambda b: b.height)
    assert tallest.value == 8 and tallest.height == PANEL_HEIGHT
    assert cramps.bars[0].height == 0
    assert cramps.bars[2].height == pytest.approx(PANEL_HEIGHT / 4)
    assert all(b.x + b.width <= chart.width for b in cramps.bars)
    # Every other week is labelled, always including this week.
    assert len(chart.labels) == 6
    assert chart.labels[-1][1] == weeks[-1].label


def test_small_counts_do_not_fill_the_panel() -> None:
    chart = patterns_chart(weeks_with([1] + [0] * 11))
    assert chart.panels[0].bars[0].height == PANEL_HEIGHT / 4
