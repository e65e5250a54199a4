"""The HTML pages: home, catalog with filters, routine, player, poses, errors."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/routines", "/routines/calf-reset", "/routines/back-unwind/play", "/poses",
         "/poses/cat-cow", "/login", "/signup"]


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_pages_carry_no_visitor_token_and_strict_headers(client: FlaskClient,
                                                                    path: str) -> None:
    """A signed-out page is the same for everyone (no per-visitor token, no session cookie)."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf-token"' not in html
    if path not in ("/login", "/signup"):  # their forms hold a token, which needs a session
        assert "Set-Cookie" not in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in html  # no inline scripts, only src= modules and JSON data


def test_signed_in_pages_carry_the_token_for_scripts(user_client: FlaskClient) -> None:
    html = user_client.get("/").get_data(as_text=True)
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)


def test_home_offers_each_body_area(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for area in ("legs", "abdomen", "back"):
        assert f'href="/routines?area={area}"' in html
    assert 'href="/routines"' in html


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="routine-title">([^<]+)</span>', html)


def test_routine_filters_agree_with_api(client: FlaskClient) -> None:
    for query in ("area=legs", "area=back", "area=abdomen", "situation=bedtime",
                  "max_minutes=2", "area=back&max_minutes=5", ""):
        html = client.get(f"/routines?{query}").get_data(as_text=True)
        api = client.get(f"/api/routines?{query}").get_json()["routines"]
        assert _titles(html) == [r["title"] for r in api], query


def test_filter_chips_are_links_that_keep_other_filters(client: FlaskClient) -> None:
    html = client.get("/routines?area=back").get_data(as_text=True)
    assert 'href="/routines?area=back&amp;situation=bedtime"' in html
    assert re.search(r'href="/routines\?area=back"\s+aria-current="true">Back<', html)


def test_bad_filter_is_explained_not_an_error_page(client: FlaskClient) -> None:
    response = client.get("/routines?max_minutes=abc")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "max_minutes must be a whole number" in html
    assert "Quick calf reset" in html


def test_routine_page_lists_every_step_with_its_time(client: FlaskClient) -> None:
    html = client.get("/routines/calf-reset").get_data(as_text=True)
    assert html.count("Standing calf stretch") >= 2
    assert "(left side)" in html and "(right side)" in html
    assert "1\u00a0min 10\u00a0s" in html  # computed total: 5 + 30 + 5 + 30
    assert "Before you start:" in html
    assert 'href="/routines/calf-reset/play"' in html


def test_player_page_embeds_routine_json(client: FlaskClient) -> None:
    html = client.get("/routines/calf-reset/play").get_data(as_text=True)
    assert '<script type="application/json" id="routine-data">' in html


def test_pose_library_search_and_filter(client: FlaskClient) -> None:
    html = client.get("/poses").get_data(as_text=True)
    assert "4 poses" in html
    html = client.get("/poses?area=legs").get_data(as_text=True)
    assert "1 pose" in html and "Standing calf stretch" in html
    html = client.get("/poses?q=balasana").get_data(as_text=True)
    assert "Child&#39;s pose" in html and "1 pose" in html


def test_pose_page_lists_routines_using_it(client: FlaskClient) -> None:
    html = client.get("/poses/childs-pose").get_data(as_text=True)
    assert 'href="/routines/back-unwind"' in html
    assert "Put a pillow between your heels and hips" in html


def test_unknown_pages_get_styled_404(client: FlaskClient) -> None:
    for path in ("/nope", "/routines/nope", "/routines/nope/play", "/poses/nope"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Back to the start" in response.get_data(as_text=True)


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_player_uses_the_accounts_cue_defaults(user_client: FlaskClient) -> None:
    import json

    user_client.post("/settings", data={"time_zone": "UTC", "weekly_goal": "3", "cue_beep": "y"})
    html = user_client.get("/routines/calf-reset/play").get_data(as_text=True)
    raw = html.split('<script type="application/json" id="routine-data">')[1].split("</script>")[0]
    assert json.loads(raw)["cue_defaults"] == {"speech": False, "beeps": True, "vibration": False}


def _time_pills(html: str) -> list[str]:
    return re.findall(r'class="pill pill-time">([^<]*)<', html)


def test_every_place_gives_a_routine_the_same_length(client: FlaskClient) -> None:
    listed = client.get("/api/routines").get_json()["routines"]
    cards = _time_pills(client.get("/routines").get_data(as_text=True))
    assert len(cards) == len(listed)
    for routine, card in zip(listed, cards, strict=True):
        detail = client.get(f"/api/routines/{routine['slug']}").get_json()
        holds = [step["seconds"] for step in detail["steps"]]
        # What the player takes: getting ready, every hold, and a move between holds.
        moves = detail["transition_seconds"] * (len(holds) - 1)
        played = detail["prep_seconds"] + sum(holds) + moves
        assert routine["total_seconds"] == detail["total_seconds"] == played
        page = client.get(f"/routines/{routine['slug']}").get_data(as_text=True)
        assert _time_pills(page)[0] == card, routine["slug"]
        assert f"Total {card}." in page
        assert re.search(rf'<meta name="description" content="[^"]* Takes {card}\.">', page)
        player = client.get(f"/routines/{routine['slug']}/play").get_data(as_text=True)
        assert f'max="{played * 1000}"' in player
        minutes, seconds = divmod(played, 60)
        assert f"{minutes}:{seconds:02d} left" in player
    calf = client.get("/routines/calf-reset").get_data(as_text=True)
    assert _time_pills(calf)[0] == "1\u00a0min 10\u00a0s"  # 5 + 30 + 5 + 30, not 2 min


def test_a_missing_page_is_explained_in_the_apps_own_words(client: FlaskClient) -> None:
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert "There is nothing at this address" in html
    assert "requested URL" not in html and "Not Found" not in html
    routine = client.get("/routines/nope").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in routine
    assert "There is no routine at this address." in routine


def test_the_move_time_is_said_to_be_per_move(client: FlaskClient) -> None:
    html = client.get("/routines/calf-reset").get_data(as_text=True)
    # Two holds, so one move of 5 s: 5 + 30 + 5 + 30.
    assert "Includes 5\u00a0s to move between each hold (1 move)." in html
    assert "to move between holds." not in html


def test_a_flash_message_is_shown_only_to_its_visitor(app, client: FlaskClient) -> None:
    """Signed-out pages are kept for reuse, but never one carrying somebody's message."""
    from .helpers import sign_up

    stranger = app.test_client()
    assert "signed out" not in stranger.get("/").get_data(as_text=True)  # kept from here on
    sign_up(client)
    client.post("/logout")
    assert "You are signed out" in client.get("/").get_data(as_text=True)
    assert "You are signed out" not in stranger.get("/").get_data(as_text=True)
    assert "You are signed out" not in app.test_client().get("/").get_data(as_text=True)


def test_a_kept_signed_out_page_never_reaches_someone_signed_in(app, client: FlaskClient
                                                                 ) -> None:
    from .helpers import sign_up

    for path in ("/", "/routines", "/routines/calf-reset/play"):
        assert 'name="csrf-token"' not in app.test_client().get(path).get_data(as_text=True)
    sign_up(client)
    for path in ("/", "/routines", "/routines/calf-reset/play"):
        html = client.get(path).get_data(as_text=True)
        assert 'name="csrf-token"' in html and 'data-signed-in="true"' in html, path


def test_a_bad_filter_is_not_kept_for_the_next_visitor(app) -> None:
    assert app.test_client().get("/routines?area=elbow").status_code == 400
    assert app.test_client().get("/routines?area=legs").status_code == 200
    assert app.test_client().get("/routines?area=elbow").status_code == 400


def test_active_filters_are_summed_up_each_removable(client: FlaskClient) -> None:
    """With filters on, one line names them, each linking to the list without it."""
    html = client.get("/routines?situation=bedtime&max_minutes=10").get_data(as_text=True)
    count = len(_titles(html))
    assert f"Showing {count} routine" in html
    assert re.search(r'href="/routines\?max_minutes=10" aria-label="Remove filter: Bedtime">'
                     r"Bedtime ", html)
    assert re.search(r'href="/routines\?situation=bedtime" aria-label="Remove filter: ≤ 10 min">',
                     html)
    assert re.search(r'<a class="filter-clear" href="/routines">Clear all</a>', html)


def test_without_filters_there_is_nothing_to_clear(client: FlaskClient) -> None:
    html = client.get("/routines").get_data(as_text=True)
    assert "Clear all" not in html and "Remove filter" not in html
    assert f"Showing all {len(_titles(html))} routines" in html
