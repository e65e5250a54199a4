"""Content loading and validation: every mistake is reported with its file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stretch_app.browse import FilterError, Filters, filter_routines, parse_filters
from stretch_app.catalog import ContentError, load_catalog

FIXTURE = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content, with a static folder holding its pictures."""
    target = tmp_path / "routines"
    shutil.copytree(FIXTURE, target)
    poses = tmp_path / "static" / "poses"
    poses.mkdir(parents=True)
    for pose in (target / "poses").glob("*.toml"):
        (poses / f"{pose.stem}.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return target


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_catalog(content, content.parent / "static")
    return info.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_loads_with_computed_durations(content: Path) -> None:
    cat = load_catalog(content, content.parent / "static")
    assert set(cat.routines) == {"calf-reset", "back-unwind"}
    calf = cat.routines["calf-reset"]
    # per-side pose: left + right holds of 30 s, one switch-sides transition, 5 s prep
    assert [(h.side, h.seconds) for h in calf.expanded_steps] == [("left", 30), ("right", 30)]
    assert calf.total_seconds == 5 + 30 + 30 + 5
    back = cat.routines["back-unwind"]
    # childs-pose has no seconds in the routine file: the pose's default hold (45 s) applies
    assert [h.seconds for h in back.expanded_steps] == [30, 45, 60]
    assert back.total_seconds == 10 + 30 + 45 + 60 + 2 * 5


def test_catalog_is_immutable(content: Path) -> None:
    cat = load_catalog(content, content.parent / "static")
    with pytest.raises(TypeError):
        cat.routines["x"] = cat.routines["calf-reset"]  # type: ignore[index]


def test_unknown_pose_id_names_file_and_step(content: Path) -> None:
    edit(content / "back-unwind.toml", 'pose = "childs-pose"', 'pose = "childs-posture"')
    assert problems(content) == [
        "routines/back-unwind.toml: steps[1].pose: unknown pose 'childs-posture'"
    ]


@pytest.mark.parametrize("seconds", ["0", "-5", "100000", "30.5", "nan", '"30"'])
def test_bad_step_seconds(content: Path, seconds: str) -> None:
    edit(content / "calf-reset.toml", "seconds = 30", f"seconds = {seconds}")
    found = problems(content)
    assert len(found) == 1
    assert found[0].startswith("routines/calf-reset.toml: steps[0].seconds: ")


def test_missing_image(content: Path) -> None:
    (content.parent / "static" / "poses" / "cat-cow.svg").unlink()
    assert problems(content) == [
        "routines/poses/cat-cow.toml: image: static/poses/cat-cow.svg not found"
    ]


def test_unknown_area_and_wrong_type_and_unknown_key(content: Path) -> None:
    edit(content / "poses" / "cat-cow.toml", '"back", "abdomen"', '"back", "neck"')
    edit(content / "poses" / "childs-pose.toml", "per_side = false", 'per_side = "no"')
    edit(content / "calf-reset.toml", 'level = "gentle"', 'level = "gentle"\ncolour = "red"')
    found = problems(content)
    assert any(p.startswith("routines/poses/cat-cow.toml: areas[1]: ") for p in found)
    assert any(p.startswith("routines/poses/childs-pose.toml: per_side: ") for p in found)
    assert "routines/calf-reset.toml: colour: Extra inputs are not permitted" in found


def test_every_problem_is_reported_at_once(content: Path) -> None:
    edit(content / "calf-reset.toml", "seconds = 30", "seconds = 0")
    edit(content / "back-unwind.toml", "transition_seconds = 5", "transition_seconds = -1")
    found = problems(content)
    assert len(found) == 2


def test_invalid_toml_gives_line(content: Path) -> None:
    edit(content / "calf-reset.toml", 'level = "gentle"', "level = gentle")
    (line,) = problems(content)
    assert line.startswith("routines/calf-reset.toml: toml: ")
    assert "line 5" in line


def test_duplicate_title(content: Path) -> None:
    edit(content / "back-unwind.toml", 'title = "Back unwind"', 'title = "Quick Calf Reset"')
    found = problems(content)
    assert found == ["routines/calf-reset.toml: title: same title as routines/back-unwind.toml"]


def test_file_name_must_be_a_slug(content: Path) -> None:
    shutil.copy(content / "calf-reset.toml", content / "Calf Reset.toml")
    found = problems(content)
    assert found == [
        "routines/Calf Reset.toml: file name: must be a slug "
        "(lower-case letters, digits and hyphens)"
    ]


@pytest.mark.parametrize("name", ["my-7", "shared-abc", "gen-l-5-s-g-1", "plan"])
def test_file_names_people_s_routines_use_are_refused(content: Path, name: str) -> None:
    text = (content / "calf-reset.toml").read_text().replace("Quick calf reset", "Another")
    (content / f"{name}.toml").write_text(text)
    assert problems(content) == [
        f"routines/{name}.toml: file name: must not be 'plan' or start with my-, shared-, gen-"]


def test_bad_utf8_and_bom(content: Path) -> None:
    path = content / "calf-reset.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a BOM alone is tolerated
    load_catalog(content, content.parent / "static")
    path.write_bytes(path.read_bytes() + b"\xff\xfe")
    (line,) = problems(content)
    assert line.startswith("routines/calf-reset.toml: file: not valid UTF-8")


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "Calf\u200b reset", "Calf \u202e"])
def test_markup_and_hidden_characters_are_refused(content: Path, text: str) -> None:
    edit(content / "calf-reset.toml", 'title = "Quick calf reset"', f'title = "{text}"')
    (line,) = problems(content)
    assert line.startswith("routines/calf-reset.toml: title: ")


