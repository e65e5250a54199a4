"""The streak rules , as tables and as properties over every time zone."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stretch_app.completions import local_date_of
from stretch_app.streaks import week_requirement, week_start

from .streak_reference import current_streak, longest_streak, summarise, weekly_streak

D = date.fromisoformat
TODAY = D("2026-11-24")  # a Tuesday


def days(*texts: str) -> set[date]:
    return {D(t) for t in texts}


def run(end: date, n: int) -> set[date]:
    return {end - timedelta(days=i) for i in range(n)}


@pytest.mark.parametrize(
    ("active", "off", "expected"),
    [
        (set(), set(), 0),
        (days("2026-11-24"), set(), 1),
        (run(TODAY, 5), set(), 5),
        # today not active yet: the streak ending yesterday still stands
        (run(TODAY - timedelta(days=1), 4), set(), 4),
        # two days ago is the last active day: broken
        (run(TODAY - timedelta(days=2), 4), set(), 0),
        # a day off neither counts nor breaks
        (days("2026-11-24", "2026-11-22"), days("2026-11-23"), 2),
        # days off before today's first session: skipped over
        (days("2026-11-20", "2026-11-21"), days("2026-11-22", "2026-11-23", "2026-11-24"), 2),
        # a day off today and yesterday active
        (days("2026-11-23"), days("2026-11-24"), 1),
        # a gap that is not a day off breaks
        (days("2026-11-24", "2026-11-22"), set(), 1),
    ],
)
def test_current_streak(active: set[date], off: set[date], expected: int) -> None:
    assert current_streak(active, off, TODAY) == expected


def test_longest_streak() -> None:
    active = run(D("2026-01-10"), 7) | run(D("2026-03-01"), 3) | run(TODAY, 2)
    assert longest_streak(active, set()) == 7
    # a day off bridges two runs into one
    assert longest_streak(days("2026-01-01", "2026-01-03"), days("2026-01-02")) == 2
    assert longest_streak(set(), set()) == 0


def test_week_helpers() -> None:
    assert week_start(D("2026-11-29")) == D("2026-11-23")  # Sunday → Monday
    assert week_start(D("2026-11-23")) == D("2026-11-23")
    assert week_requirement(3, 0) == 3
    assert week_requirement(3, 5) == 2
    assert week_requirement(3, 7) == 0


def test_weekly_streak_counts_this_week_only_when_met() -> None:
    active: set[date] = set()
    for weeks_back in (1, 2, 3):  # the last three weeks each had 3 active days
        monday = week_start(TODAY) - timedelta(weeks=weeks_back)
        active |= {monday, monday + timedelta(days=2), monday + timedelta(days=4)}
    # this week has no active day yet: the streak ends last week
    assert weekly_streak(active, set(), 3, TODAY) == 3
    # Monday and Tuesday of this week meet a goal of 2: this week counts too
    active |= {D("2026-11-23"), D("2026-11-24")}
    assert weekly_streak(active, set(), 2, TODAY) == 4
    # ...but not a goal of 3, which this week has not reached yet
    assert weekly_streak(active, set(), 3, TODAY) == 3


def test_weekly_streak_missed_week_breaks_and_off_weeks_are_skipped() -> None:
    monday = week_start(TODAY)
    met = lambda m: {m, m + timedelta(days=1), m + timedelta(days=2)}  # noqa: E731
    active = met(monday - timedelta(weeks=1)) | met(monday - timedelta(weeks=3))
    assert weekly_streak(active, set(), 3, TODAY) == 1  # week -2 missed
    whole_week_off = {monday - timedelta(weeks=2) + timedelta(days=i) for i in range(7)}
    assert weekly_streak(active, whole_week_off, 3, TODAY) == 2  # week -2 skipped
    # a sick week with two active days meets a goal of 3 lowered by 5 days off
    sick = {monday - timedelta(weeks=2) + timedelta(days=i) for i in range(2, 7)}
    two = {monday - timedelta(weeks=2), monday - timedelta(weeks=2) + timedelta(days=1)}
    assert weekly_streak(active | two, sick, 3, TODAY) == 3


def test_summarise() -> None:
    s = summarise(run(TODAY, 3), set(), 3, TODAY)
    assert (s.current_streak, s.longest_streak, s.this_week_active_days, s.today_active) == (
        3, 3, 2, True)


# Property tests: one completion a local day, at awkward local times, in any zone.

ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
SPECIAL = ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu",
           "Australia/Lord_Howe", "Europe/London", "Asia/Tokyo", "America/Los_Angeles"]


def instant(day: date, clock: time, zone: str) -> datetime:
    """Return a UTC instant at a local wall-clock time (gaps and folds resolved by zoneinfo)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_days(instants: list[datetime], zone: str) -> set[date]:
    return {local_date_of(i, zone) for i in instants}


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES + SPECIAL * 20),
    end=st.dates(min_value=date(2001, 1, 1), max_value=date(2037, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
    clock=st.sampled_from([time(0, 0, 1), time(23, 59, 59), time(2, 30), time(1, 30),
                           time(12, 0)]),
    fold=st.sampled_from([0, 1]),
)
def test_one_session_a_local_day_gives_streak_n(zone: str, end: date, n: int, clock: time,
                                                fold: int) -> None:
    wanted = clock.replace(fold=fold)
    days = [end - timedelta(days=i) for i in range(n)]
    instants = [instant(day, wanted, zone) for day in days]
    # A few zones skipped a whole calendar day (Pacific/Apia, 2011-12-30): no session can
    # fall on a date that never happened there, so such runs are not "one a local day".
    assume(all(local_date_of(i, zone) == day for i, day in zip(instants, days, strict=True)))
    active = local_days(instants, zone)
    # 00:00:01 may not exist on a day whose midnight is skipped: it then lands later that day
    assert len(active) == n
    assert current_streak(active, set(), end) == n
    assert longest_streak(active, set()) == n
    random.shuffle(instants)
    assert current_streak(local_days(instants, zone), set(), end) == n


@pytest.mark.parametrize("day", ["2025-03-09", "2025-11-02"])
@pytest.mark.parametrize("clock", [time(0, 0, 1), time(2, 30), time(1, 30), time(23, 59, 59)])
def test_new_york_dst_days(day: str, clock: time) -> None:
    end = D(day) + timedelta(days=3)
    for fold in (0, 1):
        instants = [instant(end - timedelta(days=i), clock.replace(fold=fold), "America/New_York")
                    for i in range(7)]
        assert current_streak(local_days(instants, "America/New_York"), set(), end) == 7


def test_travel_tokyo_to_los_angeles_neither_breaks_nor_double_counts() -> None:
    # Five evenings in Tokyo, fly east across the date line, five evenings in Los Angeles.
    tokyo = [(instant(D("2026-03-01") + timedelta(days=i), time(21), "Asia/Tokyo"), "Asia/Tokyo")
             for i in range(5)]
    la = [(instant(D("2026-03-05") + timedelta(days=i), time(20), "America/Los_Angeles"),
           "America/Los_Angeles") for i in range(1, 6)]
    active = {local_date_of(moment, zone) for moment, zone in tokyo + la}
    assert current_streak(active, set(), D("2026-03-10")) == 10
    assert longest_streak(active, set()) == 10
    # A morning session in LA on the same calendar date as the last Tokyo one counts once.
    same_day = instant(D("2026-03-05"), time(7), "America/Los_Angeles")
    active.add(local_date_of(same_day, "America/Los_Angeles"))
    assert longest_streak(active, set()) == 10


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31),
                        timezones=st.just(UTC)),
)
def test_local_date_never_raises(zone: str, moment: datetime) -> None:
    day = local_date_of(moment, zone)
    assert abs((day - moment.date()).days) <= 1


