"""Cramp now's relief stretches: the five places, the pose shown, the page's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stretch_app.catalog import Pose, load_catalog
from stretch_app.diary import relief as r

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = load_catalog(ROOT / "routines", ROOT / "static")


def pose(pose_id: str) -> Pose:
    return Pose(id=pose_id, name=pose_id.title(), sanskrit=None, areas=("legs",),
                targets=("calves",), kind="stretch", position="standing",
                positions=("standing",), per_side=True, hold_seconds=30, level="gentle",
                instructions=("a", "b", "c"), cue="cue",
                cautions=("care",), easier="easier", image_alt=f"{pose_id} picture")


def test_relief_plan_uses_the_first_known_pose() -> None:
    poses = {"seated-towel-calf-stretch": pose("seated-towel-calf-stretch")}
    plan = r.relief_plan("calf", poses, lambda path: f"/static/x/{path}")
    assert plan["pose"] == "seated-towel-calf-stretch"
    assert plan["image"] == "/static/x/poses/seated-towel-calf-stretch.svg"
    assert plan["seconds"] > 0 and plan["steps"]
    bare = r.relief_plan("back", {}, lambda path: path)
    assert bare["pose"] is None and bare["image"] is None


def test_cramp_now_offers_the_five_places() -> None:
    data = r.cramp_now_data({}, lambda p: p, signed_in=False)
    assert [loc["id"] for loc in data["locations"]] == ["calf", "foot", "thigh", "abdomen",
                                                        "back"]
    assert "doctor" in data["advice"]
    json.dumps(data)  # embeddable as JSON


def test_a_plan_carries_the_cautions_of_every_pose_its_steps_offer() -> None:
    poses = {"childs-pose": pose("childs-pose"), "knees-to-chest": pose("knees-to-chest")}
    plan = r.relief_plan("back", poses, lambda path: path)
    assert plan["cautions"] == [{"pose": "Childs-Pose", "items": ["care"]},
                                {"pose": "Knees-To-Chest", "items": ["care"]}]
    assert r.relief_plan("back", {}, lambda path: path)["cautions"] == []


@pytest.mark.parametrize("place", r.CRAMP_NOW_LOCATIONS)
def test_every_place_shows_its_poses_own_cautions(place: str) -> None:
    plan = r.relief_plan(place, LIBRARY.poses, lambda path: path)
    offered = r.RELIEF[place].poses
    assert all(p in LIBRARY.poses for p in offered), offered  # no relief pose is missing
    assert plan["pose"] == offered[0]
    assert plan["cautions"] == [
        {"pose": LIBRARY.poses[p].name, "items": list(LIBRARY.poses[p].cautions)}
        for p in offered
    ]
    # A relief for a cramp right now never offers a pose its own card says to skip in
    # pregnancy (Sphinx, a backbend lying on the belly, says so).
    for p in offered:
        for caution in LIBRARY.poses[p].cautions:
            assert "skip it in pregnancy" not in caution.lower(), (place, p)


def test_the_abdomen_relief_is_belly_breathing_with_the_pregnancy_line() -> None:
    plan = r.relief_plan("abdomen", LIBRARY.poses, lambda path: path)
    assert plan["pose"] == "belly-breathing" and plan["title"] == "Belly breathing"
    assert "sphinx" not in r.RELIEF["abdomen"].poses
    assert plan["note"] == ("If you are pregnant, call your midwife or doctor about belly pain "
                            "or cramps.")
    assert "on your side" in plan["steps"][0]
    assert any("later pregnancy" in c for c in plan["cautions"][0]["items"])
    # Only the abdomen carries that line.
    others = [p for p in r.CRAMP_NOW_LOCATIONS if p != "abdomen"]
    assert all(r.relief_plan(p, LIBRARY.poses, lambda path: path)["note"] is None
               for p in others)


def test_the_thigh_relief_offers_the_stretches_its_steps_describe() -> None:
    steps = " ".join(r.RELIEF["thigh"].steps)
    assert "lie on your back" in steps and "heel gently toward your bottom" in steps
    assert r.RELIEF["thigh"].poses == ("lying-hamstring-stretch", "standing-quad-stretch")
