"""The doctor summary: its period, its numbers and its CSV rows."""

from __future__ import annotations

from datetime import date

import pytest

from stretch_app.diary import summary as s
from stretch_app.inputs import InputError


def test_parse_period_defaults_to_the_last_90_days() -> None:
    period = s.parse_period({}, date(2025, 6, 18))
    assert period == s.Period(date(2025, 3, 21), date(2025, 6, 18))
    assert period.days == 90


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "18/06/2025"}, "to"),
        ({"from": "2025-6-1"}, "from"),
        ({"from": "2025-06-10", "to": "2025-06-01"}, "from"),
        ({"from": "2000-01-01", "to": "2025-01-01"}, "from"),
    ],
)
def test_parse_period_rejects(args: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as exc:
        s.parse_period(args, date(2025, 6, 18))
    assert exc.value.field == field


def test_summary_numbers() -> None:
    period = s.Period(date(2025, 6, 1), date(2025, 6, 14))  # 14 days = 2 weeks
    totals = s.CrampTotals(count=5, days_with_cramps=4, strength_sum=27, strength_max=9,
                           timed=3, duration_sum=10, duration_max=6, woke_me=2,
                           red_flag_entries=1)
    summary = s.build_summary(
        period, totals,
        [("night", 2), ("night,sitting", 1), ("", 2)],
        [("swelling", 1), ("", 4)],
        [("calf", 3), ("back", 1), ("abdomen", 1)],
        s.Adherence(active_days=6, sessions=8, partial_sessions=2, seconds=3630),
    )
    assert summary.cramps == 5
    assert summary.per_week == 2.5
    assert summary.strength_average == 5.4
    assert summary.strength_max == 9
    assert summary.duration_average == 3.3
    assert summary.duration_max == 6
    assert summary.duration_total == 10
    assert summary.triggers == (("night", 3), ("sitting", 1))
    assert summary.red_flags == (("swelling", 1),)
    assert summary.areas == (("legs", 3), ("abdomen", 1), ("back", 1))
    assert summary.active_days == 6 and summary.active_days_per_week == 3.0
    assert summary.sessions == 8 and summary.partial_sessions == 2
    assert summary.minutes == 60  # 3630 s rounds to 60 minutes
    rows = s.summary_rows(summary)
    assert ("cramps", "per_week", "2.5") in rows
    assert ("strength", "average", "5.4") in rows
    assert ("trigger", "At night", "3") in rows
    assert ("red_flag", "Swelling or redness where the cramp was", "1") in rows
    assert ("stretching", "minutes", "60") in rows


def test_summary_of_an_empty_period() -> None:
    summary = s.build_summary(s.Period(date(2025, 6, 1), date(2025, 6, 1)), s.CrampTotals(),
                              [], [], [], s.Adherence())
    assert summary.cramps == 0 and summary.per_week == 0.0
    assert summary.strength_average is None and summary.duration_average is None
    assert ("strength", "average", "") in s.summary_rows(summary)
