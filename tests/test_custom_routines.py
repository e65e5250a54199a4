"""Custom routines over HTTP: saving, playing and counting them, share links, copies, export."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from .helpers import PASSWORD, ROOT, completion_body, sign_up, snapshot

BODY: dict[str, Any] = {
    "title": "My physio's list",
    "note": "Every evening, slowly.",
    "level": "gentle",
    "prep_seconds": 10,
    "transition_seconds": 5,
    "steps": [
        {"pose": "standing-calf-stretch", "seconds": 40},
        {"pose": "cat-cow"},
        {"pose": "belly-breathing", "seconds": 60, "note": "Long breaths out."},
    ],
}
# 10 prep + 40 left + 40 right + 30 (cat-cow's own hold) + 60, and 3 moves of 5 s.
BODY_SECONDS = 10 + 40 + 40 + 30 + 60 + 3 * 5


def sign_in(client: FlaskClient, login: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


def create(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/my-routines", json={**BODY, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_saved_routine_has_the_shape_of_a_built_in_one_and_one_length(
    user_client: FlaskClient,
) -> None:
    made = create(user_client)
    assert made["slug"] == f"my-{made['id']}"
    assert made["total_seconds"] == BODY_SECONDS
    # Per-side poses expand into left and right, as for built-in routines.
    assert [(s["pose"], s["side"]) for s in made["steps"]] == [
        ("standing-calf-stretch", "left"), ("standing-calf-stretch", "right"),
        ("cat-cow", None), ("belly-breathing", None)]
    assert made["steps"][-1]["note"] == "Long breaths out."
    assert made["steps"][0]["cautions"]  # the player shows each pose's cautions
    same = user_client.get(f"/api/routines/{made['slug']}").get_json()
    assert same["total_seconds"] == BODY_SECONDS and same["title"] == "My physio's list"
    page = user_client.get(f"/routines/{made['slug']}").get_data(as_text=True)
    assert "My physio&#39;s list" in page and "3\xa0min 15\xa0s" in page
    assert user_client.get(f"/routines/{made['slug']}/play").status_code == 200


def test_a_completion_of_a_custom_routine_counts_and_keeps_its_title(
    user_client: FlaskClient,
) -> None:
    made = create(user_client)
    posted = user_client.post("/api/completions", json=completion_body(routine=made["slug"]))
    assert posted.status_code == 201, posted.get_json()
    assert user_client.get("/api/stats").get_json()["current_streak"] == 1
    assert user_client.delete(f"/api/my-routines/{made['id']}").status_code == 204
    history = user_client.get("/history").get_data(as_text=True)
    assert "My physio&#39;s list" in history  # the title snapshot outlives the routine
    again = user_client.post("/api/completions", json=completion_body(routine=made["slug"]))
    assert again.status_code == 422


def test_editing_replaces_the_steps_and_the_length_follows(user_client: FlaskClient) -> None:
    made = create(user_client)
    body = {**BODY, "title": "Shorter", "steps": [{"pose": "cat-cow", "seconds": 30}]}
    changed = user_client.put(f"/api/my-routines/{made['id']}", json=body).get_json()
    assert changed["title"] == "Shorter" and changed["total_seconds"] == 10 + 30
    assert changed["written_steps"] == [{"pose": "cat-cow", "seconds": 30, "note": None}]
    listed = user_client.get("/api/my-routines").get_json()["routines"]
    assert [r["title"] for r in listed] == ["Shorter"]


def test_a_bad_routine_is_refused_with_its_field_and_writes_nothing(
    app: Flask, user_client: FlaskClient,
) -> None:
    before = snapshot(app)
    cases = [
        ({"title": "ab"}, "title"),
        ({"steps": []}, "steps"),
        ({"steps": [{"pose": "cat-cow", "seconds": 4}]}, "steps.0.seconds"),
        ({"steps": [{"pose": "cat-cow", "seconds": 601}]}, "steps.0.seconds"),
        ({"steps": [{"pose": "cat-cow"}] * 41}, "steps"),
        ({"steps": [{"pose": "no-such-pose"}]}, "steps[0].pose"),
        ({"steps": [{"pose": "cat-cow", "seconds": 600}] * 5}, "steps"),  # over 45 minutes
        ({"level": "hard"}, "level"),
        ({"title": "Bad\u202etitle"}, "title"),
    ]
    for change, field in cases:
        response = user_client.post("/api/my-routines", json={**BODY, **change})
        assert response.status_code == 422, change
        assert response.get_json()["error"]["field"] == field, change
    assert snapshot(app) == before
    made = create(user_client)
    bad = user_client.put(f"/api/my-routines/{made['id']}", json={**BODY, "steps": []})
    assert bad.status_code == 422
    assert user_client.get(f"/api/my-routines/{made['id']}").get_json()["title"] == BODY["title"]


def test_another_persons_routine_is_missing_everywhere(client: FlaskClient) -> None:
    sign_up(client, "owner")
    made = create(client)
    client.post("/logout")
    sign_up(client, "other")
    rid, slug = made["id"], made["slug"]
    for method, url in [("get", f"/api/my-routines/{rid}"), ("put", f"/api/my-routines/{rid}"),
                        ("delete", f"/api/my-routines/{rid}"),
                        ("post", f"/api/my-routines/{rid}/share"),
                        ("get", f"/api/routines/{slug}"), ("get", f"/routines/{slug}"),
                        ("get", f"/routines/{slug}/play"), ("get", f"/my-routines/{rid}/edit")]:
        response = getattr(client, method)(url, json=BODY if method == "put" else None)
        assert response.status_code == 404, url
    assert client.post("/api/completions", json=completion_body(routine=slug)).status_code == 422
    assert client.get("/api/my-routines").get_json() == {"routines": []}


def test_a_share_link_opens_for_anyone_until_it_is_revoked(client: FlaskClient) -> None:
    sign_up(client, "owner-name")
    made = create(client)
    url = client.post(f"/api/my-routines/{made['id']}/share").get_json()["url"]
    assert client.post(f"/api/my-routines/{made['id']}/share").get_json()["url"] == url
    path = url.removeprefix("http://localhost")
    client.post("/logout")
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "My physio&#39;s list" in text and "owner-name" not in text
    assert "Someone shared this routine with you" in text
    assert client.get(f"{path}/play").status_code == 200
    slug = path.removeprefix("/routines/")
    assert client.get(f"/api/routines/{slug}").get_json()["total_seconds"] == BODY_SECONDS
    # Read only: the link gives no way to change the routine.
    assert client.put(f"/api/my-routines/{made['id']}", json=BODY).status_code == 401
    sign_in(client, "owner-name")
    assert client.delete(f"/api/my-routines/{made['id']}/share").status_code == 204
    client.post("/logout")
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/play").status_code == 404
    assert client.get(f"/api/routines/{slug}").status_code == 404
    sign_in(client, "owner-name")
    renewed = client.post(f"/api/my-routines/{made['id']}/share").get_json()["url"]
    assert renewed != url  # an old link never comes back


def test_a_signed_in_visitor_saves_a_copy_of_a_shared_routine(client: FlaskClient) -> None:
    sign_up(client, "owner")
    made = create(client)
    path = client.post(f"/api/my-routines/{made['id']}/share").get_json()["url"]
    path = path.removeprefix("http://localhost")
    client.post("/logout")
    sign_up(client, "friend")
    assert "Save a copy" in client.get(path).get_data(as_text=True)
    saved = client.post(f"{path}/copy")
    assert saved.status_code == 302
    mine = client.get("/api/my-routines").get_json()["routines"]
    assert [r["title"] for r in mine] == ["My physio's list (my copy)"]
    assert mine[0]["total_seconds"] == BODY_SECONDS
    assert saved.headers["Location"] == f"/routines/{mine[0]['slug']}"
    # A session of the shared routine is the visitor's own.
    slug = path.removeprefix("/routines/")
    assert client.post("/api/completions", json=completion_body(routine=slug)).status_code == 201


def test_a_built_in_routine_can_be_copied_into_the_builder(user_client: FlaskClient) -> None:
    page = user_client.get("/routines/calf-reset").get_data(as_text=True)
    assert "Make a copy to edit" in page
    builder = user_client.get("/my-routines/new?from=calf-reset")
    assert builder.status_code == 200
    assert user_client.get("/my-routines/new?from=nothing-here").status_code == 404
    saved = user_client.post("/routines/calf-reset/copy")
    assert saved.status_code == 302
    mine = user_client.get("/api/my-routines").get_json()["routines"]
    built_in = user_client.get("/api/routines/calf-reset").get_json()
    assert mine[0]["total_seconds"] == built_in["total_seconds"]


def test_the_generator_api_hits_the_minutes_and_respects_the_places(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(CONTENT_DIR=str(ROOT / "routines")).test_client()
    sign_up(client)
    body = {"areas": ["legs", "back", "abdomen"], "minutes": 10,
            "positions": ["standing", "bed"], "seed": 7}
    made = client.post("/api/routines/generate", json=body).get_json()
    assert abs(made["total_seconds"] - 600) <= 60
    assert made["slug"].startswith("gen-") and made["seed"] == 7
    poses = {p["id"]: p for p in client.get("/api/poses").get_json()["poses"]}
    assert all({"standing", "bed"} & set(poses[s["pose"]]["positions"]) for s in made["steps"])
    assert client.post("/api/routines/generate", json=body).get_json()["steps"] == made["steps"]
    # The preview plays as it is, and its session counts.
    assert client.get(f"/routines/{made['slug']}/play").status_code == 200
    posted = client.post("/api/completions", json=completion_body(routine=made["slug"]))
    assert posted.status_code == 201
    bad = client.post("/api/routines/generate", json={**body, "minutes": 31})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "minutes"
    none = client.post("/api/routines/generate",
                       json={**body, "areas": ["abdomen"], "minutes": 30, "positions": ["chair"]})
    assert none.status_code == 422 and none.get_json()["error"]["code"] == "no_fit"


def test_the_generator_page_makes_a_routine_a_guest_can_play(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(CONTENT_DIR=str(ROOT / "routines")).test_client()
    form = client.get("/generate").get_data(as_text=True)
    assert "Make my routine" in form
    made = client.get("/generate?area=legs&minutes=5&can=chair&can=bed&level=gentle&seed=3")
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Reshuffle" in page and "Create an account" in page
    assert client.get(made.headers["Location"] + "/play").status_code == 200
    bad = client.get("/generate?area=legs&minutes=99&can=standing")
    assert bad.status_code == 400 and "Minutes must be from 3 to 30" in bad.get_data(as_text=True)
    assert client.get("/routines/gen-l-5-s-g-3x").status_code == 404
    assert client.get("/routines/gen-l-5-sz-g-3").status_code == 404


def test_export_and_import_carry_custom_routines_once(client: FlaskClient) -> None:
    sign_up(client, "mover")
    create(client)
    exported = client.get("/api/export").get_json()
    assert [r["title"] for r in exported["routines"]] == [BODY["title"]]
    client.post("/logout")
    sign_up(client, "new-home")
    for expected in (1, 0):
        result = client.post("/api/import", data=json.dumps(exported),
                             content_type="application/json").get_json()["imported"]
        assert result["routines_added"] == expected
    mine = client.get("/api/my-routines").get_json()["routines"]
    assert len(mine) == 1 and mine[0]["total_seconds"] == BODY_SECONDS
    broken = {**exported, "routines": [{**exported["routines"][0], "steps": []}]}
    refused = client.post("/api/import", data=json.dumps(broken),
                          content_type="application/json")
    assert refused.status_code == 422
    assert "routines[0].steps" in json.dumps(refused.get_json())
