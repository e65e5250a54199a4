"""A plan's schedule: rest days, missed days, finishing, weekday plans, time zones, texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from stretch_app.plans.schedule import (
    PlanDay,
    calendar_weeks,
    day_status,
    done_dates,
    plan_days,
    progress,
    progress_text,
    today_text,
)

MONDAY = date(2026, 3, 2)
WEDNESDAY = date(2026, 3, 4)


@dataclass(frozen=True)
class FakePlan:
    """Behaves as the content loader's Plan does for the schedule."""

    weeks: int
    cycle: tuple[str | None, ...]
    align: str = "start"

    def routine_on(self, day_index: int, weekday: int) -> str | None:
        """Return the routine of a plan day, by its place in the plan or by its weekday."""
        if self.align == "weekday":
            return self.cycle[weekday]
        return self.cycle[day_index % len(self.cycle)]


TWO_ON_ONE_OFF = FakePlan(weeks=2, cycle=("calf", "hips", None))
DAILY_SIX_WEEKS = FakePlan(weeks=6, cycle=("calf",))
WEEKDAYS = FakePlan(weeks=2, align="weekday",
                    cycle=("mon", None, "wed", "thu", None, "sat", "sun"))


def day(offset: int, start: date = MONDAY) -> date:
    return start + timedelta(days=offset)


def test_a_plan_has_its_weeks_of_numbered_days_with_rest_days_in_the_cycle() -> None:
    days = plan_days(TWO_ON_ONE_OFF, MONDAY)
    assert len(days) == 14
    assert days[0] == PlanDay(1, MONDAY, "calf")
    assert days[-1] == PlanDay(14, date(2026, 3, 15), "hips")
    assert [d.routine for d in days[:7]] == ["calf", "hips", None, "calf", "hips", None, "calf"]


def test_a_weekday_plan_started_on_a_wednesday_begins_with_wednesdays_entry() -> None:
    days = plan_days(WEEKDAYS, WEDNESDAY)
    assert [d.routine for d in days[:7]] == ["wed", "thu", None, "sat", "sun", "mon", None]
    assert days[0] == PlanDay(1, WEDNESDAY, "wed")
    assert days[5] == PlanDay(6, date(2026, 3, 9), "mon")
    assert days[-1].day == date(2026, 3, 17)


def test_only_the_planned_routine_on_its_own_date_counts_as_done() -> None:
    days = plan_days(TWO_ON_ONE_OFF, MONDAY)
    finished = [
        (day(0), "calf"),  # the plan's own session
        (day(1), "calf"),  # another routine than day 2's "hips"
        (day(2), "calf"),  # a session on a rest day
        (day(-1), "calf"),  # the day before the plan
        (day(14), "hips"),  # the day after it
        (day(4), "hips"),
        (day(4), "hips"),  # twice on one day is one session
    ]
    assert done_dates(days, finished) == {day(0), day(4)}


def test_each_day_is_done_missed_rest_today_or_ahead_and_rest_stays_rest() -> None:
    days = plan_days(TWO_ON_ONE_OFF, MONDAY)
    today = day(4)
    done = {day(0)}
    assert [day_status(d, today, done) for d in days[:7]] == [
        "done", "missed", "rest", "missed", "today", "rest", "ahead"]
    assert day_status(days[4], today, done | {today}) == "done"
    # Today falling on a rest day is a rest day, not a session to do.
    assert day_status(days[5], day(5), done) == "rest"


def test_missed_days_stay_missed_and_the_plan_goes_on_without_resetting() -> None:
    finished = [(day(n), "calf") for n in (0, 1, 2, 6, 7)]  # days 4-6 were missed
    p = progress(DAILY_SIX_WEEKS, MONDAY, day(8), finished)
    assert p.day_number == 9
    assert p.today == PlanDay(9, day(8), "calf")
    assert p.today_status == "today"
    assert p.sessions_done == 5
    assert p.sessions_due_so_far == 8  # days 1-8; today's counts once it is done
    assert p.sessions_planned == 42
    assert not p.finished
    assert p.end == date(2026, 4, 12)
    weeks = calendar_weeks(DAILY_SIX_WEEKS, MONDAY, day(8), done_dates(
        plan_days(DAILY_SIX_WEEKS, MONDAY), finished))
    assert [status for _, status in weeks[0]][3:6] == ["missed", "missed", "missed"]
    assert progress_text(p) == "Day 9 of 42 · 5 sessions done"

    later = progress(DAILY_SIX_WEEKS, MONDAY, day(8), [*finished, (day(8), "calf")])
    assert later.today_status == "done"
    assert (later.sessions_done, later.sessions_due_so_far) == (6, 9)
    assert progress_text(later) == "Day 9 of 42 · 6 sessions done"


