"""A routine's printable card: every step as written, its hold, and the way back to the app."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.catalog import Pose, Routine, Step, load_catalog
from stretch_app.templating import format_duration
from stretch_app.views.printing import card_steps, timing_line

from .helpers import PASSWORD, ROOT, sign_up

LIBRARY = load_catalog(ROOT / "routines", ROOT / "static")
CARD_STEP = re.compile(r'<li class="card-step[^"]*">(.*?)</li>\s*(?=<li class="card-step|</ol>)',
                       re.S)


@pytest.fixture
def library_app(make_app: Callable[..., Flask]) -> Flask:
    """The app on the built-in routines."""
    return make_app(CONTENT_DIR=str(ROOT / "routines"))


@pytest.fixture
def library(library_app: Flask) -> FlaskClient:
    return library_app.test_client()


def text_of(html: str) -> str:
    """Return the words a reader sees in a piece of HTML, spaces collapsed (not no-break ones)."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip(" ")


def cards(html: str) -> list[str]:
    return CARD_STEP.findall(html)


def expected_hold(step: Step) -> str:
    pose = LIBRARY.poses[step.pose_id]
    return format_duration(step.seconds) + (" each side" if pose.per_side else "")


@pytest.mark.parametrize("slug", sorted(LIBRARY.routines))
def test_every_routine_card_lists_each_step_as_written_with_its_hold(library: FlaskClient,
                                                                     slug: str) -> None:
    routine = LIBRARY.routines[slug]
    response = library.get(f"/routines/{slug}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = cards(html)
    assert len(found) == len(routine.steps)  # per-side poses are not written out twice
    for number, (step, card) in enumerate(zip(routine.steps, found, strict=True), start=1):
        pose = LIBRARY.poses[step.pose_id]
        words = text_of(card)
        assert words.startswith(f"{number} {pose.name}"), words
        assert re.search(r'<p class="card-hold">([^<]*)</p>', card)[1] == expected_hold(step)
        if step.note:
            assert step.note in words
    # Each pose's picture once, however often the routine comes back to it.
    pictures = re.findall(r'<img class="card-pic" src="[^"]*/poses/([\w-]+)\.svg"', html)
    assert sorted(pictures) == sorted({s.pose_id for s in routine.steps})


def test_card_shows_the_routine_pages_total_areas_and_level(library: FlaskClient) -> None:
    slug = "core-and-back-basics"
    routine = LIBRARY.routines[slug]
    page = library.get(f"/routines/{slug}").get_data(as_text=True)
    shown = re.search(r'<span class="pill pill-time">([^<]+)</span>', page)[1]
    card = library.get(f"/routines/{slug}/print").get_data(as_text=True)
    facts = text_of(re.search(r'<p class="card-facts">(.*?)</p>', card, re.S)[1])
    assert facts == (f"{shown} in all, with 10\u00a0s to get ready and 8\u00a0s to move between "
                     "holds Back, Abdomen, Legs Moderate")
    assert f"<h1>{routine.title}</h1>" in card
    assert f'<p class="card-summary">{routine.summary}</p>' in card


def test_card_gives_instructions_and_the_first_caution_of_each_pose(library: FlaskClient) -> None:
    short = "desk-break-legs"  # four poses: every instruction fits
    long = "core-and-back-basics"  # ten poses: the first three of each
    for slug, count in ((short, None), (long, 3)):
        html = library.get(f"/routines/{slug}/print").get_data(as_text=True)
        # With every instruction there, paper gets the larger type.
        assert ('<ol class="card-steps card-steps-roomy">' in html) == (count is None)
        for step, card in zip(LIBRARY.routines[slug].steps, cards(html), strict=True):
            pose = LIBRARY.poses[step.pose_id]
            lines = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", card, re.S)]
            assert lines == list(pose.instructions[:count])
            assert f"Take care: {pose.cautions[0]}" in text_of(card)


def test_a_pose_met_again_is_named_without_repeating_its_details(library: FlaskClient) -> None:
    html = library.get("/routines/desk-breathing-break/print").get_data(as_text=True)
    last = text_of(cards(html)[-1])
    assert last == ("5 Seated calm breathing again 1\u00a0min As in step 1. "
                    "Sit down again and let each breath out last a little longer.")


def test_card_footer_has_the_safety_note_and_addresses_to_come_back(
        library: FlaskClient) -> None:
    html = library.get("/routines/quick-calf-reset/print").get_data(as_text=True)
    foot = re.search(r'<footer class="card-foot">(.*?)</footer>', html, re.S)[1]
    words = text_of(foot)
    assert words.startswith("Move slowly and stay within a gentle pull: a stretch should never "
                            "hurt. Stop if you feel sharp pain, numbness or dizziness.")
    assert "when to see a doctor: http://localhost/guide#doctor" in words
    assert words.endswith("http://localhost/routines/quick-calf-reset")


def test_card_page_offers_print_and_the_way_back_without_inline_code(
        library: FlaskClient) -> None:
    response = library.get("/routines/quick-calf-reset/print")
    html = response.get_data(as_text=True)
    assert '<a class="print-back" href="/routines/quick-calf-reset">Back to the routine</a>' in html
    # Hidden until print.js runs: without a script it could not print.
    assert re.search(r"<button[^>]*data-print hidden>Print</button>", html)
    assert re.search(r'<script type="module" src="/static/\w+/js/print\.js">', html)
    assert re.search(r'<link rel="stylesheet" href="/static/\w+/css/print\.css">', html)
    assert "<script>" not in html and " style=" not in html
    # The card belongs to Routines, in the header and in the phone's tab bar.
    assert len(re.findall(r'<a href="/routines" aria-current="page">', html)) == 2
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_routine_page_links_to_its_card(library: FlaskClient) -> None:
    html = library.get("/routines/runner-calf-care").get_data(as_text=True)
    link = r'<a class="button[^"]*" href="/routines/runner-calf-care/print">Print card</a>'
    assert re.search(link, html)


def test_unknown_routine_has_no_card(library: FlaskClient) -> None:
    response = library.get("/routines/no-such-routine/print")
    assert response.status_code == 404
    assert "There is no routine at this address." in response.get_data(as_text=True)


def test_card_is_there_for_a_signed_in_person_too(library: FlaskClient) -> None:
    sign_up(library)
    html = library.get("/routines/quick-calf-reset/print").get_data(as_text=True)
    assert len(cards(html)) == len(LIBRARY.routines["quick-calf-reset"].steps)


def test_one_visitors_host_header_does_not_reach_another_visitors_card(
        library: FlaskClient) -> None:
    """The page is cached for visitors, and it prints its own address."""
    odd = library.get("/routines/quick-calf-reset/print", base_url="http://evil.example")
    assert "http://evil.example/routines/quick-calf-reset" in odd.get_data(as_text=True)
    html = library.get("/routines/quick-calf-reset/print").get_data(as_text=True)
    assert "evil.example" not in html
    assert "http://localhost/routines/quick-calf-reset" in html


def test_a_custom_routines_card_is_its_owners_and_a_share_links(library: FlaskClient) -> None:
    sign_up(library, "physio")
    body = {"title": "Evening list", "note": "Every evening, slowly.", "level": "gentle",
            "prep_seconds": 10, "transition_seconds": 5,
            "steps": [{"pose": "standing-calf-stretch", "seconds": 40},
                      {"pose": "belly-breathing", "seconds": 60, "note": "Long breaths out."}]}
    made = library.post("/api/my-routines", json=body).get_json()
    card = library.get(f"/routines/{made['slug']}/print").get_data(as_text=True)
    assert '<p class="card-summary">Every evening, slowly.</p>' in card
    first = cards(card)[0]
    assert text_of(first).startswith("1 Standing calf stretch 40\u00a0s each side")
    link = library.post(f"/api/my-routines/{made['id']}/share").get_json()["url"]
    library.post("/logout")
    shared = link.removeprefix("http://localhost")
    assert library.get(f"/routines/{made['slug']}/print").status_code == 404
    assert "Long breaths out." in library.get(f"{shared}/print").get_data(as_text=True)
    sign_in_again = {"login": "physio", "password": PASSWORD}
    assert library.post("/login", data=sign_in_again).status_code == 302
    assert library.delete(f"/api/my-routines/{made['id']}/share").status_code == 204
    library.post("/logout")
    assert library.get(f"{shared}/print").status_code == 404  # never a stale cached copy


def _pose(pose_id: str, *, per_side: bool = False) -> Pose:
    base = LIBRARY.poses["standing-calf-stretch"]
    return replace(base, id=pose_id, name=pose_id.title(), per_side=per_side,
                   instructions=("One.", "Two.", "Three.", "Four.", "Five."))


def test_card_steps_keep_every_instruction_up_to_six_poses_then_three() -> None:
    poses = {f"p{i}": _pose(f"p{i}", per_side=i == 0) for i in range(7)}
    six = card_steps([Step(f"p{i}", 30, None) for i in range(6)], poses)
    assert [len(s.instructions) for s in six] == [5] * 6
    assert six[0].hold == "30\u00a0s each side" and six[1].hold == "30\u00a0s"
    seven = card_steps([Step(f"p{i}", 30, None) for i in range(7)], poses)
    assert [s.instructions for s in seven] == [("One.", "Two.", "Three.")] * 7


def test_card_steps_name_a_repeated_pose_and_point_back_to_it() -> None:
    poses = {"a": _pose("a"), "b": _pose("b")}
    steps = card_steps([Step("a", 60, None), Step("b", 30, None), Step("a", 90, "Slower.")],
                       poses)
    again = steps[2]
    assert (again.number, again.repeat_of, again.hold, again.note) == (3, 1, "1\u00a0min 30\u00a0s",
                                                                       "Slower.")
    assert again.instructions == () and again.caution is None
    assert steps[0].repeat_of is None and steps[0].caution == poses["a"].cautions[0]


def test_timing_line_says_only_what_the_routine_has() -> None:
    base = LIBRARY.routines["desk-break-legs"]

    def routine(prep: int, move: int) -> Routine:
        return replace(base, prep_seconds=prep, transition_seconds=move)

    assert timing_line(routine(0, 0)) == ""
    assert timing_line(routine(10, 0)) == "with 10\u00a0s to get ready"
    assert timing_line(routine(0, 5)) == "with 5\u00a0s to move between holds"
    one_hold = replace(routine(10, 5), expanded_steps=base.expanded_steps[:1])
    assert timing_line(one_hold) == "with 10\u00a0s to get ready"  # nothing to move between
