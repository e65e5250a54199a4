"""Export and import: a round trip gives the same document; import is idempotent."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from stretch_app.extensions import db
from stretch_app.models import Completion

from .helpers import PASSWORD, sign_up, snapshot
from .helpers import completion_body as body


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


def signed_in(app: Flask, login: str) -> FlaskClient:
    # Not `with app.test_client()`: a context kept open would carry its user into the other.
    client = app.test_client()
    sign_up(client, login)
    return client


def upload(client: FlaskClient, content: bytes, name: str = "limber-export.json"):
    return client.post("/settings/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def confirm_form(html: str) -> dict[str, str]:
    """Return the hidden fields the preview's Import button posts back."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return {k: unescape(v) for k, v in fields.items()}


def test_settings_import_previews_then_adds_a_json_export(app: Flask) -> None:
    doc = filled(signed_in(app, "sam"))
    kim = signed_in(app, "kim")
    assert 'action="/settings/import"' in kim.get("/settings").get_data(as_text=True)
    before = snapshot(app)
    response = upload(kim, json.dumps(doc).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 sessions, 1 day off and 2 diary entries will be added." in html
    assert "time zone Asia/Tokyo, a weekly goal of 4 active days" in html
    assert snapshot(app) == before  # a preview changes nothing

    response = kim.post("/settings/import/confirm", data=confirm_form(html),
                        content_type="multipart/form-data", follow_redirects=True)
    assert "Imported limber-export.json: 3 sessions, 1 day off and 2 diary entries added." \
        in response.get_data(as_text=True)
    mine = kim.get("/api/export").get_json()
    assert mine["completions"] == doc["completions"] and mine["cramps"] == doc["cramps"]
    assert kim.get("/api/stats").get_json()["total_finished"] == 2

    html = upload(kim, json.dumps(doc).encode()).get_data(as_text=True)
    assert "Nothing new will be added; 5 are already here." in html


def test_settings_import_takes_the_sessions_csv(app: Flask) -> None:
    sam = signed_in(app, "sam")
    filled(sam)
    text = sam.get("/history/completions.csv").get_data()
    kim = signed_in(app, "kim")
    html = upload(kim, text, "limber-sessions.csv").get_data(as_text=True)
    assert "3 sessions, 0 days off and 0 diary entries will be added." in html
    assert "Your settings will become" not in html  # a CSV carries none
    response = kim.post("/settings/import/confirm", data=confirm_form(html),
                        content_type="multipart/form-data")
    assert response.status_code == 303
    assert rows(app) == 6
    assert kim.get("/api/export").get_json()["settings"]["time_zone"] == "Europe/London"


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00garbage", "The file is not a text file (UTF-8)."),
    (b'{"format": "limber-export", "version": 1, "settings": {', "is not valid JSON"),
    (b'{"format": "other"}', "Format: Input should be"),
    (b"name,age\nsam,3\n", "is neither a Limber export (JSON) nor a Limber sessions CSV"),
    (b"", "Choose a file to import."),
])
def test_settings_import_refuses_a_bad_file_and_writes_nothing(
        app: Flask, user_client: FlaskClient, content: bytes, message: str) -> None:
    before = snapshot(app)
    response = upload(user_client, content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was added or changed." in html
    assert snapshot(app) == before


def test_a_bad_csv_row_is_named_by_its_line(app: Flask) -> None:
    sam = signed_in(app, "sam")
    filled(sam)
    lines = sam.get("/history/completions.csv").get_data(as_text=True).splitlines()
    kim = signed_in(app, "kim")
    before = snapshot(app)
    broken = lines[:2] + [lines[2].replace(",true", ",yes").replace(",false", ",yes")] + lines[3:]
    html = upload(kim, "\n".join(broken).encode(), "s.csv").get_data(as_text=True)
    assert "Line 3: finished must be true or false." in html
    cells = lines[3].split(",")
    for i in (3, 4, 5):  # local_date, started_at, ended_at
        cells[i] = "2999" + cells[i][4:]
    future = lines[:3] + [",".join(cells)]
    html = upload(kim, "\n".join(future).encode(), "s.csv").get_data(as_text=True)
    assert "Line 4: started_at is in the future." in html
    assert snapshot(app) == before


def test_settings_import_needs_the_page_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/signup", data={"login": "sam", "password": PASSWORD,
                                 "time_zone": "Europe/London", "csrf_token": token})
    before = snapshot(csrf_app)
    response = upload(client, b'{"format": "limber-export"}')
    assert response.status_code == 400
    assert snapshot(csrf_app) == before
