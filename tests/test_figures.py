"""Tests for the pose illustrations: specs, committed SVGs and the generator."""

import math
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stretch_app.catalog import load_catalog
from tools.figures import FigureError, draw_all, load_figure, render_figure
from tools.figures.skeleton import Figure

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "routines" / "figures"
POSES = ROOT / "routines" / "poses"
SVGS = ROOT / "static" / "poses"
SVG_NS = "{http://www.w3.org/2000/svg}"
SPEC_IDS = sorted(path.stem for path in FIGURES.glob("*.toml"))
# Poses that are a movement: the picture moves between key positions.
MOVEMENTS = {
    "ankle-circles", "belly-breathing", "bird-dog", "bridge", "cat-cow", "chair-cat-cow",
    "dead-bug", "heel-raises", "leg-swings", "march-in-place", "pelvic-tilts", "seated-breathing",
}  # fmt: skip

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


def _svg(pose_id: str) -> ET.Element:
    return ET.parse(SVGS / f"{pose_id}.svg").getroot()


def _still_shapes(root: ET.Element) -> list[ET.Element]:
    """Return the shapes a reader who asks for less motion sees (all of a still picture)."""
    still = next((g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "st"), None)
    top = [e for e in root if e.tag != f"{SVG_NS}g"]
    return top + list(still if still is not None else [])


def _box(shapes: list[ET.Element], classes: set[str]) -> tuple[float, float, float, float]:
    """Return the bounding box (x0, y0, x1, y1) of the shapes drawn in the given classes."""
    xs, ys = [], []
    for e in shapes:
        if e.get("class") not in classes:
            continue
        if e.tag == f"{SVG_NS}circle":
            cx, cy, r = (float(e.get(k, "0")) for k in ("cx", "cy", "r"))
            xs += [cx - r, cx + r]
            ys += [cy - r, cy + r]
            continue
        pad = float(e.get("stroke-width", "0")) / 2
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", e.get("d", ""))]
        xs += [v + s * pad for v in numbers[0::2] for s in (-1, 1)]
        ys += [v + s * pad for v in numbers[1::2] for s in (-1, 1)]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_svg_is_small_well_formed_and_sized_by_the_page(pose_id: str) -> None:
    path = SVGS / f"{pose_id}.svg"
    root = _svg(pose_id)
    moving = pose_id in MOVEMENTS
    assert path.stat().st_size < (12 if moving else 8) * 1024
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 240 160"
    assert root.get("role") == "img"
    assert root.get("width") is None and root.get("height") is None
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text
    style = root.find(f"{SVG_NS}style")
    assert style is not None and "prefers-color-scheme:dark" in (style.text or "")


def test_every_picture_uses_the_same_style_and_no_background_box() -> None:
    styles = set()
    for pose_id in SPEC_IDS:
        root = _svg(pose_id)
        styles.add((root.find(f"{SVG_NS}style").text or "").split(".st{")[0])
        for rect in root.iter(f"{SVG_NS}rect"):
            area = float(rect.get("width", "0")) * float(rect.get("height", "0"))
            assert area < 0.2 * 240 * 160, f"{pose_id}: a box behind the figure"
    assert len(styles) == 1


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_the_figure_fills_its_picture(pose_id: str) -> None:
    x0, y0, x1, y1 = _box(_still_shapes(_svg(pose_id)), {"b", "k", "h"})
    assert (x1 - x0) >= 0.7 * 240 or (y1 - y0) >= 0.7 * 160, (x1 - x0, y1 - y0)
    assert x0 >= 0 and y0 >= 0 and x1 <= 240 and y1 <= 160


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_the_stretched_muscle_is_highlighted_and_named(pose_id: str) -> None:
    shapes = _still_shapes(_svg(pose_id))
    assert any(e.get("class") == "s" for e in shapes)
    alt = tomllib.loads((POSES / f"{pose_id}.toml").read_text())["image_alt"]
    assert " felt " in alt or "highlighted" in alt


def test_the_accent_colour_means_only_the_stretch() -> None:
    style = _svg(SPEC_IDS[0]).find(f"{SVG_NS}style").text or ""
    for colour in re.findall(r"\.s\{stroke:(#[0-9a-f]{6})\}", style):
        assert style.count(colour) == 1


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_movements_have_key_positions_and_move(pose_id: str) -> None:
    spec = tomllib.loads((FIGURES / f"{pose_id}.toml").read_text())
    animations = list(_svg(pose_id).iter(f"{SVG_NS}animate"))
    if pose_id in MOVEMENTS:
        assert len(spec.get("key", [])) >= 1  # the main position and at least one more
        assert animations
    else:
        assert "key" not in spec and not animations


