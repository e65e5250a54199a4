"""The diary's JSON API (/api/cramps, /api/cramps/<id>): own entries only, strict input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.extensions import db
from stretch_app.models import CrampEntry
from tests.helpers import PASSWORD, cramp_body, sign_up

CLIENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def body(**change: Any) -> dict[str, Any]:
    """Return a full entry, with `...` for a field left out."""
    values = {**cramp_body(triggers=["night", "dehydration"], note="left calf, woke me"), **change}
    return {k: v for k, v in values.items() if v is not ...}


def count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.execute(db.select(CrampEntry.id)).all())


def stored(app: Flask, entry_id: int) -> CrampEntry:
    with app.app_context():
        row = db.session.get(CrampEntry, entry_id)
        assert row is not None
        db.session.expunge(row)
        return row


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    if field is not None:
        assert error["field"] == field


# ---- create and read ------------------------------------------------------------------------


def test_signed_out_calls_get_401_json(client: FlaskClient) -> None:
    for method, path in [("get", "/api/cramps"), ("post", "/api/cramps"),
                         ("get", "/api/cramps/1"), ("put", "/api/cramps/1"),
                         ("delete", "/api/cramps/1")]:
        assert_error(getattr(client, method)(path, json=body()), 401, "unauthorized")


def test_post_creates_an_entry(app: Flask, user_client: FlaskClient) -> None:
    response = user_client.post("/api/cramps", json=body(id=CLIENT_ID))
    assert response.status_code == 201
    data = response.get_json()
    assert response.headers["Location"] == f"/api/cramps/{data['id']}"
    assert data == {
        "id": data["id"],
        "client_id": CLIENT_ID,
        "occurred_at": "2025-02-01T21:15:00Z",
        "time_zone": "Europe/Paris",
        "local_date": "2025-02-01",
        "location": "calf",
        "area": "legs",
        "strength": 6,
        "duration_minutes": 2,
        "woke_me": True,
        "triggers": ["dehydration", "night"],
        "red_flags": [],
        "note": "left calf, woke me",
        "see_doctor": False,
    }
    row = stored(app, data["id"])
    assert row.occurred_at == datetime(2025, 2, 1, 21, 15)
    assert user_client.get(f"/api/cramps/{data['id']}").get_json() == data
    assert user_client.get("/api/cramps").get_json() == {"cramps": [data]}


def test_minimal_body_and_red_flags(user_client: FlaskClient) -> None:
    response = user_client.post("/api/cramps", json={
        "occurred_at": "2025-02-01T10:00:00Z", "time_zone": "UTC", "location": "back",
        "strength": 3, "red_flags": ["fever"],
    })
    assert response.status_code == 201
    data = response.get_json()
    assert len(data["client_id"]) == 36 and data["duration_minutes"] is None  # given by the server
    assert data["woke_me"] is False and data["note"] == ""
    assert data["see_doctor"] is True


def test_list_filters_by_local_date(user_client: FlaskClient) -> None:
    for day in ("2025-01-10", "2025-01-20", "2025-01-30"):
        user_client.post("/api/cramps", json=body(occurred_at=f"{day}T12:00:00Z"))
    found = user_client.get("/api/cramps?from=2025-01-15&to=2025-01-30").get_json()["cramps"]
    assert [c["local_date"] for c in found] == ["2025-01-30", "2025-01-20"]
    assert_error(user_client.get("/api/cramps?from=15-01-2025"), 422, "invalid", "from")


# ---- idempotency ----------------------------------------------------------------------------


def test_same_client_id_same_content_is_200_and_one_row(app: Flask,
                                                        user_client: FlaskClient) -> None:
    first = user_client.post("/api/cramps", json=body(id=CLIENT_ID))
    assert first.status_code == 201
    again = user_client.post("/api/cramps", json=body(id=CLIENT_ID))
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    # The same instant written with another offset is the same content.
    same = user_client.post("/api/cramps", json=body(id=CLIENT_ID.upper(),
                                                     occurred_at="2025-02-01T21:15:00Z"))
    assert same.status_code == 200
    assert count(app) == 1


def test_same_client_id_other_content_is_409(app: Flask, user_client: FlaskClient) -> None:
    first = user_client.post("/api/cramps", json=body(id=CLIENT_ID)).get_json()
    assert_error(user_client.post("/api/cramps", json=body(id=CLIENT_ID, strength=7)),
                 409, "conflict", "id")
    assert count(app) == 1
    assert stored(app, first["id"]).strength == 6


def test_without_client_id_every_post_is_new(app: Flask, user_client: FlaskClient) -> None:
    assert user_client.post("/api/cramps", json=body()).status_code == 201
    assert user_client.post("/api/cramps", json=body()).status_code == 201
    assert count(app) == 2


def test_client_ids_are_per_user(app: Flask, client: FlaskClient) -> None:
    sign_up(client, "alex")
    alex = client.post("/api/cramps", json=body(id=CLIENT_ID, note="alex")).get_json()
    client.post("/logout")
    sign_up(client, "sam")
    mine = client.post("/api/cramps", json=body(id=CLIENT_ID, note="sam"))
    assert mine.status_code == 201
    assert mine.get_json()["id"] != alex["id"]
    assert count(app) == 2
    assert stored(app, alex["id"]).note == "alex"


# ---- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"strength": 0}, "strength"),
        ({"strength": 11}, "strength"),
        ({"strength": "6"}, "strength"),
        ({"strength": ...}, "strength"),
        ({"triggers": ["night", "full-moon"]}, "triggers"),
        ({"red_flags": ["headache"]}, "red_flags"),
        ({"location": "elbow"}, "location"),
        ({"duration_minutes": -1}, "duration_minutes"),
        ({"woke_me": "no"}, "woke_me"),
        ({"note": "x" * 501}, "note"),
        ({"occurred_at": "2025-02-01 22:15"}, "occurred_at"),
        ({"occurred_at": "2025-02-01T22:15:00"}, "occurred_at"),
        ({"id": "12345"}, "id"),
        ({"user_id": 1}, "user_id"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "created_at"),
        ({"streak": 3}, "streak"),
    ],
)
def test_invalid_bodies_are_422_naming_the_field(
    app: Flask, user_client: FlaskClient, change: dict[str, Any], field: str
) -> None:
    assert_error(user_client.post("/api/cramps", json=body(**change)), 422, "invalid", field)
    assert count(app) == 0


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd", "Europe/Par\x00is",
                                  "x" * 300, 42, None, ["UTC"]])
def test_bad_time_zones_are_422(app: Flask, user_client: FlaskClient, zone: Any) -> None:
    assert_error(user_client.post("/api/cramps", json=body(time_zone=zone)), 422, "invalid",
                 "time_zone")
    assert count(app) == 0


def test_a_time_more_than_five_minutes_ahead_is_422(app: Flask,
                                                    user_client: FlaskClient) -> None:
    ahead = datetime.now(UTC) + timedelta(minutes=6)
    response = user_client.post("/api/cramps", json=body(occurred_at=ahead.isoformat()))
    assert_error(response, 422, "invalid", "occurred_at")
    assert "future" in response.get_json()["error"]["message"]
    slightly = datetime.now(UTC) + timedelta(minutes=4)
    assert user_client.post("/api/cramps",
                            json=body(occurred_at=slightly.isoformat())).status_code == 201
    assert count(app) == 1


def test_unreadable_bodies(app: Flask, user_client: FlaskClient) -> None:
    assert_error(user_client.post("/api/cramps", data="{", content_type="application/json"),
                 400, "bad_json", "body")
    assert_error(user_client.post("/api/cramps", json=[body()]), 400, "bad_json", "body")
    assert_error(user_client.post("/api/cramps", data="strength=5"), 415,
                 "unsupported_media_type")
    assert count(app) == 0


def test_an_oversized_body_is_413(user_client: FlaskClient) -> None:
    response = user_client.post("/api/cramps", json=body(note="x" * 2_000_000))
    assert_error(response, 413, "too_large")


# ---- update and delete ------------------------------------------------------------------------


def test_put_replaces_an_entry(app: Flask, user_client: FlaskClient) -> None:
    created = user_client.post("/api/cramps", json=body(id=CLIENT_ID)).get_json()
    response = user_client.put(f"/api/cramps/{created['id']}", json=body(
        strength=9, triggers=["standing"], red_flags=["no-relief"], note="", woke_me=False))
    assert response.status_code == 200
    data = response.get_json()
    assert (data["strength"], data["triggers"], data["see_doctor"]) == (9, ["standing"], True)
    assert data["client_id"] == CLIENT_ID and data["id"] == created["id"]
    row = stored(app, created["id"])
    assert (row.strength, row.triggers, row.red_flags, row.note) == (9, "standing", "no-relief",
                                                                     "")


def test_a_bad_put_changes_nothing(app: Flask, user_client: FlaskClient) -> None:
    created = user_client.post("/api/cramps", json=body()).get_json()
    for bad, field in [(body(strength=11), "strength"), (body(id=CLIENT_ID), "id"),
                       (body(time_zone="Mars/Olympus"), "time_zone")]:
        assert_error(user_client.put(f"/api/cramps/{created['id']}", json=bad), 422, "invalid",
                     field)
    assert stored(app, created["id"]).strength == 6


def test_delete(app: Flask, user_client: FlaskClient) -> None:
    created = user_client.post("/api/cramps", json=body()).get_json()
    response = user_client.delete(f"/api/cramps/{created['id']}")
    assert response.status_code == 204
    assert count(app) == 0
    assert_error(user_client.get(f"/api/cramps/{created['id']}"), 404, "not_found")


def test_another_users_entry_is_404_on_every_method(app: Flask, client: FlaskClient) -> None:
    sign_up(client, "alex")
    theirs = client.post("/api/cramps", json=body(note="alex's")).get_json()
    client.post("/logout")
    sign_up(client, "sam")
    path = f"/api/cramps/{theirs['id']}"
    assert_error(client.get(path), 404, "not_found")
    assert_error(client.put(path, json=body(strength=1)), 404, "not_found")
    assert_error(client.delete(path), 404, "not_found")
    assert client.get("/api/cramps").get_json() == {"cramps": []}
    row = stored(app, theirs["id"])
    assert (row.strength, row.note) == (6, "alex's")
    for missing in ("/api/cramps/0", "/api/cramps/999999", "/api/cramps/7024754526993",
                    "/api/cramps/99999999999999999999999",
                    "/api/cramps/abc"):
        assert_error(client.get(missing), 404, "not_found")


# ---- CSRF ---------------------------------------------------------------------------------------


def test_posts_need_the_csrf_header(csrf_app: Flask) -> None:
    csrf_client = csrf_app.test_client()
    token = csrf_client.get("/api/csrf").get_json()["csrf_token"]
    csrf_client.post("/signup", data={"login": "sam", "password": PASSWORD,
                                      "time_zone": "UTC", "csrf_token": token})
    assert_error(csrf_client.post("/api/cramps", json=body()), 400, "csrf_failed")
    fresh = csrf_client.get("/api/csrf").get_json()["csrf_token"]  # signing in starts a session
    response = csrf_client.post("/api/cramps", json=body(), headers={"X-CSRFToken": fresh})
    assert response.status_code == 201
