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


def test_the_default_period_starts_at_the_first_entry_within_90_days() -> None:
    today = date(2025, 6, 18)
    assert s.parse_period({}, today, date(2025, 6, 12)) == s.Period(date(2025, 6, 12), today)
    assert s.parse_period({}, today, today) == s.Period(today, today)
    # An older diary: the last 90 days, as without one.
    assert s.parse_period({}, today, date(2024, 1, 1)).start == date(2025, 3, 21)
    # A chosen end before the first entry: 90 days up to it.
    period = s.parse_period({"to": "2025-05-31"}, today, date(2025, 6, 12))
    assert period == s.Period(date(2025, 3, 3), date(2025, 5, 31))
    # A chosen start always wins.
    assert s.parse_period({"from": "2025-06-01"}, today, date(2025, 6, 12)).start == \
        date(2025, 6, 1)


def test_the_period_is_stated_with_its_reason() -> None:
    today = date(2025, 6, 18)
    since = s.parse_period({}, today, date(2025, 6, 12))
    assert s.describe_period(since, {}, date(2025, 6, 12)) == \
        "Since the first diary entry: 12 Jun 2025 – 18 Jun 2025 (7 days)"
    last = s.parse_period({}, today, date(2024, 1, 1))
    assert s.describe_period(last, {}, date(2024, 1, 1)) == \
        "The last 90 days: 21 Mar 2025 – 18 Jun 2025 (90 days)"
    one = s.Period(today, today)
    assert s.describe_period(one, {"from": "2025-06-18"}, None) == \
        "18 Jun 2025 – 18 Jun 2025 (1 day)"


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
    assert summary.cramps == 0
    assert summary.per_week is None and summary.active_days_per_week is None  # under a week
    assert ("cramps", "per_week", "") in s.summary_rows(summary)
    assert summary.strength_average is None and summary.duration_average is None
    assert ("strength", "average", "") in s.summary_rows(summary)
