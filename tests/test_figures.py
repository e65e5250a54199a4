"""Tests for the pose illustrations: specs, committed SVGs and the generator."""

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools.figures import FigureError, draw_all, load_figure, render_figure

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "routines" / "figures"
POSES = ROOT / "routines" / "poses"
SVGS = ROOT / "static" / "poses"
SVG_NS = "{http://www.w3.org/2000/svg}"
SPEC_IDS = sorted(path.stem for path in FIGURES.glob("*.toml"))

MINIMAL = """
hip = [0, 69]
torso = 90
[near_arm]
upper = -90
fore = -90
[far_arm]
upper = -90
fore = -90
[near_leg]
thigh = -90
shin = -90
[far_leg]
thigh = -90
shin = -90
"""


def test_there_is_a_spec_per_pose() -> None:
    assert len(SPEC_IDS) >= 45
    missing = sorted(p.stem for p in POSES.glob("*.toml") if p.stem not in SPEC_IDS)
    assert missing == []


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_every_spec_has_a_committed_svg(pose_id: str) -> None:
    assert (SVGS / f"{pose_id}.svg").is_file()


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_svg_is_small_well_formed_and_sized_by_the_page(pose_id: str) -> None:
    path = SVGS / f"{pose_id}.svg"
    assert path.stat().st_size < 8 * 1024
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 240 160"
    assert root.get("role") == "img"
    assert root.get("width") is None and root.get("height") is None
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text
    style = root.find(f"{SVG_NS}style")
    assert style is not None and "prefers-color-scheme:dark" in (style.text or "")


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    written = draw_all(FIGURES, tmp_path)
    assert [p.name for p in written] == [f"{pose_id}.svg" for pose_id in SPEC_IDS]
    for path in written:
        assert path.read_bytes() == (SVGS / path.name).read_bytes(), path.name
    assert sorted(p.name for p in SVGS.glob("*.svg")) == sorted(p.name for p in written)


def test_render_escapes_the_title() -> None:
    svg = render_figure(tomllib.loads(MINIMAL), title="Knees & toes <gently>")
    title = ET.fromstring(svg).find(f"{SVG_NS}title")
    assert title is not None and title.text == "Knees & toes <gently>"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            ("thigh = -90\nshin = -90\n[far_leg]", 'thigh = "bent"\nshin = -90\n[far_leg]'),
            "near_leg.thigh",
        ),
        (("torso = 90", "torso = 90\nwobble = 1"), "wobble"),
        (("torso = 90", 'torso = 90\nview = "top"'), "view"),
        (("torso = 90\n", ""), "torso"),
        (("upper = -90\nfore = -90\n[far_arm]", 'hand = "left_ear"\n[far_arm]'), "near_arm.hand"),
        (("upper = -90\nfore = -90\n[far_arm]", "hand = [200, 5]\n[far_arm]"), "near_arm.hand"),
        (("hip = [0, 69]", "hip = [0, 60]"), "hip"),
        (("torso = 90", "torso = 90\n[motion]\nmove = 2"), "motion"),
        (("torso = 90", "torso = 90\n[[key]]\nelbow = 3"), "key[0].elbow"),
        (("hip = [0, 69]\n", ""), "hip"),
    ],
)
def test_broken_spec_names_the_file_and_field(
    tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    old, new = change
    assert old in MINIMAL
    path = tmp_path / "broken-pose.toml"
    path.write_text(MINIMAL.replace(old, new, 1))
    with pytest.raises(FigureError) as caught:
        load_figure(path)
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert f"{field}:" in str(caught.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbled.toml"
    path.write_text("torso = = 90\n")
    with pytest.raises(FigureError, match="garbled.toml: invalid TOML"):
        load_figure(path)
