"""POST/GET /api/completions and GET /api/stats, as the HTTP contract says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from stretch_app.extensions import db
from stretch_app.models import Completion

from .helpers import completion_body as body
from .helpers import sign_up


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Completion.id))).scalar_one()


def test_signed_out_gets_401(client: FlaskClient) -> None:
    response = client.post("/api/completions", json=body())
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_new_then_same_then_conflict(app: Flask, user_client: FlaskClient) -> None:
    data = body()
    first = user_client.post("/api/completions", json=data)
    assert first.status_code == 201
    stored = first.get_json()
    assert stored["id"] == data["id"] and stored["routine_title"] == "Quick calf reset"
    again = user_client.post("/api/completions", json=data)
    assert again.status_code == 200
    assert again.get_json() == stored
    other = user_client.post("/api/completions", json={**data, "seconds_done": 20})
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "conflict"
    assert count(app) == 1


def test_same_instant_with_another_offset_is_the_same_content(user_client: FlaskClient) -> None:
    data = body()
    assert user_client.post("/api/completions", json=data).status_code == 201
    start = datetime.fromisoformat(data["started_at"]).astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    same = {**data, "started_at": start.isoformat()}
    assert user_client.post("/api/completions", json=same).status_code == 200


def test_local_date_is_fixed_from_the_sessions_zone(user_client: FlaskClient) -> None:
    start = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Tokyo
    data = body(started_at=start.isoformat(), ended_at=(start + timedelta(minutes=1)).isoformat(),
                time_zone="Asia/Tokyo", seconds_done=60)
    assert user_client.post("/api/completions", json=data).get_json()["local_date"] == "2026-03-02"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": ""}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"time_zone": "Europe/London\x00"}, "time_zone"),
        ({"time_zone": "A" * 300}, "time_zone"),
        ({"time_zone": 5}, "time_zone"),
        ({"time_zone": None}, "time_zone"),
        ({"id": "not-a-uuid"}, "id"),
        ({"id": 12}, "id"),
        ({"routine": "no-such-routine"}, "routine"),
        ({"steps_done": "2"}, "steps_done"),
        ({"steps_done": -1}, "steps_done"),
        ({"steps_total": 0}, "steps_total"),
        ({"seconds_done": 1.5}, "seconds_done"),
        ({"finished": "yes"}, "finished"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-11-24T10:00:00"}, "started_at"),  # no offset
        ({"started_at": 1764000000}, "started_at"),
        ({"user_id": 2}, "user_id"),
        ({"created_at": "2026-01-01T00:00:00+00:00"}, "created_at"),
        ({"streak": 100}, "streak"),
    ],
)
def test_invalid_payloads_are_422_naming_the_field(app: Flask, user_client: FlaskClient,
                                                   changes: dict[str, Any], field: str) -> None:
    response = user_client.post("/api/completions", json=body(**changes))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == field and error["code"] == "invalid"
    assert count(app) == 0


def test_missing_field_is_422(user_client: FlaskClient) -> None:
    data = body()
    del data["finished"]
    response = user_client.post("/api/completions", json=data)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "finished"


def test_time_rules(app: Flask, user_client: FlaskClient) -> None:
    now = datetime.now(UTC)
    future = now + timedelta(minutes=6)
    response = user_client.post("/api/completions", json=body(
        started_at=future.isoformat(), ended_at=(future + timedelta(minutes=1)).isoformat()))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "started_at"
    soon = now + timedelta(minutes=4)  # clock skew within five minutes is fine
    response = user_client.post("/api/completions", json=body(
        started_at=soon.isoformat(), ended_at=(soon + timedelta(minutes=1)).isoformat()))
    assert response.status_code == 201
    earlier = now - timedelta(hours=1)
    response = user_client.post("/api/completions", json=body(
        started_at=now.isoformat(), ended_at=earlier.isoformat()))
    assert response.status_code == 422
    assert "ended_at must not be before started_at" in response.get_json()["error"]["message"]
    assert count(app) == 1


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"text"', b"{", b"null"])
def test_unreadable_bodies_are_400(user_client: FlaskClient, raw: bytes) -> None:
    response = user_client.post("/api/completions", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_json"


def test_a_form_encoded_body_is_415_as_on_every_json_endpoint(user_client: FlaskClient) -> None:
    response = user_client.post("/api/completions", data={"id": "x"})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    cramp = user_client.post("/api/cramps", data={"location": "calf"})
    assert cramp.status_code == 415


def test_body_over_the_limit_is_413(user_client: FlaskClient) -> None:
    response = user_client.post("/api/completions", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_ids_are_per_user(app: Flask, client: FlaskClient) -> None:
    data = body()
    sign_up(client, "ann")
    assert client.post("/api/completions", json=data).status_code == 201
    client.post("/logout", data={})
    sign_up(client, "bob")
    response = client.post("/api/completions", json={**data, "seconds_done": 5})
    assert response.status_code == 201  # B gets a row of its own and learns nothing of A's
    assert response.get_json()["seconds_done"] == 5
    assert len(client.get("/api/completions").get_json()["completions"]) == 1
    assert count(app) == 2


def test_list_own_completions_with_date_range(user_client: FlaskClient) -> None:
    for day in (1, 2, 3):
        start = datetime(2026, 5, day, 12, tzinfo=UTC)
        user_client.post("/api/completions", json=body(
            started_at=start.isoformat(), ended_at=(start + timedelta(minutes=1)).isoformat(),
            seconds_done=60))
    got = user_client.get("/api/completions?from=2026-05-02&to=2026-05-03").get_json()
    assert [c["local_date"] for c in got["completions"]] == ["2026-05-02", "2026-05-03"]
    assert len(user_client.get("/api/completions").get_json()["completions"]) == 3
    for bad in ("from=yesterday", "to=2026-13-01", "from=2026-05-03&to=2026-05-01"):
        response = user_client.get(f"/api/completions?{bad}")
        assert response.status_code == 400 and "error" in response.get_json()


def test_stats(user_client: FlaskClient) -> None:
    empty = user_client.get("/api/stats").get_json()
    assert empty == {
        "current_streak": 0, "longest_streak": 0, "weekly_goal": 3, "this_week_active_days": 0,
        "weekly_streak": 0, "total_finished": 0, "total_minutes": 0, "today_active": False,
        "minutes_by_area": {"legs": 0, "abdomen": 0, "back": 0},
    }
    now = datetime.now(UTC)
    for days_ago in (0, 1, 2):
        start = now - timedelta(days=days_ago, minutes=5)
        user_client.post("/api/completions", json=body(
            started_at=start.isoformat(), ended_at=(start + timedelta(minutes=3)).isoformat(),
            seconds_done=180))
    partial = now - timedelta(days=5)
    user_client.post("/api/completions", json=body(
        started_at=partial.isoformat(), ended_at=(partial + timedelta(minutes=1)).isoformat(),
        seconds_done=60, finished=False, steps_done=1))
    stats = user_client.get("/api/stats").get_json()
    assert stats["current_streak"] == 3 and stats["longest_streak"] == 3
    assert stats["today_active"] is True
    assert stats["total_finished"] == 3  # the partial session does not count
    assert stats["total_minutes"] == 10  # but its minutes do
    assert stats["minutes_by_area"] == {"legs": 10, "abdomen": 0, "back": 0}


def test_stats_needs_sign_in(client: FlaskClient) -> None:
    assert client.get("/api/stats").status_code == 401
    assert client.get("/api/completions").status_code == 401
