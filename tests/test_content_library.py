"""Checks over the real content library in routines/ (poses and routines).

These guard the shape of the library as a whole: every pose is used and illustrated, every
body area has enough routines of every length, /routines offers a balanced choice by area and
by length, text stays within the limits in docs/CONTENT.md, and per-side poses are timed
fairly on both sides.
"""

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
ROUTINES_DIR = ROOT / "routines"
POSES_DIR = ROUTINES_DIR / "poses"
STATIC_DIR = ROOT / "static"

AREAS = ("legs", "abdomen", "back")
SITUATIONS = (
    "morning", "desk", "after-sitting", "after-standing", "warm-up", "after-exercise",
    "bedtime", "night-leg-cramps", "menstrual", "anytime",
)  # fmt: skip
# Length bands in seconds: (label, lower bound exclusive, upper bound inclusive).
BANDS = (
    ("up to 5 min", 0, 5 * 60),
    ("5-10 min", 5 * 60, 10 * 60),
    ("10-15 min", 10 * 60, 15 * 60),
    ("15-25 min", 15 * 60, 25 * 60),
)

POSE_KEYS_REQUIRED = {
    "name", "areas", "targets", "kind", "position", "positions", "per_side", "hold_seconds",
    "level", "instructions", "cue", "cautions", "easier", "image_alt",
}  # fmt: skip
POSE_KEYS_OPTIONAL = {"sanskrit"}
ROUTINE_KEYS = {
    "title", "summary", "areas", "situations", "level", "prep_seconds", "transition_seconds",
    "steps",
}  # fmt: skip
STEP_KEYS_REQUIRED = {"pose"}
STEP_KEYS_OPTIONAL = {"seconds", "note"}


def _load_dir(folder: Path) -> dict[str, dict]:
    return {path.stem: tomllib.loads(path.read_text("utf-8")) for path in folder.glob("*.toml")}


