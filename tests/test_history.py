"""/history, days off, the sessions CSV, and the home page's streak."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from .helpers import completion_body as body


def post_day(client: FlaskClient, day: date, finished: bool = True, title_check: bool = False):
    midnight = datetime.combine(day, datetime.min.time(), ZoneInfo("Europe/London"))
    # 09:00 that day, or earlier today if 09:00 has not come yet (the API refuses future starts).
    now = datetime.now(UTC) - timedelta(minutes=3)
    start = max(midnight, min(midnight.replace(hour=9), now))
    return client.post("/api/completions", json=body(
        started_at=start.isoformat(), ended_at=(start + timedelta(minutes=2)).isoformat(),
        seconds_done=120, finished=finished, steps_done=2 if finished else 1))


def london_today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()


def test_history_shows_streaks_calendar_and_sessions(user_client: FlaskClient) -> None:
    today = london_today()
    for back in (0, 1, 2):
        assert post_day(user_client, today - timedelta(days=back)).status_code == 201
    assert post_day(user_client, today - timedelta(days=9), finished=False).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    assert ('<span class="stat-value" data-stat="current_streak">3</span><span class="stat-label">'
            'day streak<span data-stat-when="today_active"> · today done') in html
    assert html.count('class="cell cell-active"') == 3
    assert html.count('class="cell cell-partial"') == 1
    assert f"{today.strftime('%a %-d %b %Y')}: stretched" in html  # the text equivalent
    assert "Partial · 1/2 steps" in html
    assert "Legs: 8&nbsp;min" in html


def test_day_off_keeps_the_streak(user_client: FlaskClient) -> None:
    today = london_today()
    post_day(user_client, today)
    post_day(user_client, today - timedelta(days=2))
    assert user_client.get("/api/stats").get_json()["current_streak"] == 1
    gap = today - timedelta(days=1)
    response = user_client.post("/history/days-off", data={"day": gap.isoformat(),
                                                           "kind": "sick"})
    assert response.status_code == 303
    assert user_client.get("/api/stats").get_json()["current_streak"] == 2
    html = user_client.get("/history").get_data(as_text=True)
    assert "Sick day" in html and 'class="cell cell-off"' in html
    response = user_client.post(f"/history/days-off/{gap.isoformat()}/delete", data={})
    assert response.status_code == 303
    assert user_client.get("/api/stats").get_json()["current_streak"] == 1


def test_bad_day_off_input_writes_nothing(user_client: FlaskClient) -> None:
    for data in ({"day": "not-a-date", "kind": "rest"}, {"day": "2026-01-01", "kind": "party"},
                 {"day": "", "kind": "rest"}, {"day": "2999-01-01", "kind": "rest"}):
        response = user_client.post("/history/days-off", data=data, follow_redirects=True)
        assert "Could not mark that day" in response.get_data(as_text=True)
    assert 'class="cell cell-off"' not in user_client.get("/history").get_data(as_text=True)
    assert user_client.post("/history/days-off/2026-01-01/delete", data={}).status_code == 404
    assert user_client.post("/history/days-off/garbage/delete", data={}).status_code == 404


def test_sessions_csv(user_client: FlaskClient) -> None:
    post_day(user_client, london_today())
    post_day(user_client, london_today() - timedelta(days=1), finished=False)
    response = user_client.get("/history/completions.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ("id,routine,routine_title,local_date,started_at,ended_at,"
                                    "time_zone,steps_done,steps_total,seconds_done,finished")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["routine"] for row in rows] == ["calf-reset", "calf-reset"]
    # Spelt as JSON and most tools spell booleans, not as Python prints them.
    assert sorted(row["finished"] for row in rows) == ["false", "true"]


def test_home_shows_streak_for_signed_in(app: Flask, user_client: FlaskClient) -> None:
    html = user_client.get("/").get_data(as_text=True)
    assert '0</span>-day streak' in html and "Start a new streak today.</span>" in html
    post_day(user_client, london_today())
    html = user_client.get("/").get_data(as_text=True)
    assert '1</span>-day streak' in html and "Today is done. Well stretched!</span>" in html


def test_a_session_shows_the_same_time_stretching_as_the_done_screen(
        user_client: FlaskClient) -> None:
    start = datetime.now(UTC) - timedelta(minutes=10)
    for held in (95, 120):
        # Three minutes on the clock, of which `held` seconds were holds: the figure is the holds.
        assert user_client.post("/api/completions", json=body(
            started_at=start.isoformat(), ended_at=(start + timedelta(minutes=3)).isoformat(),
            seconds_done=held)).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    assert "1\u00a0min 35\u00a0s stretching" in html and "2\u00a0min stretching" in html
    assert "3\u00a0min stretching" not in html
    assert "counts the holds, not getting ready or moving between poses" in html
    player = user_client.get("/routines/calf-reset/play").get_data(as_text=True)
    assert "<dt>Time stretching</dt>" in player


def test_minutes_by_area_add_up_to_the_total_shown(user_client: FlaskClient) -> None:
    start = datetime.now(UTC) - timedelta(minutes=30)
    # back-unwind covers back and abdomen: its 5 min count once, under back (listed first).
    for routine, held in (("back-unwind", 300), ("calf-reset", 95), ("calf-reset", 95)):
        assert user_client.post("/api/completions", json=body(
            routine=routine, started_at=start.isoformat(),
            ended_at=(start + timedelta(minutes=6)).isoformat(),
            seconds_done=held)).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    shown = re.findall(r'class="pill pill-(\w+)">\w+: (\d+)&nbsp;min</li>', html)
    parts = {area: int(minutes) for area, minutes in shown}
    total = int(re.search(r"(\d+)&nbsp;min in all\. Each session counts once", html).group(1))
    assert parts == {"legs": 3, "abdomen": 0, "back": 5}
    assert sum(parts.values()) == total == 8  # 490 s, not 5 + 5 + 3 counting back-unwind twice
    assert user_client.get("/api/stats").get_json()["minutes_by_area"] == parts


def test_a_long_history_says_the_list_shows_only_the_latest(user_client: FlaskClient) -> None:
    today = london_today()
    for back in range(30):
        assert post_day(user_client, today - timedelta(days=back)).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    assert html.count('<span class="session-title">') == 30
    assert "Your latest 30 sessions" not in html  # all of them are on the page
    assert post_day(user_client, today - timedelta(days=40)).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    assert html.count('<span class="session-title">') == 30
    assert "Your latest 30 sessions: the CSV below has all of them." in html
    csv_rows = user_client.get("/history/completions.csv").get_data(as_text=True).splitlines()
    assert len(csv_rows) == 1 + 31


def test_the_week_chart_writes_each_weeks_minutes_over_its_bar(
        user_client: FlaskClient) -> None:
    today = london_today()
    for back in (0, 1):
        assert post_day(user_client, today - timedelta(days=back)).status_code == 201
    html = user_client.get("/history").get_data(as_text=True)
    values = re.findall(r'<text [^>]*class="bar-value"[^>]*>(\d+)</text>', html)
    # Two 2-minute sessions: 4 minutes this week, or 2 and 2 when they straddle a Monday.
    assert values in (["4"], ["2", "2"]), values
