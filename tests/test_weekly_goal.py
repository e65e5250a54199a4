"""The weekly goal: past weeks keep the goal that held then (pure rules and over HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from stretch_app.extensions import db
from stretch_app.models import User
from stretch_app.streaks import goal_for_week, week_runs, week_start, weekly_from_run

from .helpers import completion_body, sign_up

MON = date(2026, 3, 2)  # a Monday
WEEK = timedelta(weeks=1)


def test_each_week_is_judged_by_the_goal_that_held_then() -> None:
    changes = [(date(2000, 1, 3), 2), (MON + WEEK, 5)]
    assert goal_for_week(changes, MON, 3) == 2
    assert goal_for_week(changes, MON + WEEK, 3) == 5
    assert goal_for_week(changes, MON + 3 * WEEK, 3) == 5
    assert goal_for_week([], MON, 3) == 3  # never changed: the current goal all along
    # Week 1 met with 2 active days under goal 2; the goal went up to 5 in week 2.
    weeks = [(MON, 2, 0), (MON + WEEK, 1, 0)]
    runs = week_runs(weeks, 5, changes)
    assert weekly_from_run(runs[0] if runs else None, MON + WEEK + timedelta(days=2)) == 1
    # Judged by today's goal alone, week 1 would not count.
    assert week_runs(weeks, 5) == []
    # A lowered goal does not rescue weeks that missed the goal of their time.
    assert week_runs([(MON, 1, 0), (MON + WEEK, 1, 0)], 1, [(date(2000, 1, 3), 2),
                                                            (MON + WEEK, 1)])[0].first == MON + WEEK


def post_on(client: FlaskClient, day: date) -> None:
    start = datetime.combine(day, datetime.min.time(), ZoneInfo("Europe/London")).replace(hour=9)
    response = client.post("/api/completions", json=completion_body(
        started_at=start.isoformat(), ended_at=(start + timedelta(minutes=2)).isoformat()))
    assert response.status_code == 201


def save_goal(client: FlaskClient, goal: int) -> None:
    response = client.post("/settings", data={"time_zone": "Europe/London", "weekly_goal": goal,
                                              "cue_speech": "y"})
    assert response.status_code == 302


def test_raising_the_goal_keeps_last_week_met(app: Flask, user_client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(db.update(User).values(weekly_goal=2))
        db.session.commit()
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()
    last_monday = week_start(today) - WEEK
    post_on(user_client, last_monday)
    post_on(user_client, last_monday + timedelta(days=1))
    assert user_client.get("/api/stats").get_json()["weekly_streak"] == 1

    save_goal(user_client, 5)
    stats = user_client.get("/api/stats").get_json()
    assert stats["weekly_goal"] == 5
    assert stats["weekly_streak"] == 1  # last week met its goal of 2
    html = user_client.get("/history").get_data(as_text=True)
    assert ('data-stat="weekly_streak">1</span><span class="stat-label">week meeting your goal'
            '</span>') in html

    # Saving the settings again without a change, or lowering the goal, keeps it so.
    save_goal(user_client, 5)
    save_goal(user_client, 1)
    assert user_client.get("/api/stats").get_json()["weekly_streak"] == 1


def test_an_import_keeps_past_weeks_by_the_right_goal(app: Flask) -> None:
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()
    last_monday = week_start(today) - WEEK
    source = app.test_client()
    sign_up(source, "sam")
    save_goal(source, 2)
    post_on(source, last_monday)
    post_on(source, last_monday + timedelta(days=1))
    doc = source.get("/api/export").get_json()

    # A new account takes the file's goal as the one that held all along.
    fresh = app.test_client()
    sign_up(fresh, "kim")
    assert fresh.post("/api/import", json=doc).status_code == 200
    assert fresh.get("/api/stats").get_json()["weekly_streak"] == 1

    # An account with a history of its own has the file's goal from this week on.
    lived_in = app.test_client()
    sign_up(lived_in, "lee")
    post_on(lived_in, last_monday + timedelta(days=2))
    doc["settings"]["weekly_goal"] = 5
    assert lived_in.post("/api/import", json=doc).status_code == 200
    stats = lived_in.get("/api/stats").get_json()
    assert stats["weekly_goal"] == 5
    assert stats["weekly_streak"] == 1  # last week: 3 active days, its goal was 3
