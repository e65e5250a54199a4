"""GET /api/routines and /api/routines/<slug>, exactly as the HTTP contract says."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

SUMMARY_KEYS = {"slug", "title", "summary", "areas", "situations", "level", "total_seconds",
                "step_count"}
STEP_KEYS = {"pose", "name", "side", "seconds", "instructions", "cue", "image", "image_alt"}


def test_list_shape(client: FlaskClient) -> None:
    response = client.get("/api/routines")
    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    routines = response.get_json()["routines"]
    assert [r["slug"] for r in routines] == ["calf-reset", "back-unwind"]
    for r in routines:
        assert SUMMARY_KEYS <= set(r)
    calf = routines[0]
    assert calf["total_seconds"] == 70 and calf["step_count"] == 2 and calf["areas"] == ["legs"]


def test_area_filter_returns_only_matching(client: FlaskClient) -> None:
    legs = client.get("/api/routines?area=legs").get_json()["routines"]
    assert legs and all("legs" in r["areas"] for r in legs)
    back = client.get("/api/routines?area=back").get_json()["routines"]
    assert [r["slug"] for r in back] == ["back-unwind"]


def test_detail_has_expanded_steps(client: FlaskClient) -> None:
    data = client.get("/api/routines/calf-reset").get_json()
    assert data["prep_seconds"] == 5 and data["transition_seconds"] == 5
    assert data["total_seconds"] == 70
    assert [(s["pose"], s["side"], s["seconds"]) for s in data["steps"]] == [
        ("standing-calf-stretch", "left", 30),
        ("standing-calf-stretch", "right", 30),
    ]
    for step in data["steps"]:
        assert STEP_KEYS <= set(step)
        assert step["image"].startswith("/static/") and step["image"].endswith(".svg")
    image = client.get(data["steps"][0]["image"])
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    image.close()


@pytest.mark.parametrize(
    "query",
    ["area=neck", "area=LEGS", "situation=space", "max_minutes=abc", "max_minutes=0",
     "max_minutes=-1", "max_minutes=1.5", "max_minutes=%00"],
)
def test_bad_filters_are_400_json(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/routines?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_filter" and error["message"]


def test_unknown_slug_is_404_json(client: FlaskClient) -> None:
    response = client.get("/api/routines/no-such-routine")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_errors_are_never_html(client: FlaskClient) -> None:
    for method, path in (("GET", "/api/nothing-here"), ("POST", "/api/routines"),
                         ("DELETE", "/api/routines/calf-reset")):
        response = client.open(path, method=method)
        assert response.status_code in (404, 405)
        assert response.is_json
        assert "error" in response.get_json()