def test_routine_area_must_come_from_its_poses(content: Path) -> None:
    edit(content / "calf-reset.toml", 'areas = ["legs"]', 'areas = ["legs", "back"]')
    assert problems(content) == [
        "routines/calf-reset.toml: areas: 'back' is not an area of any of its poses"
    ]


def test_huge_file_is_refused(content: Path) -> None:
    path = content / "calf-reset.toml"
    steps = '\n[[steps]]\npose = "standing-calf-stretch"\n' * 20000
    path.write_text(path.read_text() + steps)
    (line,) = problems(content)
    assert line == "routines/calf-reset.toml: file: larger than 256 KB"


def test_too_long_routine(content: Path) -> None:
    path = content / "calf-reset.toml"
    path.write_text(path.read_text() + '\n[[steps]]\npose = "belly-breathing"\nseconds = 600\n' * 5)
    (line,) = problems(content)
    assert line.startswith("routines/calf-reset.toml: steps: routine lasts")


def test_parse_filters() -> None:
    assert parse_filters({"area": "legs", "max_minutes": "10"}) == Filters("legs", None, 10)
    assert parse_filters({"area": "", "situation": ""}) == Filters()
    for bad in ({"area": "neck"}, {"situation": "x"}, {"max_minutes": "abc"},
                {"max_minutes": "0"}, {"max_minutes": "-3"}, {"max_minutes": "99999"}):
        with pytest.raises(FilterError):
            parse_filters(bad)


def test_filter_routines(content: Path) -> None:
    cat = load_catalog(content, content.parent / "static")
    everything = list(cat.routines.values())
    assert [r.slug for r in filter_routines(everything, Filters(area="legs"))] == ["calf-reset"]
    assert [r.slug for r in filter_routines(everything, Filters(area="abdomen"))] == [
        "back-unwind"
    ]
    assert [r.slug for r in filter_routines(everything, Filters(max_minutes=2))] == ["calf-reset"]
    assert filter_routines(everything, Filters(situation="warm-up")) == []
    # shortest first
    assert [r.slug for r in filter_routines(everything, Filters())] == [
        "calf-reset", "back-unwind"
    ]
