"""When reminders fall due: weekdays, wall-clock times across daylight saving, quiet days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from stretch_app.reminders.schedule import (
    WINDOW,
    Schedule,
    describe_days,
    due_between,
    next_occurrence,
    occurrence,
    quiet_reason,
    usual_area,
)

LONDON = ZoneInfo("Europe/London")
EVERY_DAY = frozenset(range(1, 8))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_bedtime_reminder_is_due_at_its_local_time_in_winter_and_in_summer() -> None:
    bedtime = Schedule(EVERY_DAY, time(21, 30), LONDON)
    assert occurrence(date(2026, 1, 15), bedtime.at, LONDON) == utc(2026, 1, 15, 21, 30)
    assert occurrence(date(2026, 7, 15), bedtime.at, LONDON) == utc(2026, 7, 15, 20, 30)


def test_the_clocks_going_forward_and_back_keep_the_wall_clock_time() -> None:
    bedtime = Schedule(EVERY_DAY, time(21, 30), LONDON)
    # Clocks go forward on 29 March 2026 and back on 25 October 2026 in London.
    spring = [i for _, i in due_between(bedtime, utc(2026, 3, 27, 12), utc(2026, 3, 31, 12))]
    assert spring == [utc(2026, 3, 27, 21, 30), utc(2026, 3, 28, 21, 30),
                      utc(2026, 3, 29, 20, 30), utc(2026, 3, 30, 20, 30)]
    autumn = [i for _, i in due_between(bedtime, utc(2026, 10, 24, 12), utc(2026, 10, 26, 12))]
    assert autumn == [utc(2026, 10, 24, 20, 30), utc(2026, 10, 25, 21, 30)]


def test_a_time_the_clocks_skip_comes_an_hour_later_and_a_repeated_one_the_first_time() -> None:
    assert occurrence(date(2026, 3, 29), time(1, 30), LONDON) == utc(2026, 3, 29, 1, 30)
    assert occurrence(date(2026, 10, 25), time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)


def test_only_the_chosen_weekdays_fall_due() -> None:
    weekdays = Schedule(frozenset(range(1, 6)), time(8, 0), ZoneInfo("America/New_York"))
    start = utc(2026, 12, 4, 0)  # a Friday
    days = [d for d, _ in due_between(weekdays, start, start + timedelta(days=7))]
    assert days == [date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9),
                    date(2026, 12, 10)]
    assert all(d.isoweekday() <= 5 for d in days)


def test_the_window_is_fifteen_minutes_up_to_the_run_and_open_at_its_start() -> None:
    bedtime = Schedule(EVERY_DAY, time(21, 30), LONDON)
    due = utc(2026, 12, 3, 21, 30)
    assert list(due_between(bedtime, due - WINDOW, due)) == [(date(2026, 12, 3), due)]
    assert list(due_between(bedtime, due + WINDOW - WINDOW, due + WINDOW)) == []
    assert list(due_between(bedtime, due - timedelta(minutes=1), due - timedelta(seconds=1))) == []


def test_a_reminder_late_in_the_evening_belongs_to_its_local_date() -> None:
    late = Schedule(EVERY_DAY, time(23, 45), ZoneInfo("Pacific/Auckland"))
    [(day, instant)] = due_between(late, utc(2026, 12, 3, 10, 40), utc(2026, 12, 3, 10, 50))
    assert day == date(2026, 12, 3) and instant == utc(2026, 12, 3, 10, 45)


def test_the_next_reminder_is_shown_from_now() -> None:
    weekends = Schedule(frozenset({6, 7}), time(9, 0), LONDON)
    assert next_occurrence(weekends, utc(2026, 12, 3, 12)) == utc(2026, 12, 5, 9)
    assert next_occurrence(weekends, utc(2026, 12, 5, 9)) == utc(2026, 12, 6, 9)


def test_a_day_off_or_a_finished_session_keeps_the_reminder_quiet() -> None:
    assert quiet_reason(day_off=True, done=False) == "day-off"
    assert quiet_reason(day_off=False, done=True) == "done"
    assert quiet_reason(day_off=False, done=False) is None


def test_a_plans_rest_day_keeps_it_quiet_but_a_day_off_is_said_first() -> None:
    assert quiet_reason(day_off=False, done=False, rest=True) == "rest"
    assert quiet_reason(day_off=True, done=False, rest=True) == "day-off"
    assert quiet_reason(day_off=False, done=True, rest=True) == "rest"


def test_days_read_as_people_say_them() -> None:
    assert describe_days(EVERY_DAY) == "Every day"
    assert describe_days(frozenset(range(1, 6))) == "Weekdays"
    assert describe_days(frozenset({1, 3})) == "Mon, Wed"


def test_the_usual_area_is_the_most_frequent_recent_one() -> None:
    assert usual_area(["back", "legs", "back"]) == "back"
    assert usual_area([]) == "legs"