RAW_POSES = _load_dir(POSES_DIR)
RAW_ROUTINES = _load_dir(ROUTINES_DIR)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Load the real content through the app's loader.

    The illustrations are checked separately (test_every_pose_has_an_illustration), so here
    the loader gets a static folder with a stand-in picture for every pose; that way a missing
    drawing does not hide content problems.
    """
    static = tmp_path_factory.mktemp("static")
    (static / "poses").mkdir()
    for pose_id in RAW_POSES:
        (static / "poses" / f"{pose_id}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', "utf-8"
        )
    return load_catalog(ROUTINES_DIR, static)


def _band_of(seconds: int) -> str | None:
    for label, low, high in BANDS:
        if low < seconds <= high:
            return label
    return None


def _expected_total(routine: dict, poses: dict[str, dict]) -> int:
    holds = []
    for step in routine["steps"]:
        pose = poses[step["pose"]]
        seconds = step.get("seconds", pose["hold_seconds"])
        holds += [seconds] * (2 if pose["per_side"] else 1)
    return routine["prep_seconds"] + sum(holds) + routine["transition_seconds"] * (len(holds) - 1)


def _assert_text(value: object, low: int, high: int, where: str) -> None:
    assert isinstance(value, str), f"{where}: not text"
    assert low <= len(value.strip()) <= high, f"{where}: {len(value)} characters, want {low}-{high}"


# --- size of the library ---------------------------------------------------------------------


def test_library_is_big_enough(catalog: Catalog) -> None:
    assert len(catalog.routines) >= 18
    assert len(catalog.poses) >= 40


def test_loader_sees_every_file(catalog: Catalog) -> None:
    assert set(catalog.poses) == set(RAW_POSES)
    assert set(catalog.routines) == set(RAW_ROUTINES)


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(RAW_ROUTINES))
def test_every_step_references_an_existing_pose(slug: str) -> None:
    for index, step in enumerate(RAW_ROUTINES[slug]["steps"]):
        assert step["pose"] in RAW_POSES, f"{slug} step {index}: unknown pose {step['pose']!r}"


def test_every_pose_is_used_by_some_routine(catalog: Catalog) -> None:
    used = {step.pose_id for routine in catalog.routines.values() for step in routine.steps}
    unused = sorted(set(catalog.poses) - used)
    assert not unused, f"poses no routine uses: {unused}"


@pytest.mark.parametrize("pose_id", sorted(RAW_POSES))
def test_every_pose_has_an_illustration(pose_id: str) -> None:
    # Drawn from routines/figures/ by `flask poses draw`; fails until the picture exists.
    assert (STATIC_DIR / "poses" / f"{pose_id}.svg").is_file()


@pytest.mark.parametrize("slug", sorted(RAW_ROUTINES))
def test_routine_areas_come_from_its_poses(catalog: Catalog, slug: str) -> None:
    routine = catalog.routines[slug]
    covered = {area for step in routine.steps for area in catalog.poses[step.pose_id].areas}
    assert set(routine.areas) <= covered


# --- coverage by area, length and situation --------------------------------------------------


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_at_least_five_routines(catalog: Catalog, area: str) -> None:
    count = sum(area in routine.areas for routine in catalog.routines.values())
    assert count >= 5, f"{area}: only {count} routines"


@pytest.mark.parametrize("band", [label for label, _, _ in BANDS])
@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_a_routine_in_every_length_band(
    catalog: Catalog, area: str, band: str
) -> None:
    found = [
        routine.slug
        for routine in catalog.routines.values()
        if area in routine.areas and _band_of(routine.total_seconds) == band
    ]
    assert found, f"no {area} routine lasting {band}"


@pytest.fixture
def library_client(make_app: Callable[..., Flask]) -> FlaskClient:
    """Return a client of the app serving the real content library."""
    return make_app(CONTENT_DIR=str(ROUTINES_DIR)).test_client()


def _listed(client: FlaskClient, query: str) -> list[dict]:
    response = client.get(f"/api/routines?{query}")
    assert response.status_code == 200, query
    return response.get_json()["routines"]


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_five_routines_mainly_for_it(library_client: FlaskClient, area: str) -> None:
    # A routine is mainly for its first area (docs/CONTENT.md); filtering by an area should
    # offer a real choice of routines built around it, not only ones that touch it in passing.
    listed = _listed(library_client, f"area={area}")
    mainly = [routine["slug"] for routine in listed if routine["areas"][0] == area]
    assert len(mainly) >= 5, f"{area}: only {len(mainly)} routines mainly for it: {mainly}"


def test_every_length_filter_adds_at_least_two_routines(library_client: FlaskClient) -> None:
    # Each "<= N min" chip on /routines must bring in at least two routines that the next
    # shorter chip does not show, judged by the length the player takes (prep and moves too).
    page = library_client.get("/routines").get_data(as_text=True)
    offered = sorted({int(m) for m in re.findall(r"max_minutes=(\d+)", page)})
    assert len(offered) >= 3, f"length filters on /routines: {offered}"
    shorter: set[str] = set()
    for minutes in offered:
        listed = _listed(library_client, f"max_minutes={minutes}")
        assert all(routine["total_seconds"] <= minutes * 60 for routine in listed)
        shown = {routine["slug"] for routine in listed}
        added = sorted(shown - shorter)
        assert len(added) >= 2, f"<= {minutes} min adds only {added} to the shorter filter"
        shorter = shown


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_situation_has_a_routine(catalog: Catalog, situation: str) -> None:
    assert any(situation in routine.situations for routine in catalog.routines.values())


def test_night_leg_cramp_routines_can_be_done_in_or_beside_bed(catalog: Catalog) -> None:
    for routine in catalog.routines.values():
        if "night-leg-cramps" not in routine.situations:
            continue
        poses = [catalog.poses[step.pose_id] for step in routine.steps]
        assert "legs" in routine.areas, routine.slug
        if routine.slug == "bedtime-calf-and-hamstring-stretch":
            # The six-week plan's routine keeps the study's standing stretches, done beside
            # the bed, and ends where the study's did.
            assert all(pose.position == "standing" for pose in poses)
            continue
        assert all(pose.position in {"lying", "seated"} for pose in poses), routine.slug
        assert poses[-1].kind == "breathing", f"{routine.slug} should end with breathing"


def test_menstrual_routines_are_gentle_floor_routines(catalog: Catalog) -> None:
    for routine in catalog.routines.values():
        if "menstrual" not in routine.situations:
            continue
        poses = [catalog.poses[step.pose_id] for step in routine.steps]
        assert routine.level == "gentle", routine.slug
        assert "abdomen" in routine.areas, routine.slug
        assert all(pose.position in {"lying", "kneeling", "seated"} for pose in poses)
        assert any(pose.kind == "breathing" for pose in poses), routine.slug


# --- text fields and schema ------------------------------------------------------------------


def test_no_duplicate_titles() -> None:
    titles = [routine["title"].strip().casefold() for routine in RAW_ROUTINES.values()]
    duplicates = sorted({title for title in titles if titles.count(title) > 1})
    assert not duplicates


@pytest.mark.parametrize("pose_id", sorted(RAW_POSES))
def test_pose_text_within_limits(pose_id: str) -> None:
    pose = RAW_POSES[pose_id]
    keys = set(pose)
    assert POSE_KEYS_REQUIRED <= keys, f"missing {sorted(POSE_KEYS_REQUIRED - keys)}"
    extra = keys - POSE_KEYS_REQUIRED - POSE_KEYS_OPTIONAL
    assert not extra, f"unknown keys {sorted(extra)}"
    _assert_text(pose["name"], 2, 60, "name")
    if "sanskrit" in pose:
        _assert_text(pose["sanskrit"], 2, 60, "sanskrit")
    assert 3 <= len(pose["instructions"]) <= 6
    for index, line in enumerate(pose["instructions"]):
        _assert_text(line, 3, 160, f"instructions[{index}]")
    _assert_text(pose["cue"], 3, 90, "cue")
    assert 1 <= len(pose["cautions"]) <= 4
    for index, line in enumerate(pose["cautions"]):
        _assert_text(line, 3, 200, f"cautions[{index}]")
    _assert_text(pose["easier"], 3, 200, "easier")
    _assert_text(pose["image_alt"], 10, 200, "image_alt")
    assert 5 <= pose["hold_seconds"] <= 300
    assert pose["level"] in {"gentle", "moderate"}


@pytest.mark.parametrize("slug", sorted(RAW_ROUTINES))
def test_routine_text_within_limits(slug: str) -> None:
    routine = RAW_ROUTINES[slug]
    assert set(routine) == ROUTINE_KEYS
    _assert_text(routine["title"], 3, 60, "title")
    _assert_text(routine["summary"], 10, 140, "summary")
    assert routine["level"] in {"gentle", "moderate"}
    assert 0 <= routine["prep_seconds"] <= 60
    assert 0 <= routine["transition_seconds"] <= 60
    assert 1 <= len(routine["steps"]) <= 60
    for index, step in enumerate(routine["steps"]):
        keys = set(step)
        assert STEP_KEYS_REQUIRED <= keys <= STEP_KEYS_REQUIRED | STEP_KEYS_OPTIONAL, index
        if "seconds" in step:
            assert 5 <= step["seconds"] <= 600, index
        if "note" in step:
            _assert_text(step["note"], 2, 140, f"steps[{index}].note")


# --- timing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(RAW_ROUTINES))
def test_per_side_poses_expand_to_equal_left_and_right_holds(catalog: Catalog, slug: str) -> None:
    routine = catalog.routines[slug]
    holds = list(routine.expanded_steps)
    position = 0
    for step in routine.steps:
        if catalog.poses[step.pose_id].per_side:
            left, right = holds[position], holds[position + 1]
            assert (left.pose_id, left.side) == (step.pose_id, "left")
            assert (right.pose_id, right.side) == (step.pose_id, "right")
            assert left.seconds == right.seconds == step.seconds
            position += 2
        else:
            hold = holds[position]
            assert (hold.pose_id, hold.side, hold.seconds) == (step.pose_id, None, step.seconds)
            position += 1
    assert position == len(holds)


@pytest.mark.parametrize("slug", sorted(RAW_ROUTINES))
def test_total_seconds_matches_the_formula(catalog: Catalog, slug: str) -> None:
    expected = _expected_total(RAW_ROUTINES[slug], RAW_POSES)
    assert catalog.routines[slug].total_seconds == expected
    assert expected <= 45 * 60


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20}


def test_no_title_promises_a_length_the_routine_does_not_take(catalog: Catalog) -> None:
    for routine in catalog.routines.values():
        for word in re.findall(r"(\w+)[- ]min(?:ute)?s?\b", routine.title.lower()):
            promised = _NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else None)
            if promised is not None:
                assert routine.total_seconds == promised * 60, (
                    f"{routine.slug}: the title says {promised} minutes, the player takes "
                    f"{routine.total_seconds} s")


# A number and its short unit ("10 s", "4 min", "4 Min.", "10 seg") must stay on one line.
SPLITTABLE_UNIT = re.compile(r"\d (s|min|h|Min\.|Sek\.|seg|Std\.)(?=\W|$)")
TEXT_FILES = sorted([*(ROOT / "routines").rglob("*.toml"),
                     *(ROOT / "translations").glob("*/LC_MESSAGES/*.po")])


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_short_units_never_wrap_away_from_their_number(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
             if not line.startswith(("#", "msgid")) and SPLITTABLE_UNIT.search(line)]
    assert not found, "use a no-break space (\\u00A0 in TOML) between number and unit:\n" + \
        "\n".join(found)
