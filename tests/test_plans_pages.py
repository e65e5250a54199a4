"""The plan pages over HTTP: a finished plan's summary and a second round."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from stretch_app.extensions import db
from stretch_app.plans.models import PlanEnrolment
from stretch_app.plans.views import GUEST_KEY

from .helpers import ROOT, completion_body, sign_up

SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"
NIGHTLY = "bedtime-calf-and-hamstring-stretch"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def library_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with the real content library (its plans)."""
    return make_app(CONTENT_DIR=str(ROOT / "routines"))


def london_today() -> date:
    return datetime.now(LONDON).date()


def played_on(day: date, routine: str = NIGHTLY) -> dict[str, object]:
    """Return a finished session of `routine` at 21:00 London time on `day`."""
    start = datetime.combine(day, time(21), LONDON).astimezone(UTC)
    return completion_body(routine=routine, started_at=start.isoformat(),
                           ended_at=(start + timedelta(seconds=70)).isoformat())


def move_start(app: Flask, days_back: int) -> date:
    """Move the only enrolment's first day back by `days_back` days; return the new start."""
    with app.app_context():
        row = db.session.execute(db.select(PlanEnrolment)).scalar_one()
        row.start = row.start - timedelta(days=days_back)
        start = row.start
        db.session.commit()
    return start


def cells(page: str, status: str) -> int:
    return len(re.findall(rf'class="plan-day day-{status}[ "]', page))


def test_a_finished_plan_shows_its_summary_and_can_start_again(library_app: Flask) -> None:
    client = library_app.test_client()
    sign_up(client)
    assert client.post("/api/plan", json={"plan": SIX_WEEKS}).status_code == 201
    start = move_start(library_app, 43)  # the 42-day plan ended yesterday
    for number in (1, 2, 5, 42):
        body = played_on(start + timedelta(days=number - 1))
        assert client.post("/api/completions", json=body).status_code == 201
    # A different routine on a plan day does not count for that day.
    client.post("/api/completions", json=played_on(start + timedelta(days=9), "calf-reset"))

    page = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Plan finished" in page and "You did 4 of the 42 sessions." in page
    end = start + timedelta(days=41)
    assert f"to {end:%a} {end.day} {end:%b %Y}" in page
    assert cells(page, "done") == 4 and cells(page, "missed") == 38
    assert cells(page, "today") == 0 and cells(page, "ahead") == 0
    assert "Start again" in page and "Pause" not in page and "Leave the plan" not in page
    assert "Did it help?" in page
    # A quiet night logged from a finished plan's page comes back to that page.
    night = client.post("/plan/quiet-night", data={"plan": SIX_WEEKS})
    assert night.headers["Location"].endswith(f"/plans/{SIX_WEEKS}")

    # Finished is not followed: no home prompt, no API plan, other plans can start.
    assert "Day 43" not in client.get("/").get_data(as_text=True)
    assert "plan-home" not in client.get("/").get_data(as_text=True)
    assert client.get("/api/plan").get_json() == {"plan": None}
    assert "You are following" not in client.get("/plans").get_data(as_text=True)
    assert "Start this plan" in client.get("/plans/desk-back").get_data(as_text=True)
    # The summary stays on the plan's page on later visits.
    again = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "You did 4 of the 42 sessions." in again

    restarted = client.post(f"/plans/{SIX_WEEKS}/start")
    assert restarted.status_code == 302
    page = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Day 1 of 42" in page and "Plan finished" not in page
    assert client.get("/api/plan").get_json()["start"] == london_today().isoformat()


def test_a_finished_plan_with_every_session_done_says_so(library_app: Flask) -> None:
    client = library_app.test_client()
    sign_up(client)
    client.post("/api/plan", json={"plan": "period-week"})
    start = move_start(library_app, 7)
    routines = client.get("/api/plans/period-week").get_json()["cycle"]
    for offset, routine in enumerate(routines):
        body = played_on(start + timedelta(days=offset), routine)
        assert client.post("/api/completions", json=body).status_code == 201
    page = client.get("/plans/period-week").get_data(as_text=True)
    assert "You did all 7 sessions." in page and cells(page, "done") == 7


def test_a_guests_finished_plan_keeps_its_summary_and_cannot_be_paused(
    library_app: Flask,
) -> None:
    client = library_app.test_client()
    client.post(f"/plans/{SIX_WEEKS}/start", data={"time_zone": "Europe/London"})
    with client.session_transaction() as session:
        kept = dict(session[GUEST_KEY])
        kept["start"] = (london_today() - timedelta(days=42)).isoformat()
        session[GUEST_KEY] = kept
    for _ in range(2):
        page = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
        assert "Plan finished" in page and "Start again" in page
    assert "plan-home" not in client.get("/").get_data(as_text=True)
    assert client.post("/plan/pause").status_code == 404
    client.post(f"/plans/{SIX_WEEKS}/start", data={"time_zone": "Europe/London"})
    assert "Day 1 of 42" in client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)


def test_the_days_spent_paused_show_as_paused_up_to_today(library_app: Flask) -> None:
    client = library_app.test_client()
    sign_up(client)
    client.post("/api/plan", json={"plan": SIX_WEEKS})
    start = move_start(library_app, 4)  # today is day 5
    client.post("/api/plan/pause")
    with library_app.app_context():
        row = db.session.execute(db.select(PlanEnrolment)).scalar_one()
        row.paused_on = start + timedelta(days=2)
        db.session.commit()
    today = london_today().isoformat()

    page = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Day 3 of 42" in page  # frozen where it was paused
    assert cells(page, "missed") == 2 and cells(page, "paused") == 3
    assert cells(page, "today") == 0 and ">Paused</li>" not in page
    assert re.search(rf'aria-current="date" data-date="{today}"', page)

    client.post("/api/plan/resume")
    page = client.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Day 5 of 42" in page
    assert cells(page, "missed") == 2 and cells(page, "paused") == 2
    assert re.search(rf'class="plan-day day-today is-today" aria-current="date" '
                     rf'data-date="{today}"', page)