@pytest.mark.parametrize("pose_id", sorted(MOVEMENTS))
def test_reduced_motion_shows_the_main_position_only(pose_id: str) -> None:
    root = _svg(pose_id)
    style = root.find(f"{SVG_NS}style").text or ""
    assert "@media (prefers-reduced-motion:reduce){.mv{display:none}.st{display:inline}}" in style
    assert ".st{display:none}" in style
    groups = {g.get("class"): g for g in root.iter(f"{SVG_NS}g")}
    assert set(groups) == {"mv", "st"}
    assert list(groups["st"].iter(f"{SVG_NS}animate")) == []
    assert len(list(groups["mv"].iter(f"{SVG_NS}animate"))) == len(
        list(root.iter(f"{SVG_NS}animate"))
    )
    # The still picture is the first frame of the movement.
    moving = [e for e in groups["mv"] if e.find(f"{SVG_NS}animate") is not None]
    for e in moving:
        for animate in e.iter(f"{SVG_NS}animate"):
            first = animate.get("values", "").split(";")[0]
            assert first == e.get(animate.get("attributeName", ""))


def test_a_movement_turns_its_joints_rather_than_sliding_them() -> None:
    spec = tomllib.loads(MINIMAL)
    spec["key"] = [{"near_leg": {"thigh": 0, "shin": 0}}]
    svg = ET.fromstring(render_figure(spec))
    legs = [e for e in svg.iter(f"{SVG_NS}path") if e.find(f"{SVG_NS}animate") is not None]
    frames = [
        [float(n) for n in re.findall(r"-?[0-9.]+", d)]
        for leg in legs
        for d in leg.find(f"{SVG_NS}animate").get("values", "").split(";")
    ]
    lengths = {round(math.dist(f[0:2], f[2:4]) + math.dist(f[2:4], f[4:6])) for f in frames}
    assert max(lengths) - min(lengths) <= 2  # a straight leg keeps its length through the swing


def _joints(pose_id: str) -> dict[str, tuple[float, float]]:
    """Return where each joint of a side-view pose's main position sits, y up from the floor."""
    return Figure(load_figure(FIGURES / f"{pose_id}.toml"), "side").joints


