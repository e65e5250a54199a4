"""Export and import: a round trip gives the same document; import is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from stretch_app.extensions import db
from stretch_app.models import Completion

from .helpers import completion_body as body
from .helpers import sign_up


def filled(client: FlaskClient) -> dict:
    for i in range(3):
        assert client.post("/api/completions", json=body(finished=i != 1, steps_done=1)
                           ).status_code == 201
    client.post("/history/days-off", data={"day": "2026-01-05", "kind": "rest"})
    assert client.post("/api/cramps", json={
        "occurred_at": "2026-01-04T23:30:00+01:00", "time_zone": "Europe/Paris",
        "location": "calf", "strength": 6, "duration_minutes": 3, "woke_me": True,
        "triggers": ["night", "dehydration"], "red_flags": [], "note": "left calf, ouch",
    }).status_code == 201
    client.post("/diary/new", data={"occurred_at": "2026-01-06T08:00", "location": "back",
                                    "strength": "3"})
    client.post("/settings", data={"time_zone": "Asia/Tokyo", "weekly_goal": "4",
                                   "cue_speech": "y"})
    return client.get("/api/export").get_json()


def rows(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Completion.id))).scalar_one()


def test_round_trip_into_a_fresh_instance(user_client: FlaskClient, tmp_path: Path,
                                          make_app) -> None:
    doc = filled(user_client)
    assert doc["format"] == "limber-export" and len(doc["completions"]) == 3
    assert [c["location"] for c in doc["cramps"]] == ["calf", "back"]
    assert all(len(c["id"]) == 36 for c in doc["cramps"])
    fresh = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    other = fresh.test_client()
    sign_up(other, "sam-again", time_zone="UTC")
    first = other.post("/api/import", json=doc)
    assert first.status_code == 200
    assert first.get_json()["imported"]["completions_added"] == 3
    assert other.get("/api/export").get_json() == doc
    again = other.post("/api/import", json=doc)
    assert again.get_json()["imported"]["completions_added"] == 0
    assert again.get_json()["imported"]["completions_unchanged"] == 3
    assert again.get_json()["imported"]["cramps_added"] == 0
    assert rows(fresh) == 3
    with fresh.app_context():
        db.engine.dispose()


def test_import_twice_into_the_same_account_adds_nothing(app: Flask,
                                                         user_client: FlaskClient) -> None:
    doc = filled(user_client)
    assert user_client.post("/api/import", json=doc).status_code == 200
    assert rows(app) == 3
    assert user_client.get("/api/export").get_json() == doc


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("completions"),
        lambda d: d.update(format="other"),
        lambda d: d.update(version=2),
        lambda d: d["completions"][2].update(time_zone="Mars/Olympus"),
        lambda d: d["completions"][2].update(local_date="1999-01-01"),
        lambda d: d["completions"][1].update(steps_done="x"),
        lambda d: d["days_off"].append({"day": "2026-02-30", "kind": "rest"}),
        lambda d: d["settings"].update(weekly_goal=9),
        lambda d: d.update(user_id=5),
        lambda d: d["cramps"][0].update(strength=11),
        lambda d: d["cramps"][1].pop("id"),
    ],
)
def test_malformed_document_writes_nothing(app: Flask, user_client: FlaskClient,
                                           breakage) -> None:
    doc = filled(user_client)
    for item in doc["completions"] + doc["cramps"]:
        item["id"] = item["id"][:-4] + "abcd"  # new ids: a good import would add them
    breakage(doc)
    response = user_client.post("/api/import", json=doc)
    assert response.status_code == 422
    assert rows(app) == 3


def test_truncated_and_oversized_files(app: Flask, user_client: FlaskClient) -> None:
    text = json.dumps(filled(user_client))
    response = user_client.post("/api/import", data=text[: len(text) // 2],
                                content_type="application/json")
    assert response.status_code == 422
    huge = b'{"format": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = user_client.post("/api/import", data=huge, content_type="application/json")
    assert response.status_code == 413
    assert rows(app) == 3
