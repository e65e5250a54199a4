"""Cramp now's relief stretches: the five places, the pose shown, the page's data."""

from __future__ import annotations

import json

from stretch_app.catalog import Pose
from stretch_app.diary import relief as r


def pose(pose_id: str) -> Pose:
    return Pose(id=pose_id, name=pose_id.title(), sanskrit=None, areas=("legs",),
                targets=("calves",), kind="stretch", position="standing", per_side=True,
                hold_seconds=30, level="gentle", instructions=("a", "b", "c"), cue="cue",
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
