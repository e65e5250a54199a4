"""The cramp diary's pure domain: validation, patterns, trend, suggestions, summary numbers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from stretch_app import diary as d
from stretch_app.catalog import ExpandedStep, Pose, Routine

NOW = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def entry(**change: Any) -> d.CrampData:
    values: dict[str, Any] = {
        "occurred_at": NOW - timedelta(hours=1),
        "time_zone": "Europe/London",
        "location": "calf",
        "strength": 5,
        "now": NOW,
    }
    values.update(change)
    return d.build_entry(**values)


def body(**change: Any) -> str:
    values: dict[str, Any] = {
        "occurred_at": "2025-06-18T10:00:00+01:00",
        "time_zone": "Europe/London",
        "location": "calf",
        "strength": 5,
    }
    values.update(change)
    return json.dumps({k: v for k, v in values.items() if v is not ...})


# ---- validation ---------------------------------------------------------------------------


def test_a_valid_entry_is_normalised() -> None:
    data = entry(triggers=["night", "dehydration", "night"], red_flags=["severe"],
                 note="  woke me at 3am\r\n  ", duration_minutes=0, woke_me=True)
    assert data.triggers == ("dehydration", "night")  # canonical order, no duplicates
    assert data.red_flags == ("severe",)
    assert data.note == "woke me at 3am"
    assert data.occurred_at.tzinfo is UTC
    columns = data.columns()
    assert columns["occurred_at"] == datetime(2025, 6, 18, 11, 0)  # naive UTC
    assert columns["triggers"] == "dehydration,night"
    assert columns["local_date"] == date(2025, 6, 18)


@pytest.mark.parametrize("strength", [0, 11, -1, 100, True])
def test_strength_must_be_1_to_10(strength: int) -> None:
    with pytest.raises(d.EntryError) as exc:
        entry(strength=strength)
    assert exc.value.field == "strength"
    assert "1 to 10" in exc.value.message


@pytest.mark.parametrize("strength", [1, 10])
def test_strength_edges_are_fine(strength: int) -> None:
    assert entry(strength=strength).strength == strength


def test_unknown_trigger_is_refused() -> None:
    with pytest.raises(d.EntryError) as exc:
        entry(triggers=["dehydration", "full-moon"])
    assert exc.value.field == "triggers"
    assert "full-moon" in exc.value.message


def test_unknown_red_flag_and_location_are_refused() -> None:
    with pytest.raises(d.EntryError) as exc:
        entry(red_flags=["headache"])
    assert exc.value.field == "red_flags"
    with pytest.raises(d.EntryError) as exc:
        entry(location="elbow")
    assert exc.value.field == "location"


def test_more_than_five_minutes_ahead_is_refused() -> None:
    assert entry(occurred_at=NOW + timedelta(minutes=5)).occurred_at == NOW + timedelta(minutes=5)
    with pytest.raises(d.EntryError) as exc:
        entry(occurred_at=NOW + timedelta(minutes=5, seconds=1))
    assert exc.value.field == "occurred_at"
    assert "future" in exc.value.message


def test_a_time_without_offset_or_before_2000_is_refused() -> None:
    with pytest.raises(d.EntryError, match="offset"):
        entry(occurred_at=datetime(2025, 6, 18, 10, 0))
    with pytest.raises(d.EntryError, match="2000"):
        entry(occurred_at=datetime(1999, 12, 31, tzinfo=UTC))


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd", "Europe/\x00London",
                                  "A" * 300, "utc ", "Local"])
def test_bad_zones_are_refused(zone: str) -> None:
    with pytest.raises(d.EntryError) as exc:
        entry(time_zone=zone)
    assert exc.value.field == "time_zone"


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1])
def test_duration_range(minutes: int) -> None:
    with pytest.raises(d.EntryError) as exc:
        entry(duration_minutes=minutes)
    assert exc.value.field == "duration_minutes"


def test_note_length_and_control_characters() -> None:
    assert len(entry(note="x" * 500).note) == 500
    with pytest.raises(d.EntryError, match="500"):
        entry(note="x" * 501)
    with pytest.raises(d.EntryError, match="control"):
        entry(note="bad\x00byte")
    assert entry(note="line one\nline two").note == "line one\nline two"


def test_local_date_is_the_date_where_it_was_logged() -> None:
    late = datetime(2025, 6, 18, 23, 30, tzinfo=UTC)
    assert entry(occurred_at=late, time_zone="Asia/Tokyo", now=late).local_date == date(2025, 6, 19)
    assert entry(occurred_at=late, time_zone="America/New_York", now=late).local_date == \
        date(2025, 6, 18)


def test_wall_clock_times_become_utc_across_daylight_saving() -> None:
    # London summer time is UTC+1: 00:30 on 1 July is 23:30 UTC the day before.
    assert d.local_to_utc(datetime(2025, 7, 1, 0, 30), "Europe/London") == \
        datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    # The repeated hour on 26 Oct 2025 means its first occurrence (still summer time).
    assert d.local_to_utc(datetime(2025, 10, 26, 1, 30), "Europe/London") == \
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    # The skipped hour on 30 Mar 2025 still gives an instant, never an error.
    assert d.local_to_utc(datetime(2025, 3, 30, 1, 30), "Europe/London").tzinfo is UTC


# ---- the JSON body --------------------------------------------------------------------------


def test_parse_body_accepts_a_full_body() -> None:
    client_id, data = d.parse_body(json.dumps({
        "id": "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "occurred_at": "2025-06-18T10:00:00+01:00", "time_zone": "Europe/London",
        "location": "thigh", "strength": 7, "duration_minutes": 3, "woke_me": True,
        "triggers": ["night"], "red_flags": ["no-relief"], "note": "left leg",
    }), NOW, new=True)
    assert client_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert data.occurred_at == datetime(2025, 6, 18, 9, 0, tzinfo=UTC)
    assert (data.location, data.strength, data.duration_minutes) == ("thigh", 7, 3)
    assert data.woke_me is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"strength": "5"}, "strength"),
        ({"strength": 5.0}, "strength"),
        ({"strength": True}, "strength"),
        ({"strength": 0}, "strength"),
        ({"strength": 11}, "strength"),
        ({"woke_me": "yes"}, "woke_me"),
        ({"triggers": "night"}, "triggers"),
        ({"triggers": ["night", "moon"]}, "triggers"),
        ({"location": "elbow"}, "location"),
        ({"time_zone": 7}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2025-06-18T10:00:00"}, "occurred_at"),
        ({"occurred_at": 1750240800}, "occurred_at"),
        ({"occurred_at": "2025-06-18T13:06:00+00:00"}, "occurred_at"),  # 6 min ahead
        ({"user_id": 2}, "user_id"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "created_at"),
        ({"strength": ...}, "strength"),
        ({"id": "not-a-uuid-but-thirty-six-characters"}, "id"),
        ({"id": 12}, "id"),
    ],
)
def test_parse_body_rejects_with_the_field_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(d.EntryError) as exc:
        d.parse_body(body(**change), NOW, new=True)
    assert exc.value.field == field
    assert exc.value.message


def test_put_bodies_cannot_carry_an_id() -> None:
    with pytest.raises(d.EntryError) as exc:
        d.parse_body(body(id="0f8fad5b-d9cb-469f-a165-70867728950e"), NOW, new=False)
    assert exc.value.field == "id"


@pytest.mark.parametrize("raw", ["", "{", "[]", "null", "42", '"text"'])
def test_parse_body_needs_a_json_object(raw: str) -> None:
    with pytest.raises(d.EntryError) as exc:
        d.parse_body(raw, NOW, new=True)
    assert exc.value.field == "body"


# ---- patterns -------------------------------------------------------------------------------


def test_pattern_window_is_twelve_iso_weeks_ending_this_week() -> None:
    first, last = d.pattern_window(date(2025, 6, 18))
    assert first == date(2025, 3, 31)  # a Monday, 11 weeks before this week's Monday
    assert last == date(2025, 6, 22)  # this week's Sunday
    assert first.weekday() == 0


def test_weekly_series_bins_cramps_and_active_days() -> None:
    today = date(2025, 6, 18)
    weeks = d.weekly_series(
        today,
        {date(2025, 6, 16): 2, date(2025, 6, 18): 1, date(2025, 6, 9): 4,
         date(2025, 3, 30): 9},  # the day before the window: ignored
        [date(2025, 6, 16), date(2025, 6, 16), date(2025, 6, 17), date(2025, 3, 31)],
    )
    assert len(weeks) == 12
    assert weeks[-1] == d.Week(date(2025, 6, 16), 3, 2)  # duplicates count once
    assert weeks[-2] == d.Week(date(2025, 6, 9), 4, 0)
    assert weeks[0] == d.Week(date(2025, 3, 31), 0, 1)
    assert sum(w.cramps for w in weeks) == 7
    assert weeks[-1].label == "16 Jun"


def weeks_with(counts: list[int]) -> list[d.Week]:
    start = date(2025, 1, 6)
    return [d.Week(start + timedelta(weeks=i), c, 0) for i, c in enumerate(counts)]


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
    assert d.rising_trend(weeks_with([9, 9, 9, 9] + before + recent)) is rising


def test_rising_trend_needs_eight_weeks() -> None:
    assert d.rising_trend(weeks_with([0, 0, 0, 5, 5, 5, 5])) is False


def test_count_lists_counts_each_slug_and_ranks_with_stable_ties() -> None:
    groups = [("night,dehydration", 2), ("sitting", 2), ("", 5), ("night", 1),
              ("unknown-old-slug", 4)]
    assert d.count_lists(groups, list(d.TRIGGERS)) == [
        ("night", 3), ("dehydration", 2), ("sitting", 2),
    ]


def test_areas_and_locations() -> None:
    counts = [("calf", 3), ("foot", 1), ("back", 2), ("other", 1), ("abdomen", 2)]
    assert d.count_areas(counts) == [("legs", 4), ("abdomen", 2), ("back", 2), ("other", 1)]
    assert d.rank_locations(counts)[:2] == [("calf", 3), ("abdomen", 2)]


def test_doctor_reasons() -> None:
    assert d.doctor_reasons(0, False) == []
    assert d.doctor_reasons(1, False) == []
    assert len(d.doctor_reasons(2, False)) == 1
    assert len(d.doctor_reasons(0, True)) == 1
    assert len(d.doctor_reasons(3, True)) == 2


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
    suggestion = d.suggest([(trigger, 3)], ROUTINES)
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
    assert "potassium" in d.suggest([("diet", 1)], ROUTINES).text  # type: ignore[union-attr]


def test_the_most_common_trigger_with_a_rule_wins() -> None:
    ranked = d.count_lists([("other", 5), ("night", 2), ("sitting,night", 1)], list(d.TRIGGERS))
    assert ranked[0] == ("other", 5)
    suggestion = d.suggest(ranked, ROUTINES)
    assert suggestion is not None and suggestion.trigger == "night"


def test_no_triggers_no_suggestion() -> None:
    assert d.suggest([], ROUTINES) is None
    assert d.suggest([("other", 4)], ROUTINES) is None


# ---- the summary ----------------------------------------------------------------------------


def test_parse_period_defaults_to_the_last_90_days() -> None:
    period = d.parse_period({}, date(2025, 6, 18))
    assert period == d.Period(date(2025, 3, 21), date(2025, 6, 18))
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
    with pytest.raises(d.EntryError) as exc:
        d.parse_period(args, date(2025, 6, 18))
    assert exc.value.field == field


def test_summary_numbers() -> None:
    period = d.Period(date(2025, 6, 1), date(2025, 6, 14))  # 14 days = 2 weeks
    totals = d.CrampTotals(count=5, days_with_cramps=4, strength_sum=27, strength_max=9,
                           timed=3, duration_sum=10, duration_max=6, woke_me=2,
                           red_flag_entries=1)
    summary = d.build_summary(
        period, totals,
        [("night", 2), ("night,sitting", 1), ("", 2)],
        [("swelling", 1), ("", 4)],
        [("calf", 3), ("back", 1), ("abdomen", 1)],
        d.Adherence(active_days=6, sessions=8, partial_sessions=2, seconds=3630),
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
    rows = d.summary_rows(summary)
    assert ("cramps", "per_week", "2.5") in rows
    assert ("strength", "average", "5.4") in rows
    assert ("trigger", "At night", "3") in rows
    assert ("red_flag", "Swelling or redness where the cramp was", "1") in rows
    assert ("stretching", "minutes", "60") in rows


def test_summary_of_an_empty_period() -> None:
    summary = d.build_summary(d.Period(date(2025, 6, 1), date(2025, 6, 1)), d.CrampTotals(),
                              [], [], [], d.Adherence())
    assert summary.cramps == 0 and summary.per_week == 0.0
    assert summary.strength_average is None and summary.duration_average is None
    assert ("strength", "average", "") in d.summary_rows(summary)


# ---- chart and Cramp now ------------------------------------------------------------------


def test_chart_geometry() -> None:
    weeks = weeks_with([0, 1, 2, 8] + [0] * 8)
    chart = d.chart(weeks)
    cramps, active = chart.panels
    assert len(cramps.bars) == len(active.bars) == 12
    tallest = max(cramps.bars, key=lambda b: b.height)
    assert tallest.value == 8 and tallest.height == d.PANEL_HEIGHT
    assert cramps.bars[0].height == 0
    assert cramps.bars[2].height == pytest.approx(d.PANEL_HEIGHT / 4)
    assert all(b.x + b.width <= chart.width for b in cramps.bars)
    # Every other week is labelled, always including this week.
    assert len(chart.labels) == 6
    assert chart.labels[-1][1] == weeks[-1].label


def test_small_counts_do_not_fill_the_panel() -> None:
    chart = d.chart(weeks_with([1] + [0] * 11))
    assert chart.panels[0].bars[0].height == d.PANEL_HEIGHT / 4


def pose(pose_id: str) -> Pose:
    return Pose(id=pose_id, name=pose_id.title(), sanskrit=None, areas=("legs",),
                targets=("calves",), kind="stretch", position="standing", per_side=True,
                hold_seconds=30, level="gentle", instructions=("a", "b", "c"), cue="cue",
                cautions=("care",), easier="easier", image_alt=f"{pose_id} picture")


def test_relief_plan_uses_the_first_known_pose() -> None:
    poses = {"seated-towel-calf-stretch": pose("seated-towel-calf-stretch")}
    plan = d.relief_plan("calf", poses, lambda path: f"/static/x/{path}")
    assert plan["pose"] == "seated-towel-calf-stretch"
    assert plan["image"] == "/static/x/poses/seated-towel-calf-stretch.svg"
    assert plan["seconds"] > 0 and plan["steps"]
    bare = d.relief_plan("back", {}, lambda path: path)
    assert bare["pose"] is None and bare["image"] is None


def test_cramp_now_offers_the_five_places() -> None:
    data = d.cramp_now_data({}, lambda p: p, signed_in=False)
    assert [loc["id"] for loc in data["locations"]] == ["calf", "foot", "thigh", "abdomen",
                                                        "back"]
    assert "doctor" in data["advice"]
    json.dumps(data)  # embeddable as JSON