@settings(max_examples=200, deadline=None)
@given(
    active=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
                   max_size=80),
    off=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)), max_size=30),
    goal=st.integers(min_value=1, max_value=7),
)
def test_streak_invariants(active: set[date], off: set[date], goal: int) -> None:
    s = summarise(active, off, goal, TODAY)
    assert 0 <= s.current_streak <= s.longest_streak <= len(active)
    assert 0 <= s.this_week_active_days <= 7
    assert s.weekly_streak <= len({week_start(d) for d in active | off})
    # adding days off never lowers a streak
    more_off = summarise(active, off | {TODAY - timedelta(days=3)}, goal, TODAY)
    assert more_off.current_streak >= s.current_streak
    assert more_off.longest_streak >= s.longest_streak


# The precomputed runs the app reads must agree with the reference rules above.

DATES = st.dates(min_value=date(2026, 6, 1), max_value=TODAY)


@settings(max_examples=300, deadline=None)
@given(active=st.sets(DATES, max_size=60), off=st.sets(DATES, max_size=25),
       goal=st.integers(min_value=1, max_value=7),
       today=st.dates(min_value=date(2026, 6, 1), max_value=TODAY + timedelta(days=20)))
def test_runs_agree_with_the_reference_rules(active: set[date], off: set[date], goal: int,
                                             today: date) -> None:
    from stretch_app.streaks import (
        current_from_run,
        day_runs,
        week_runs,
        weekly_from_run,
    )

    active = {d for d in active if d <= today}
    runs = day_runs(active, off)
    holding = [r for r in runs if r.first <= today and r.last >= today - timedelta(days=1)]
    assert len(holding) <= 1
    assert current_from_run(holding[0] if holding else None, today) == current_streak(
        active, off, today)
    assert max((r.length for r in runs), default=0) == longest_streak(active, off)
    counts: dict[date, list[int]] = {}
    for d in active:
        counts.setdefault(week_start(d), [0, 0])[0] += 1
    for d in off:
        counts.setdefault(week_start(d), [0, 0])[1] += 1
    weeks = week_runs([(m, a, o) for m, (a, o) in counts.items()], goal)
    monday = week_start(today)
    holding_w = [r for r in weeks if r.first <= monday and r.last >= monday - timedelta(weeks=1)]
    assert weekly_from_run(holding_w[0] if holding_w else None, today) == weekly_streak(
        active, off, goal, today)
