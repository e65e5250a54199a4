"""Where a pose can be done, and the "what I can do" filter on routines and poses."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.browse import FilterError, parse_can, pose_fits, routine_fits
from stretch_app.catalog import POSITIONS, Catalog, load_catalog
from stretch_app.cli import routines_cli

from .helpers import FIXTURE_CONTENT, ROOT

LIBRARY: Catalog = load_catalog(ROOT / "routines", ROOT / "static")
NO_FLOOR = "can=standing&can=chair&can=bed"


@pytest.fixture
def real(make_app: Callable[..., Flask]) -> FlaskClient:
    """A client of the app serving the built-in routines and poses."""
    return make_app(CONTENT_DIR=str(ROOT / "routines")).test_client()


def _slugs(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"/api/routines?{query}")
    assert response.status_code == 200, query
    return [r["slug"] for r in response.get_json()["routines"]]


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="routine-title">([^<]+)</span>', html)


def _floor_only(slug: str) -> list[str]:
    routine = LIBRARY.routines[slug]
    return [s.pose_id for s in routine.steps if LIBRARY.poses[s.pose_id].positions == ("floor",)]


def test_every_pose_names_its_places_honestly() -> None:
    for pose in LIBRARY.poses.values():
        assert pose.positions and set(pose.positions) <= set(POSITIONS), pose.id
        if pose.position == "kneeling":
            assert pose.positions == ("floor",), pose.id
        if pose.position == "standing":
            assert "standing" in pose.positions and "bed" not in pose.positions, pose.id
        if pose.position == "chair":
            assert "chair" in pose.positions, pose.id
    assert LIBRARY.poses["knees-to-chest"].positions == ("floor", "bed")
    assert LIBRARY.poses["childs-pose"].positions == ("floor",)


def test_no_floor_keeps_routines_without_a_floor_only_pose(real: FlaskClient) -> None:
    kept = _slugs(real, NO_FLOOR)
    assert len(kept) >= 3
    assert all(not _floor_only(slug) for slug in kept)
    dropped = set(LIBRARY.routines) - set(kept)
    assert "lower-back-relief" in dropped
    assert all(_floor_only(slug) for slug in dropped)


def test_chair_only_and_in_bed_each_find_routines(real: FlaskClient) -> None:
    chair = _slugs(real, "can=chair")
    bed = _slugs(real, "can=bed")
    assert "desk-break-legs" in chair and "menstrual-comfort-in-bed" in bed
    for slugs, place in ((chair, "chair"), (bed, "bed")):
        for slug in slugs:
            steps = LIBRARY.routines[slug].steps
            assert all(place in LIBRARY.poses[s.pose_id].positions for s in steps), slug


def test_places_combine_with_the_other_filters(real: FlaskClient) -> None:
    both = _slugs(real, "area=legs&can=chair")
    assert both and set(both) == set(_slugs(real, "area=legs")) & set(_slugs(real, "can=chair"))


def test_the_api_says_where_a_routine_can_be_done(real: FlaskClient) -> None:
    listed = {r["slug"]: r for r in real.get("/api/routines").get_json()["routines"]}
    assert listed["lower-back-relief"]["needs_floor"] is True
    assert listed["desk-break-legs"] == listed["desk-break-legs"] | {
        "places": ["chair"], "needs_floor": False}
    assert listed["menstrual-comfort-in-bed"]["places"] == ["floor", "bed"]


@pytest.mark.parametrize("query", ["can=sofa", "can=Chair", "can=chair&can=roof", "can=%00"])
def test_a_bad_place_is_400_json_naming_the_filter(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/routines?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_filter"
    assert error["message"] == "can must be one or more of standing, chair, floor, bed"


def test_a_bad_place_is_explained_on_the_page(client: FlaskClient) -> None:
    for path in ("/routines?can=sofa", "/poses?can=sofa"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "can must be one or more of standing, chair, floor, bed" in response.get_data(
            as_text=True)


def test_an_empty_place_is_no_filter() -> None:
    assert parse_can({"can": ""}) is None
    with pytest.raises(FilterError):
        parse_can({"can": "floor-ish"})


def test_a_card_says_when_the_routine_needs_the_floor(real: FlaskClient) -> None:
    html = real.get("/routines").get_data(as_text=True)
    cards = re.findall(r'<li class="routine-card">.*?</li>', html, re.S)
    needs = {_titles(card)[0] for card in cards if "Needs the floor" in card}
    assert LIBRARY.routines["lower-back-relief"].title in needs
    assert LIBRARY.routines["desk-break-legs"].title not in needs
    assert needs == {r.title for r in LIBRARY.routines.values() if _floor_only(r.slug)}
    assert "Needs the floor" not in real.get(f"/routines?{NO_FLOOR}").get_data(as_text=True)


def test_the_routine_page_names_the_floor_only_poses(real: FlaskClient) -> None:
    html = real.get("/routines/lower-back-relief").get_data(as_text=True)
    line = re.search(r'<p class="needs-floor">(.*?)</p>', html, re.S)
    assert line and "Cat-cow" in line[1] and "Child&#39;s pose" in line[1]
    assert "Knees to chest" not in line[1]
    assert "Needs the floor" not in real.get("/routines/desk-break-legs").get_data(as_text=True)


def test_the_page_lists_what_the_api_lists(real: FlaskClient) -> None:
    for query in (NO_FLOOR, "can=chair", "can=bed", "can=standing&can=chair"):
        html = real.get(f"/routines?{query}").get_data(as_text=True)
        api = real.get(f"/api/routines?{query}").get_json()["routines"]
        assert _titles(html) == [r["title"] for r in api], query


def test_presets_are_links_that_keep_the_other_filters(real: FlaskClient) -> None:
    html = real.get("/routines?area=legs").get_data(as_text=True)
    assert re.search(r'href="/routines\?area=legs&amp;can=standing&amp;can=chair&amp;can=bed" ?>'
                     r"No floor</a>", html)
    assert re.search(r'href="/routines\?area=legs&amp;can=chair" ?>Chair only</a>', html)
    chosen = real.get("/routines?area=legs&can=bed").get_data(as_text=True)
    assert re.search(r'can=bed" aria-current="true">In bed</a>', chosen)
    assert re.search(r'href="/routines\?area=back&amp;can=bed"', chosen)


def test_the_summary_names_the_places_and_removes_them(real: FlaskClient) -> None:
    html = real.get(f"/routines?area=back&{NO_FLOOR}").get_data(as_text=True)
    assert re.search(r'href="/routines\?area=back" aria-label="Remove filter: No floor">', html)
    mixed = real.get("/routines?can=standing&can=chair").get_data(as_text=True)
    assert 'aria-label="Remove filter: Standing, On a chair"' in mixed


def test_the_checkboxes_work_without_a_script(real: FlaskClient) -> None:
    html = real.get("/routines?situation=bedtime&can=chair&can=bed").get_data(as_text=True)
    form = re.search(r'<form class="can-form".*?</form>', html, re.S)
    assert form is not None
    assert re.findall(r'name="can" value="(\w+)" checked', form[0]) == ["chair", "bed"]
    assert '<input type="hidden" name="situation" value="bedtime">' in form[0]
    assert re.search(r'<details class="can-pick" open>', html)


def test_the_pose_library_filters_by_place(real: FlaskClient) -> None:
    html = real.get("/poses?can=bed").get_data(as_text=True)
    shown = set(re.findall(r'href="/poses/([a-z0-9-]+)"', html))
    expected = {p.id for p in LIBRARY.poses.values() if "bed" in p.positions}
    assert shown == expected and len(expected) >= 5
    assert "In bed" in html
    page = real.get("/poses/childs-pose").get_data(as_text=True)
    assert re.search(r"Where you can do it:</strong> On the floor</p>", page)
    page = real.get("/poses/knees-to-chest").get_data(as_text=True)
    assert re.search(r"Where you can do it:</strong> On the floor · In bed</p>", page)


def test_fits_helpers_agree_with_the_places() -> None:
    chair = LIBRARY.poses["chair-hamstring-stretch"]
    assert pose_fits(chair, frozenset({"chair"})) and not pose_fits(chair, frozenset({"bed"}))
    assert pose_fits(chair, None)
    mixed = LIBRARY.routines["lower-back-relief"]
    assert mixed.needs_floor and mixed.places == ("floor",)
    assert not routine_fits(mixed, frozenset({"bed", "chair", "standing"}))
    assert routine_fits(mixed, frozenset({"floor"}))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('positions = ["floor"]\n', "",
         "routines/poses/cat-cow.toml: positions: Field required"),
        ('positions = ["floor"]', 'positions = ["sofa"]',
         "routines/poses/cat-cow.toml: positions[0]: Input should be 'standing', 'chair', "
         "'floor' or 'bed'"),
        ('positions = ["floor"]', "positions = []",
         "routines/poses/cat-cow.toml: positions: List should have at least 1 item after "
         "validation, not 0"),
        ('positions = ["floor"]', 'positions = ["floor", "floor"]',
         "routines/poses/cat-cow.toml: positions: Value error, lists a place more than once"),
    ],
)
def test_the_content_check_names_file_and_field(tmp_path: Path, old: str, new: str,
                                                 expected: str) -> None:
    content = tmp_path / "routines"
    shutil.copytree(FIXTURE_CONTENT, content)
    pose = content / "poses" / "cat-cow.toml"
    assert old in pose.read_text()
    pose.write_text(pose.read_text().replace(old, new, 1))
    result = CliRunner().invoke(routines_cli, ["check", "--content", str(content)])
    assert result.exit_code == 1
    assert expected in result.output.splitlines(), result.output