def test_rest_days_are_not_due_and_not_counted_as_sessions() -> None:
    finished = [(day(0), "calf"), (day(1), "hips")]
    p = progress(TWO_ON_ONE_OFF, MONDAY, day(5), finished)
    assert p.today_status == "rest"
    assert p.sessions_planned == 10  # 14 days, 4 of them rest days
    assert p.sessions_due_so_far == 4  # days 1, 2, 4 and 5
    assert today_text(p) == "Today is a rest day."


def test_after_its_last_day_a_plan_is_finished_with_a_kind_summary() -> None:
    every_day = [(day(n), "calf") for n in range(42)]
    missed_five = [s for s in every_day if s[0] not in {day(n) for n in (3, 10, 11, 20, 41)}]
    last_day = progress(DAILY_SIX_WEEKS, MONDAY, day(41), missed_five)
    assert (last_day.day_number, last_day.today_status, last_day.finished) == (42, "today", False)

    p = progress(DAILY_SIX_WEEKS, MONDAY, day(42), missed_five)
    assert p.finished
    assert (p.day_number, p.today, p.today_status) == (None, None, None)
    assert (p.sessions_done, p.sessions_due_so_far, p.sessions_planned) == (37, 42, 42)
    assert progress_text(p) == "You did 37 of the 42 sessions."
    assert progress_text(progress(DAILY_SIX_WEEKS, MONDAY, day(60), every_day)) == \
        "You did all 42 sessions."
    none = progress_text(progress(DAILY_SIX_WEEKS, MONDAY, day(42), []))
    assert none == "The plan has ended. Its sessions are here whenever you want them."
    for text in (progress_text(p), none):
        assert not any(word in text.lower() for word in ("fail", "miss", "only", "too few"))


def test_before_its_first_day_a_plan_says_when_it_starts() -> None:
    p = progress(DAILY_SIX_WEEKS, MONDAY, day(-1), [])
    assert (p.day_number, p.today, p.finished, p.sessions_due_so_far) == (None, None, False, 0)
    assert progress_text(p) == "Starts on Mon 2 Mar · 42 days"
    assert today_text(p) == ""


def test_a_plan_started_late_in_the_evening_is_on_day_1_in_the_persons_own_zone() -> None:
    # Started at 23:30 in Los Angeles on 4 March, which is already 5 March in London.
    instant = datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    start = instant.astimezone(ZoneInfo("America/Los_Angeles")).date()
    assert start == WEDNESDAY
    in_la = progress(DAILY_SIX_WEEKS, start, start, [])
    assert (in_la.day_number, in_la.today_status, in_la.sessions_due_so_far) == (1, "today", 0)

    # The same instant read as a London date would already be day 2, with day 1 missed.
    london_today = instant.astimezone(ZoneInfo("Europe/London")).date()
    in_london = progress(DAILY_SIX_WEEKS, start, london_today, [])
    assert (in_london.day_number, in_london.sessions_due_so_far) == (2, 1)

    # A session finished at 23:50 that night counts for day 1; after midnight it is day 2.
    finished = [(start, "calf")]
    next_day = (instant + timedelta(hours=1)).astimezone(ZoneInfo("America/Los_Angeles")).date()
    after_midnight = progress(DAILY_SIX_WEEKS, start, next_day, finished)
    assert (after_midnight.day_number, after_midnight.sessions_done) == (2, 1)
    assert after_midnight.today_status == "today"


def test_the_calendar_has_one_row_per_plan_week_starting_on_the_plans_first_day() -> None:
    plan = FakePlan(weeks=3, cycle=("calf", None))
    weeks = calendar_weeks(plan, WEDNESDAY, day(10, WEDNESDAY), {WEDNESDAY, day(2, WEDNESDAY)})
    assert [len(w) for w in weeks] == [7, 7, 7]
    assert [d.number for d, _ in weeks[1]] == list(range(8, 15))
    assert weeks[0][0][0].day == WEDNESDAY
    assert weeks[1][0][0].day == date(2026, 3, 11)
    assert [s for _, s in weeks[0]] == ["done", "rest", "done", "rest", "missed", "rest", "missed"]
    assert [s for _, s in weeks[1]] == ["rest", "missed", "rest", "today", "rest", "ahead", "rest"]
    assert all(s in ("ahead", "rest") for _, s in weeks[2])


def test_today_text_says_whether_todays_session_is_ready_or_done() -> None:
    ready = progress(DAILY_SIX_WEEKS, MONDAY, day(3), [])
    done = progress(DAILY_SIX_WEEKS, MONDAY, day(3), [(day(3), "calf")])
    assert today_text(ready) == "Today's session is ready."
    assert today_text(done) == "Today's session is done."
