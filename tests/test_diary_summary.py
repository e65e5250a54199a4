"""The doctor summary: its period, its numbers and its CSV rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.diary import summary as s
from stretch_app.inputs import InputError

from .helpers import ROOT, completion_body, cramp_body, sign_up


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


# ---- the plan on the summary ----------------------------------------------------------------

START = date(2026, 11, 2)
END = date(2026, 12, 13)  # six weeks


def test_a_plan_followed_now_counts_the_sessions_due_so_far() -> None:
    statuses = ["done"] * 27 + ["missed"] * 3 + ["today"] + ["ahead"] * 11
    section = s.plan_section("Six weeks", "active", START, END, None, None, 31, statuses, 42)
    assert section.dates == "2 Nov 2026 – 13 Dec 2026 (42 days)"
    assert section.status_text == "Following it now, day 31 of 42"
    assert section.adherence == "27 of 30 planned sessions done so far (42 in the whole plan)."


def test_a_finished_plan_with_a_pause_leaves_the_paused_days_out() -> None:
    statuses = ["done"] * 30 + ["missed"] * 2 + ["paused"] * 5 + ["rest"] * 5
    section = s.plan_section("Six weeks", "finished", START, END, None, None, None,
                             statuses, 37)
    assert section.status_text == "Finished"
    assert section.adherence == ("30 of 32 planned sessions done. 5 planned sessions fell "
                                 "in pauses and are not counted.")
    assert (section.done, section.due, section.planned) == (30, 32, 37)


def test_a_plan_left_or_paused_says_when() -> None:
    left = s.plan_section("Desk", "left", START, date(2026, 11, 15), date(2026, 11, 5), None,
                          None, ["done", "missed", "done", "today"], 10)
    assert left.dates == "2 Nov 2026 – left on 5 Nov 2026"
    assert left.status_text == "Left on day 4 of 14"
    assert left.adherence == "2 of 3 planned sessions done before leaving (10 in the whole plan)."
    assert left.end == date(2026, 11, 5)
    paused = s.plan_section("Desk", "paused", START, date(2026, 11, 15), None,
                            date(2026, 11, 2), None, ["paused"], 10)
    assert paused.status_text == "Paused since 2 Nov 2026"
    assert paused.adherence == ("No planned session was due yet (10 in the whole plan). "
                                "1 planned session fell in a pause and is not counted.")
    rows = s.plan_rows([left])
    assert ("plan", "status", "left") in rows and ("plan", "sessions_due", "3") in rows


SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"
NIGHTLY = "bedtime-calf-and-hamstring-stretch"


@pytest.fixture
def member(make_app: Callable[..., Flask]) -> Iterator[FlaskClient]:
    """A client signed in as 'sam' (Europe/London) on the real library, which has the plans."""
    with make_app(CONTENT_DIR=str(ROOT / "routines")).test_client() as client:
        sign_up(client)
        yield client


def page_text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_summary_shows_the_plan_its_sessions_and_the_diary_before_and_during(
        member: FlaskClient) -> None:
    for days_ago in (20, 13, 6):  # three weeks of diary before the plan
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        body = cramp_body(occurred_at=moment.isoformat(), time_zone="Europe/London", strength=6)
        assert member.post("/api/cramps", json=body).status_code == 201
    assert member.post("/api/plan", json={"plan": SIX_WEEKS}).status_code == 201
    assert member.post("/api/completions", json=completion_body(routine=NIGHTLY)).status_code \
        == 201
    shown = page_text(member, "/diary/summary")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    assert "Stretching plan Six weeks of bedtime calf and hamstring stretches" in shown
    assert f"{today:%-d %b %Y} – {today + timedelta(days=41):%-d %b %Y} (42 days)" in shown
    assert "Following it now, day 1 of 42" in shown
    assert "1 of 1 planned session done so far (42 in the whole plan)." in shown
    assert "The 20 days before the plan Day 1 of the plan" in shown
    assert "Cramps per week 1.1 —" in shown  # 3 cramps in 20 days; one day is too soon
    assert "not proof that the plan changed anything" in shown
    assert "No cramps last night" not in shown  # the nudge to log is for the person only
    rows = member.get("/diary/summary.csv").get_data(as_text=True)
    assert "plan,sessions_done,1\r\n" in rows and "plan,sessions_planned,42\r\n" in rows


def test_a_plan_left_today_shows_with_its_day_and_without_a_cramp_table(
        member: FlaskClient) -> None:
    assert member.post("/api/plan", json={"plan": "desk-back"}).status_code == 201
    assert member.delete("/api/plan").status_code == 204
    shown = page_text(member, "/diary/summary")
    assert "Two weeks of desk breaks for your back" in shown
    assert "Left on day 1 of 14" in shown
    assert "No planned session was due before leaving (10 in the whole plan)." in shown
    assert "Cramps per week" not in shown.split("Stretching plan")[1]  # not aimed at cramps


def test_a_paused_plan_says_since_when_and_keeps_the_session_done(
        member: FlaskClient) -> None:
    assert member.post("/api/plan", json={"plan": SIX_WEEKS}).status_code == 201
    assert member.post("/api/completions", json=completion_body(routine=NIGHTLY)).status_code \
        == 201
    assert member.post("/api/plan/pause").status_code == 200
    shown = page_text(member, "/diary/summary")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    assert f"Paused since {today:%-d %b %Y}" in shown
    assert "1 of 1 planned session done so far (42 in the whole plan)." in shown


def test_no_plan_section_without_a_plan_or_outside_its_days(member: FlaskClient) -> None:
    assert "Stretching plan" not in page_text(member, "/diary/summary")
    assert member.post("/api/plan", json={"plan": SIX_WEEKS}).status_code == 201
    before = page_text(member, "/diary/summary?from=2025-01-01&to=2025-03-01")
    assert "Stretching plan" not in before
    assert "plan," not in member.get("/diary/summary.csv?from=2025-01-01&to=2025-03-01") \
        .get_data(as_text=True)
