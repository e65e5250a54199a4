"""Diary patterns: weekly series, the trend, counts, suggestions and doctor reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stretch_app.catalog import ExpandedStep, Routine
from stretch_app.diary import patterns as p
from stretch_app.diary.entries import TRIGGERS


def test_pattern_window_is_twelve_iso_weeks_ending_this_week() -> None:
    first, last = p.pattern_window(date(2025, 6, 18))
    assert first == date(2025, 3, 31)  # a Monday, 11 weeks before this week's Monday
    assert last == date(2025, 6, 22)  # this week's Sunday
    assert first.weekday() == 0


def test_weekly_series_bins_cramps_and_active_days() -> None:
    today = date(2025, 6, 18)
    weeks = p.weekly_series(
        today,
        {date(2025, 6, 16): 2, date(2025, 6, 18): 1, date(2025, 6, 9): 4,
         date(2025, 3, 30): 9},  # the day before the window: ignored
        [date(2025, 6, 16), date(2025, 6, 16), date(2025, 6, 17), date(2025, 3, 31)],
    )
    assert len(weeks) == 12
    assert weeks[-1] == p.Week(date(2025, 6, 16), 3, 2)  # duplicates count once
    assert weeks[-2] == p.Week(date(2025, 6, 9), 4, 0)
    assert weeks[0] == p.Week(date(2025, 3, 31), 0, 1)
    assert sum(w.cramps for w in weeks) == 7
    assert weeks[-1].label == "16 Jun"


def weeks_with(counts: list[int]) -> list[p.Week]:
    start = date(2025, 1, 6)
    return [p.Week(start + timedelta(weeks=i), c, 0) for i, c in enumerate(counts)]


@pytest.mark.parametrize(
    ("before", "recent", "rising"),
    [
        ([0, 0, 0, 0], [0, 1, 1, 1], True),  # 0 → 3: at least 3 more and at least double
        ([0, 0, 0, 0], [0, 0, 1, 1], False),  # 0 → 2: not enough to call it a trend
        ([1, 0, 1, 0], [1, 1, 1, 1], False),  # 2 → 4: only 2 more
        ([1, 1, 1, 0], [2, 1, 2, 1], True),  # 3 → 6
        ([1, 1, 1, 1], [2, 2, 2, 1], False),  # 4 → 7: less than double
        ([2, 1, 1, 1], [2, 3, 2, 3], True),  # 5 → 10
        ([3, 3, 3, 3], [1, 1, 1, 1], False),  # falling
        ([0, 0, 0, 0], [0, 0, 0, 3], True),  # a bad current week counts
    ],
)
def test_rising_trend(before: list[int], recent: list[int], rising: bool) -> None:
    # Four older weeks that must not matter, then the 4 + 4 compared.
    weeks = weeks_with([9, 9, 9, 9] + before + recent)
    trend = p.compare_weeks(weeks, weeks[0].start)
    assert trend is not None and trend.rising is rising
    assert (trend.before, trend.recent) == (sum(before), sum(recent))


def test_rising_trend_needs_eight_weeks() -> None:
    weeks = weeks_with([0, 0, 0, 5, 5, 5, 5])
    assert p.compare_weeks(weeks, weeks[0].start) is None


def test_a_trend_only_compares_weeks_from_the_first_entry_on() -> None:
    # A new diary: 4 cramps in the last three weeks and nothing recorded before them.
    weeks = weeks_with([0] * 9 + [1, 1, 2])
    assert p.compare_weeks(weeks, weeks[-3].start + timedelta(days=2)) is None
    assert p.compare_weeks(weeks, None) is None
    # One week short: the first entry came in the week after the first week compared.
    assert p.compare_weeks(weeks, weeks[-8].start + timedelta(days=7)) is None
    # Kept since the first compared week (from its Wednesday): a trend, resting on 4 entries.
    trend = p.compare_weeks(weeks, weeks[-8].start + timedelta(days=2))
    assert trend is not None and trend.rising and trend.entries == 4
    assert trend.text == ("Your cramps have become clearly more frequent: 4 in the last 4 weeks "
                          "against 0 in the 4 weeks before (based on 4 entries).")


def test_the_trend_note_says_when_it_is_too_early() -> None:
    assert p.diary_weeks(date(2025, 6, 18), date(2025, 6, 2)) == 3
    assert p.diary_weeks(date(2025, 6, 18), None) == 0
    assert "your diary covers 3 weeks so far" in p.trend_note(None, 3)
    assert p.trend_note(None, 0) == ""
    steady = p.Trend(4, before=3, recent=4)
    assert p.trend_note(steady, 9) == ("No clear rise in your cramps: 4 in the last 4 weeks "
                                       "against 3 in the 4 weeks before (based on 7 entries).")


def test_count_lists_counts_each_slug_and_ranks_with_stable_ties() -> None:
    groups = [("night,dehydration", 2), ("sitting", 2), ("", 5), ("night", 1),
              ("unknown-old-slug", 4)]
    assert p.count_lists(groups, list(TRIGGERS)) == [
        ("night", 3), ("dehydration", 2), ("sitting", 2),
    ]


def test_areas_and_locations() -> None:
    counts = [("calf", 3), ("foot", 1), ("back", 2), ("other", 1), ("abdomen", 2)]
    assert p.count_areas(counts) == [("legs", 4), ("abdomen", 2), ("back", 2), ("other", 1)]
    assert p.rank_locations(counts)[:2] == [("calf", 3), ("abdomen", 2)]


def test_doctor_reasons() -> None:
    rising, steady = p.Trend(4, 0, 3), p.Trend(4, 3, 3)
    assert p.doctor_reasons(0, None) == []
    assert p.doctor_reasons(0, steady) == []
    assert p.doctor_reasons(1, None) == ["You logged 1 cramp with a warning sign."]
    assert p.doctor_reasons(2, None) == ["You logged 2 cramps with a warning sign."]
    assert p.doctor_reasons(0, rising) == [rising.text]
    assert len(p.doctor_reasons(3, rising)) == 2


# ---- suggestions ----------------------------------------------------------------------------


def routine(slug: str, areas: tuple[str, ...], situations: tuple[str, ...],
            level: str = "gentle", seconds: int = 120) -> Routine:
    hold = ExpandedStep("pose", None, seconds, None)
    return Routine(slug=slug, title=slug.replace("-", " ").title(), summary="A routine.",
                   areas=areas, situations=situations, level=level, prep_seconds=0,
                   transition_seconds=0, steps=(), expanded_steps=(hold,))


ROUTINES = [
    routine("desk-legs", ("legs",), ("desk", "after-sitting")),
    routine("hip-opener", ("legs", "back"), ("after-sitting",), level="moderate"),
    routine("chair-back", ("back",), ("desk",), seconds=60),
    routine("after-standing", ("legs",), ("after-standing",)),
    routine("cool-down", ("legs", "back"), ("after-exercise",), seconds=600),
    routine("warm-up", ("legs",), ("warm-up",), level="moderate"),
    routine("bedtime-legs", ("legs",), ("bedtime", "night-leg-cramps")),
    routine("bedtime-belly", ("abdomen", "back"), ("bedtime",)),
    routine("period-relief", ("abdomen", "back"), ("menstrual",)),
    routine("period-back-only", ("back",), ("menstrual",)),
    routine("anytime", ("legs", "abdomen", "back"), ("anytime",)),
]


def suggested(trigger: str) -> list[str]:
    suggestion = p.suggest([(trigger, 3)], ROUTINES, 4)
    assert suggestion is not None
    assert suggestion.trigger == trigger and suggestion.text
    return [r.slug for r in suggestion.routines]


def test_sitting_suggests_desk_and_after_sitting_routines() -> None:
    # Desk routines first (gentle, shorter first), then after-sitting ones.
    assert suggested("sitting") == ["chair-back", "desk-legs", "hip-opener"]


def test_standing_suggests_after_standing_routines() -> None:
    assert suggested("standing") == ["after-standing"]


def test_overexertion_suggests_cool_downs_first() -> None:
    assert suggested("overexertion") == ["cool-down", "warm-up"]


def test_night_suggests_bedtime_leg_routines_only() -> None:
    assert suggested("night") == ["bedtime-legs"]


def test_menstrual_suggests_gentle_abdomen_routines() -> None:
    assert suggested("menstrual") == ["period-relief"]


def test_dehydration_and_diet_give_advice_without_routines() -> None:
    assert suggested("dehydration") == []
    assert "potassium" in p.suggest([("diet", 1)], ROUTINES, 1).text  # type: ignore[union-attr]


def test_the_most_common_trigger_with_a_rule_wins() -> None:
    ranked = p.count_lists([("other", 5), ("night", 2), ("sitting,night", 1)], list(TRIGGERS))
    assert ranked[0] == ("other", 5)
    suggestion = p.suggest(ranked, ROUTINES, 8)
    assert suggestion is not None and suggestion.trigger == "night"


def test_no_triggers_no_suggestion() -> None:
    assert p.suggest([], ROUTINES, 0) is None
    assert p.suggest([("other", 4)], ROUTINES, 4) is None


def test_most_only_when_most_did() -> None:
    def said(count: int, total: int) -> str:
        suggestion = p.suggest([("night", count)], ROUTINES, total)
        assert suggestion is not None
        return suggestion.text

    assert said(2, 5).startswith("2 of your 5 cramps came at night. A glass of water")
    assert said(3, 6).startswith("3 of your 6 cramps came at night.")  # half is not most
    assert said(4, 6).startswith("Most of your cramps came at night (4 of 6).")
    assert said(6, 6).startswith("All 6 of your cramps came at night.")
    assert said(1, 1).startswith("Your cramp came at night.")
    # The top trigger with a rule can be second overall: still not "most".
    ranked = [("other", 5), ("night", 3)]
    assert p.suggest(ranked, ROUTINES, 8).text.startswith(  # type: ignore[union-attr]
        "3 of your 8 cramps came at night.")
