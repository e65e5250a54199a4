"""The pages of one's own routines: the list, the builder for new, edit and copy, and delete."""

from __future__ import annotations

import json
import re
from typing import Any

from flask.testing import FlaskClient

from .helpers import sign_up

BODY: dict[str, Any] = {
    "title": "Evening legs",
    "note": "After the walk home.",
    "steps": [{"pose": "standing-calf-stretch", "seconds": 40}, {"pose": "cat-cow"}],
}


def create(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/my-routines", json={**BODY, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def builder_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="builder-data">(.*?)</script>',
                      html, re.S)
    assert found, "the builder page carries its data"
    return json.loads(found[1])


def test_my_routines_needs_signing_in(client: FlaskClient) -> None:
    for path in ("/my-routines", "/my-routines/new", "/my-routines/1/edit",
                 "/my-routines/1/delete"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_the_empty_list_says_what_own_routines_are_for(user_client: FlaskClient) -> None:
    page = user_client.get("/my-routines").get_data(as_text=True)
    assert "Your own routines live here" in page
    assert "physiotherapist" in page
    assert 'href="/my-routines/new"' in page and 'href="/generate"' in page


def test_the_list_shows_a_saved_routine_with_its_length_and_actions(
    user_client: FlaskClient,
) -> None:
    made = create(user_client)
    shared = create(user_client, title="Shared one")
    user_client.post(f"/api/my-routines/{shared['id']}/share")
    page = user_client.get("/my-routines").get_data(as_text=True)
    start = page.index(f'id="routine-{made["id"]}"')
    card = page[start:page.index("</li>", start)]
    assert "Evening legs" in card
    # 10 prep + 40 left + 5 + 40 right + 5 + 30 (cat-cow's own hold) in the fixture content.
    assert made["total_seconds"] == 130
    assert "2\xa0min 10\xa0s" in card
    slug = made["slug"]
    for href in (f"/routines/{slug}/play", f"/routines/{slug}", f"/my-routines/{made['id']}/edit",
                 f"/my-routines/new?from={slug}", f"/my-routines/{made['id']}/delete"):
        assert f'href="{href}"' in card, href
    assert "Shared</span>" not in card
    assert page.count("pill-shared") == 1  # the shared routine only
    assert "Your own routines live here" not in page


def test_the_builder_page_for_a_new_routine_carries_the_pose_library(
    user_client: FlaskClient,
) -> None:
    response = user_client.get("/my-routines/new")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data = builder_data(html)
    assert data["routine"] is None and data["id"] is None
    assert {p["id"] for p in data["poses"]} >= {"cat-cow", "standing-calf-stretch"}
    assert data["limits"] == {"steps": 40, "min_hold": 5, "max_hold": 600}
    assert "<noscript>" in html and 'href="/generate"' in html
    assert "/js/builder.js" in html and "/css/builder.css" in html
    assert " style=" not in html and "<script>" not in html  # the strict CSP allows neither


def test_the_builder_opens_a_saved_routine_for_editing(user_client: FlaskClient) -> None:
    made = create(user_client)
    html = user_client.get(f"/my-routines/{made['id']}/edit").get_data(as_text=True)
    data = builder_data(html)
    assert data["id"] == made["id"]
    assert data["routine"]["title"] == "Evening legs"
    assert data["routine"]["written_steps"] == [
        {"pose": "standing-calf-stretch", "seconds": 40, "note": None},
        {"pose": "cat-cow", "seconds": 30, "note": None}]
    assert "Edit Evening legs" in html


def test_the_builder_starts_a_copy_of_a_built_in_or_own_routine(
    user_client: FlaskClient,
) -> None:
    html = user_client.get("/my-routines/new?from=calf-reset").get_data(as_text=True)
    data = builder_data(html)
    assert data["id"] is None
    assert data["routine"]["title"] == "Quick calf reset (my copy)"
    assert data["routine"]["steps"] and all("pose" in s for s in data["routine"]["steps"])
    made = create(user_client)
    own = builder_data(user_client.get(f"/my-routines/new?from={made['slug']}")
                       .get_data(as_text=True))
    assert own["id"] is None and own["routine"]["title"] == "Evening legs (my copy)"
    assert user_client.get("/my-routines/new?from=<script>").status_code == 404


def test_delete_asks_first_then_deletes(user_client: FlaskClient) -> None:
    made = create(user_client)
    confirm = user_client.get(f"/my-routines/{made['id']}/delete")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Delete this routine?" in text and "stay in your history" in text
    assert len(user_client.get("/api/my-routines").get_json()["routines"]) == 1

    done = user_client.post(f"/my-routines/{made['id']}/delete", follow_redirects=True)
    assert done.status_code == 200
    assert "Deleted “Evening legs”" in done.get_data(as_text=True)
    assert user_client.get("/api/my-routines").get_json() == {"routines": []}
    assert user_client.get(f"/my-routines/{made['id']}/delete").status_code == 404


def test_another_persons_routine_cannot_be_edited_or_deleted(client: FlaskClient) -> None:
    sign_up(client, "owner")
    made = create(client)
    client.post("/logout")
    sign_up(client, "someone-else")
    for path in (f"/my-routines/{made['id']}/edit", f"/my-routines/{made['id']}/delete"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/my-routines/{made['id']}/delete").status_code == 404
    assert client.get(f"/my-routines/new?from={made['slug']}").status_code == 404
    assert client.get("/my-routines/99999999999/edit").status_code == 404
    client.post("/logout")
    client.post("/login", data={"login": "owner", "password": "correct horse battery"})
    assert len(client.get("/api/my-routines").get_json()["routines"]) == 1


def test_my_routines_is_in_the_navigation_when_signed_in(
    client: FlaskClient, user_client: FlaskClient,
) -> None:
    page = user_client.get("/my-routines").get_data(as_text=True)
    # In the header and in the tab bar's More menu, marked as the page one is on.
    assert page.count('href="/my-routines" aria-current="page"') == 2
    tabs = page[page.index('class="tab-list"'):page.index('class="more-list"')]
    assert tabs.count("<li>") == 5  # four tabs and More: the bar keeps five items
    assert '<summary class="is-current">' in page
    user_client.post("/logout")
    assert 'href="/my-routines"' not in client.get("/").get_data(as_text=True)