def _off_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return how far p lies from the segment a-b."""
    ab, ap = (b[0] - a[0], b[1] - a[1]), (p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, (ap[0] * ab[0] + ap[1] * ab[1]) / (ab[0] ** 2 + ab[1] ** 2)))
    return math.dist(p, (a[0] + t * ab[0], a[1] + t * ab[1]))


@pytest.mark.parametrize("side", ["near", "far"])
def test_happy_baby_is_seen_from_the_feet_and_knees_to_chest_hugs_its_shins(side: str) -> None:
    # A blind check at phone size took the two for each other when both were side views.
    spec = load_figure(FIGURES / "happy-baby.toml")
    assert spec["view"] == "front" and not spec.get("above")  # from the feet end, on the floor
    baby = Figure(spec, "front").joints
    knee, ankle, toe, hand = (baby[f"{side}_{j}"] for j in ("knee", "ankle", "toe", "hand"))
    out = -1 if side == "near" else 1  # the near side is on the picture's left
    assert abs(knee[0] - ankle[0]) < 1 and ankle[1] - knee[1] > 25  # shin upright, full length
    assert abs(toe[1] - ankle[1]) < 1 and out * (toe[0] - ankle[0]) > 3  # sole to the ceiling
    assert out * knee[0] > 25 and knee[1] > baby["hip"][1] + 10  # knee wide and drawn up
    assert ankle[1] > baby["head"][1] + 10  # the feet at the top corners, above the head
    assert abs(baby["head"][0]) < 1 and baby["head"][1] < ankle[1]  # head centred between
    assert _off_segment(hand, ankle, toe) < 4 and math.dist(hand, toe) < 3  # outside of the foot
    other = baby[f"{'far' if side == 'near' else 'near'}_knee"]
    assert knee == pytest.approx((-other[0], other[1]))  # both sides alike
    # A later blind check saw a flat triangle: knees over the belly, feet reaching away.
    hug = _joints("knees-to-chest")
    knee, ankle, toe, hand = (hug[f"{side}_{j}"] for j in ("knee", "ankle", "toe", "hand"))
    hip = hug["hip"]
    thigh = math.degrees(math.atan2(knee[1] - hip[1], knee[0] - hip[0]))
    assert 130 <= thigh <= 145 and knee[0] <= hug["chest"][0] + 2  # knees drawn over the chest
    shin = math.degrees(math.atan2(ankle[1] - knee[1], ankle[0] - knee[0]))
    assert 180 - (thigh - shin) < 45 and knee[1] - ankle[1] > 5  # shin folded against the thigh
    assert abs(ankle[0] - hip[0]) < 8 and ankle[1] > hip[1] + 8  # feet just above the buttocks
    assert toe[1] > ankle[1] and toe[0] - hip[0] < 15  # toes up, not reaching away
    assert _off_segment(hand, knee, ankle) < 4 and math.dist(hand, knee) < 10  # below the knee


def test_bridge_lies_face_up_with_arms_long_on_the_floor() -> None:
    # A blind check read the bridge as kneeling, like thread the needle.
    bridge = _joints("bridge")
    assert bridge["shoulder"][1] < 12 and bridge["head"][1] < 14  # shoulders and head down
    for side in ("near", "far"):
        elbow, hand = bridge[f"{side}_elbow"], bridge[f"{side}_hand"]
        assert elbow[1] < 6 and hand[1] < 6  # the arms lie on the floor ...
        assert hand[0] > bridge["shoulder"][0] + 30  # ... reaching toward the feet
    knee, ankle = bridge["near_knee"], bridge["near_ankle"]
    assert abs(knee[0] - ankle[0]) < 2  # shin upright, foot under the knee
    assert _off_segment(bridge["hip"], bridge["shoulder"], knee) < 1.5  # one straight slope
    assert bridge["hip"][1] > 20 and knee[1] > bridge["hip"][1]  # hips lifted, knees highest


def test_chair_cat_cow_holds_still_in_cow_and_the_upper_back_stretch_reaches_forward() -> None:
    # A blind check saw two rounded backs on a chair.
    cow, reach = _joints("chair-cat-cow"), _joints("upper-back-stretch")
    middle = ((cow["hip"][0] + cow["shoulder"][0]) / 2, (cow["hip"][1] + cow["shoulder"][1]) / 2)
    assert cow["control"][0] > middle[0] + 5  # the back arches: the spine bows forward
    assert cow["head"][1] > cow["shoulder"][1] + 15  # chest lifted, head up
    assert cow["head"][0] < cow["shoulder"][0] < cow["hip"][0]  # sitting tall, chin up
    assert cow["hip"][0] > 34 / 2  # sitting on the front half of the seat
    for side in ("near", "far"):
        assert math.dist(cow[f"{side}_hand"], cow[f"{side}_knee"]) < 8  # hands on the knees
        hand = reach[f"{side}_hand"]
        assert hand[0] > reach[f"{side}_knee"][0] and hand[1] > reach["shoulder"][1] - 8
    middle = (reach["hip"][0] + reach["shoulder"][0]) / 2
    assert reach["control"][0] < middle - 5  # the upper back stretch rounds


def _bend(joints: dict[str, tuple[float, float]], side: str) -> float:
    """Return how many degrees a leg bends at the knee (0 is straight)."""
    hip, knee, ankle = (joints[j] for j in ("hip", f"{side}_knee", f"{side}_ankle"))
    thigh = math.degrees(math.atan2(knee[1] - hip[1], knee[0] - hip[0]))
    shin = math.degrees(math.atan2(ankle[1] - knee[1], ankle[0] - knee[0]))
    return abs((thigh - shin + 180) % 360 - 180)


def test_the_calf_stretches_differ_in_the_back_knee_and_the_stance() -> None:
    # A blind check at phone size told them apart only by a slight bend in the back knee.
    straight, bent = _joints("standing-calf-stretch"), _joints("bent-knee-calf-stretch")
    assert _bend(straight, "near") < 3 and _bend(straight, "far") > 30
    assert _bend(bent, "near") > 50 and _bend(bent, "far") > 40
    for pose in (straight, bent):
        assert pose["near_ankle"][1] == pytest.approx(pose["near_toe"][1])  # back heel down
    stance = {n: p["far_ankle"][0] - p["near_ankle"][0] for n, p in (("s", straight), ("b", bent))}
    assert stance["s"] > 1.8 * stance["b"]


def test_the_standing_hip_flexor_stretch_stands_tall_on_a_long_back_leg() -> None:
    # A blind check could not tell which leg was in front: it passed for a lunge.
    pose = _joints("standing-hip-flexor-stretch")
    assert _bend(pose, "near") < 10  # back leg long
    assert pose["near_ankle"][1] - pose["near_toe"][1] > 4  # back heel lifted
    assert _bend(pose, "far") > 45  # front knee bent ...
    assert abs(pose["far_knee"][0] - pose["far_ankle"][0]) < 2  # ... right over the ankle
    assert pose["near_knee"][1] > 20  # back knee well off the floor, unlike the low lunge
    assert abs(pose["shoulder"][0] - pose["hip"][0]) < 3  # torso upright


def test_childs_pose_sits_low_and_thread_the_needle_reaches_up() -> None:
    # The two shared an outline at phone size.
    child, thread = _joints("childs-pose"), _joints("thread-the-needle")
    assert abs(child["hip"][0] - child["near_ankle"][0]) < 3 and child["hip"][1] < 20
    for side in ("near", "far"):
        assert child[f"{side}_hand"][1] < 6 and child[f"{side}_hand"][0] > child["head"][0]
        assert abs(thread["hip"][0] - thread[f"{side}_knee"][0]) < 3  # thighs upright
    assert thread["hip"][1] > 30
    assert thread["near_hand"][1] > thread["hip"][1] + 10  # the top arm reaches up
    assert thread["far_hand"][1] < 6  # the other threaded along the floor
    assert thread["shoulder"][1] < 12  # shoulder down on the floor


def test_pelvic_tilts_shows_two_bent_knees() -> None:
    pose = _joints("pelvic-tilts")
    assert math.dist(pose["near_knee"], pose["far_knee"]) > 5
    assert _bend(pose, "near") > 60 and _bend(pose, "far") > 60


def test_the_lying_side_stretch_curves_like_a_banana_with_both_arms_overhead() -> None:
    # A blind check saw a swimmer: one arm overhead, one by the side and hardly a curve.
    banana = Figure(load_figure(FIGURES / "banana-side-stretch.toml"), "front").joints
    hands = banana["near_hand"], banana["far_hand"]
    ankles = banana["near_ankle"], banana["far_ankle"]
    assert math.dist(*hands) < 3 and math.dist(*ankles) < 8  # hand on wrist, ankles crossed
    head = math.dist(banana["shoulder"], banana["head"])
    assert all(math.dist(banana["shoulder"], hand) > head + 15 for hand in hands)  # past the head
    reach = ((hands[0][0] + hands[1][0]) / 2, (hands[0][1] + hands[1][1]) / 2)
    feet = ((ankles[0][0] + ankles[1][0]) / 2, (ankles[0][1] + ankles[1][1]) / 2)
    depth = _off_segment(banana["hip"], reach, feet)
    assert depth > 0.25 * math.dist(reach, feet)  # hands and feet to one side: a deep crescent
    assert min(reach[1], feet[1]) > banana["hip"][1] + 20  # a smile, not a backbend's arch


def _covered(p: tuple[float, float], shape: ET.Element) -> bool:
    """Say whether a body shape drawn later hides the point p."""
    if shape.tag == f"{SVG_NS}circle":
        centre = (float(shape.get("cx", "0")), float(shape.get("cy", "0")))
        return math.dist(p, centre) < float(shape.get("r", "0"))
    numbers = [float(n) for n in re.findall(r"-?[0-9.]+", shape.get("d", ""))]
    points = list(zip(numbers[0::2], numbers[1::2], strict=True))
    half = float(shape.get("stroke-width", "0")) / 2
    return any(_off_segment(p, a, b) < half for a, b in zip(points, points[1:], strict=False))


def _shown(shapes: list[ET.Element]) -> float:
    """Return the fraction of the accent's length that no body part drawn after it covers."""
    seen = total = 0
    for i, accent in enumerate(shapes):
        if accent.get("class") != "s":
            continue
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", accent.get("d", ""))]
        points = list(zip(numbers[0::2], numbers[1::2], strict=True))
        later = [e for e in shapes[i + 1 :] if e.get("class") in {"b", "k", "h"}]
        for a, b in zip(points, points[1:], strict=False):
            for k in range(11):
                p = (a[0] + (b[0] - a[0]) * k / 10, a[1] + (b[1] - a[1]) * k / 10)
                total += 1
                seen += not any(_covered(p, shape) for shape in later)
    return seen / total


@pytest.mark.parametrize("pose_id", SPEC_IDS)
def test_the_highlighted_muscle_is_not_hidden_by_the_body(pose_id: str) -> None:
    # Half is enough: a seated figure's arm may cross its spine and the mark still reads.
    assert _shown(_still_shapes(_svg(pose_id))) >= 0.5


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
        (("torso = 90", "torso = 90\nmirror = true"), "mirror"),
        (("torso = 90", "torso = 90\nabove = true"), "above"),
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


def test_the_right_side_is_the_mirror_image_and_its_alt_text_says_right() -> None:
    catalog = load_catalog(ROOT / "routines", ROOT / "static")
    pose = catalog.poses["standing-calf-stretch"]
    assert "left calf" in pose.alt_for("left") and "right" not in pose.alt_for("left")
    assert "right calf" in pose.alt_for("right") and "left" not in pose.alt_for("right")
    steps = [s for s in catalog.routines["quick-calf-reset"].expanded_steps if s.side]
    assert [s.mirrored for s in steps[:2]] == [False, True]
