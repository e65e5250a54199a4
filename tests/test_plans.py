"""Following a plan over HTTP: start, today's session, pause, leave, guests, figures, export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .helpers import ROOT, completion_body, cramp_body, sign_up

SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"
NIGHTLY = "bedtime-calf-and-hamstring-stretch"


@pytest.fixture
def library(make_app: Callable[..., Flask]) -> FlaskClient:
    """A client of the app with the real content library (its plans)."""
    return make_app(CONTENT_DIR=str(ROOT / "routines")).test_client()


def london_today() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London")).date()


def test_plans_are_listed_with_their_length_and_sessions(library: FlaskClient) -> None:
    plans = {p["slug"]: p for p in library.get("/api/plans").get_json()["plans"]}
    assert plans[SIX_WEEKS]["weeks"] == 6 and plans[SIX_WEEKS]["sessions"] == 42
    assert plans[SIX_WEEKS]["aims_at_cramps"] is True
    page = library.get("/plans").get_data(as_text=True)
    assert all(p["title"] in page for p in plans.values())
    detail = library.get(f"/api/plans/{SIX_WEEKS}").get_json()
    assert detail["cycle"] == [NIGHTLY] and detail["about"]
    assert library.get("/api/plans/nothing").status_code == 404
    assert library.get("/plans/nothing").status_code == 404


def test_a_started_plan_shows_today_on_home_and_counts_the_session(
    library: FlaskClient,
) -> None:
    sign_up(library)
    started = library.post("/api/plan", json={"plan": SIX_WEEKS})
    assert started.status_code == 201
    state = started.get_json()
    assert state["day_number"] == 1 and state["today"]["routine"] == NIGHTLY
    assert state["today"]["status"] == "today"
    home = library.get("/").get_data(as_text=True)
    assert "Day 1 of 42" in home and f"/routines/{NIGHTLY}/play" in home
    played = completion_body(routine=NIGHTLY)
    assert library.post("/api/completions", json=played).status_code == 201
    state = library.get("/api/plan").get_json()
    assert state["today"]["status"] == "done" and state["sessions_done"] == 1
    assert state["calendar"][0][0]["status"] == "done"
    # One plan at a time.
    again = library.post("/api/plan", json={"plan": "desk-back"})
    assert again.status_code == 409
    page = library.get("/plans/desk-back").get_data(as_text=True)
    assert "Leave it first" in page


def test_pausing_stops_the_prompt_and_leaving_keeps_the_history(library: FlaskClient) -> None:
    sign_up(library)
    library.post("/api/plan", json={"plan": SIX_WEEKS})
    assert library.post("/api/plan/pause").get_json()["status"] == "paused"
    home = library.get("/").get_data(as_text=True)
    assert "Paused" in home and f"/routines/{NIGHTLY}/play" not in home
    assert library.post("/api/plan/resume").get_json()["status"] == "active"
    library.post("/api/completions", json=completion_body(routine=NIGHTLY))
    assert library.delete("/api/plan").status_code == 204
    assert library.get("/api/plan").get_json() == {"plan": None}
    assert library.delete("/api/plan").status_code == 404
    assert library.get("/api/stats").get_json()["total_finished"] == 1


def test_a_guest_follows_a_plan_and_it_moves_to_the_new_account(library: FlaskClient) -> None:
    page = library.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Start this plan" in page
    assert library.post(f"/plans/{SIX_WEEKS}/start",
                        data={"time_zone": "Europe/London"}).status_code == 302
    home = library.get("/").get_data(as_text=True)
    assert "Day 1 of 42" in home
    assert "kept in this browser" in library.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    sign_up(library, "late-joiner")
    state = library.get("/api/plan").get_json()
    assert state["plan"]["slug"] == SIX_WEEKS and state["start"] == london_today().isoformat()


def test_did_it_help_compares_the_diary_before_and_during(library: FlaskClient) -> None:
    sign_up(library)
    today = london_today()
    # Three weeks of diary before the plan: 3 cramps of strength 6.
    for days_ago in (20, 13, 6):
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        body = cramp_body(occurred_at=moment.isoformat(), time_zone="Europe/London", strength=6)
        assert library.post("/api/cramps", json=body).status_code == 201
    library.post("/api/plan", json={"plan": SIX_WEEKS})
    yesterday = (today - timedelta(days=1)).isoformat()
    assert library.post("/api/quiet-nights", json={"night": yesterday}).status_code == 201
    assert library.post("/api/quiet-nights", json={"night": yesterday}).status_code == 200
    future = library.post("/api/quiet-nights", json={"night": today.isoformat()})
    assert future.status_code == 422 and future.get_json()["error"]["field"] == "night"
    figures = library.get("/api/plan").get_json()["outcome"]
    assert figures["before"]["entries"] == 3 and figures["before"]["average_strength"] == 6.0
    assert figures["before"]["enough"] is True
    assert "not proof" in figures["note"]
    page = library.get(f"/plans/{SIX_WEEKS}").get_data(as_text=True)
    assert "Did it help?" in page and "No cramps last night" in page


def test_export_and_import_carry_the_plan_and_quiet_nights(library: FlaskClient) -> None:
    sign_up(library, "mover")
    library.post("/api/plan", json={"plan": SIX_WEEKS})
    night = (london_today() - timedelta(days=2)).isoformat()
    library.post("/api/quiet-nights", json={"night": night})
    exported = library.get("/api/export").get_json()
    assert exported["plans"][0]["plan"] == SIX_WEEKS and exported["quiet_nights"] == [night]
    library.post("/logout")
    sign_up(library, "new-home")
    for expected in (1, 0):
        result = library.post("/api/import", data=json.dumps(exported),
                              content_type="application/json").get_json()["imported"]
        assert result["plans_added"] == expected and result["quiet_nights_added"] == expected
    assert library.get("/api/plan").get_json()["plan"]["slug"] == SIX_WEEKS
    broken: dict[str, Any] = {**exported, "plans": [{**exported["plans"][0], "plan": "nope",
                                                     "id": "0f8fad5b-d9cb-469f-a165-70867728950e"}]}
    refused = library.post("/api/import", data=json.dumps(broken), content_type="application/json")
    assert refused.status_code == 422 and "plans[0].plan" in json.dumps(refused.get_json())


def test_bad_plan_requests_get_clear_errors(library: FlaskClient) -> None:
    assert library.post("/api/plan", json={"plan": SIX_WEEKS}).status_code == 401
    sign_up(library)
    bad = library.post("/api/plan", json={"plan": "nope"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "plan"
    assert library.post("/api/plan", json={"plans": SIX_WEEKS}).status_code == 422
    assert library.post("/api/plan/pause").status_code == 404
    assert library.post("/plan/dance").status_code == 404


def test_an_import_with_a_bad_plan_adds_none_of_its_routines_or_nights(
    library: FlaskClient,
) -> None:
    sign_up(library)
    doc = library.get("/api/export").get_json()
    doc["routines"] = [{"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "title": "Good one",
                        "steps": [{"pose": "cat-cow"}]}]
    doc["quiet_nights"] = ["2026-01-01"]
    doc["plans"] = [{"id": "1f8fad5b-d9cb-469f-a165-70867728950e", "plan": "nope",
                     "start": "2026-01-01", "status": "active"}]
    refused = library.post("/api/import", data=json.dumps(doc), content_type="application/json")
    assert refused.status_code == 422
    assert library.get("/api/my-routines").get_json()["routines"] == []
    assert library.get("/api/export").get_json()["quiet_nights"] == []
