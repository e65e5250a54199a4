"""Pose a figure from a spec's joint angles, and blend two poses by their joint angles."""

import math
from dataclasses import dataclass
from pathlib import Path

HEAD_R = 10.0
HEAD_DIST = 18.5
TORSO = 37.0
UPPER_ARM = 23.0
FOREARM = 21.0
THIGH = 33.0
SHIN = 31.0
FOOT = 11.0
SHOULDER_HALF = 10.0
HIP_HALF = 6.0
# A placed hand or foot may sit a little beyond reach; the limb then points straight at it.
REACH_SLACK = 2.0

POSE_FIELDS = {"hip", "torso", "curve", "head", "near_arm", "far_arm", "near_leg", "far_leg"}

Point = tuple[float, float]


@dataclass(frozen=True)
class _Limb:
    root: str
    upper: tuple[str, float]
    lower: tuple[str, float]
    middle: str
    end: str


LIMBS = {
    "arm": _Limb("shoulder", ("upper", UPPER_ARM), ("fore", FOREARM), "elbow", "hand"),
    "leg": _Limb("hip", ("thigh", THIGH), ("shin", SHIN), "knee", "ankle"),
}
BENDS = {"forward": (0, 1.0), "back": (0, -1.0), "up": (1, 1.0), "down": (1, -1.0)}


class FigureError(ValueError):
    """A figure spec that cannot be drawn, naming the file and the field at fault."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class SpecError(Exception):
    """A problem in one field of a spec; the caller adds the file name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")


def unit(deg: float) -> Point:
    rad = math.radians(deg)
    return math.cos(rad), math.sin(rad)


def add(p: Point, q: Point, k: float = 1.0) -> Point:
    return p[0] + q[0] * k, p[1] + q[1] * k


def heading(start: Point, end: Point) -> float:
    return math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))


def number(table: dict, key: str, field: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if value is None:
        raise SpecError(f"{field}{key}", "is required")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(f"{field}{key}", f"expected a number, got {value!r}")
    return float(value)


def choice(table: dict, key: str, field: str, options: tuple[str, ...]) -> str:
    value = table.get(key, options[0])
    if value not in options:
        raise SpecError(f"{field}{key}", f"expected one of {', '.join(options)}, got {value!r}")
    return value


def check_fields(table: dict, allowed: set[str], field: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SpecError(f"{field}{unknown[0]}", "unknown field")


def table_of(spec: dict, key: str, allowed: set[str], field: str = "") -> dict:
    value = spec[key]
    if not isinstance(value, dict):
        raise SpecError(f"{field}{key}", "expected a table")
    check_fields(value, allowed, f"{field}{key}.")
    return value


def tables(spec: dict, key: str) -> list[dict]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SpecError(key, "expected an array of tables ([[...]])")
    return value


def pair(value: object, field: str) -> Point:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise SpecError(field, f"expected [x, y], got {value!r}")
    return float(value[0]), float(value[1])


def point(value: object, joints: dict[str, Point], field: str) -> Point:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return add(point(value[0], joints, field), pair(value[1:], field))
    if isinstance(value, str):
        if value not in joints:
            raise SpecError(field, f"unknown joint {value!r}")
        return joints[value]
    return pair(value, field)


def _segment(
    table: dict, key: str, field: str, length: float, default: float | None = None
) -> Point:
    value = table.get(key, default)
    if isinstance(value, list):
        angle, depth = pair(value, f"{field}{key}")
        if not 0 <= depth < 90:
            raise SpecError(f"{field}{key}", f"depth must be 0 to 89, got {depth:g}")
        length *= math.cos(math.radians(depth))
    else:
        angle = number(table, key, field, default)
    return add((0.0, 0.0), unit(angle), length)


def _solve(
    root: Point, target: Point, a: float, b: float, bend: str, field: str
) -> tuple[Point, Point]:
    dist = math.dist(root, target)
    if dist > a + b + REACH_SLACK:
        raise SpecError(field, f"out of reach by {dist - a - b:.1f}")
    dist = min(max(dist, abs(a - b) + 0.01), a + b)
    base = heading(root, target)
    spread = math.degrees(math.acos((a * a + dist * dist - b * b) / (2 * a * dist)))
    axis, sign = BENDS[bend]
    middle = max(
        (add(root, unit(base + s * spread), a) for s in (1, -1)), key=lambda p: sign * p[axis]
    )
    return middle, add(middle, unit(heading(middle, target)), b)


def spine_point(hip: Point, control: Point, shoulder: Point, t: float) -> Point:
    """Return the point a fraction t along the spine's quadratic curve."""
    u = 1 - t
    return (
        u * u * hip[0] + 2 * u * t * control[0] + t * t * shoulder[0],
        u * u * hip[1] + 2 * u * t * control[1] + t * t * shoulder[1],
    )


def _tree(front: bool) -> list[tuple[str, str]]:
    """Return (parent, child) joint pairs, parents first, for posing by angles."""
    edges = [("hip", "shoulder"), ("hip", "control"), ("shoulder", "head")]
    for side in ("near", "far"):
        hip, shoulder = ("hip", "shoulder")
        if front:
            edges += [("hip", f"{side}_hip"), ("shoulder", f"{side}_shoulder")]
            hip, shoulder = f"{side}_hip", f"{side}_shoulder"
        edges += [
            (hip, f"{side}_knee"),
            (f"{side}_knee", f"{side}_ankle"),
            (f"{side}_ankle", f"{side}_toe"),
            (shoulder, f"{side}_elbow"),
            (f"{side}_elbow", f"{side}_hand"),
        ]
    return edges


class Figure:
    """Joint positions of one posed figure, in floor coordinates."""

    def __init__(self, spec: dict, view: str, head_k: float = 1.0) -> None:
        self.view = view
        if "hip" not in spec:
            raise SpecError("hip", "is required")
        hip = pair(spec["hip"], "hip")
        spine = _segment(spec, "torso", "", TORSO)
        shoulder = add(hip, spine)
        bow = unit(heading((0.0, 0.0), spine) + 90)
        # The spine is a quadratic curve; its control point sits twice the bow off the middle.
        control = add(add(hip, spine, 0.5), bow, 2 * number(spec, "curve", "", 0.0))
        self.joints: dict[str, Point] = {"hip": hip, "shoulder": shoulder, "control": control}
        top = heading(control, shoulder)
        head = number(spec, "head", "", top)
        self.joints["head"] = add(shoulder, unit(head), HEAD_DIST * head_k)
        if view == "front":
            across_hips = unit(heading(hip, control) + 90)
            across_shoulders = unit(top + 90)
            for side, sign in (("near", 1.0), ("far", -1.0)):
                self.joints[f"{side}_hip"] = add(hip, across_hips, sign * HIP_HALF)
                self.joints[f"{side}_shoulder"] = add(
                    shoulder, across_shoulders, sign * SHOULDER_HALF
                )
        self._spine_marks()
        order = []
        for kind, limb in LIMBS.items():
            for side in ("near", "far"):
                key = f"{side}_{kind}"
                if not isinstance(spec.get(key), dict):
                    raise SpecError(key, "expected a table")
                order.append((kind == "arm", limb.end in spec[key], key, limb))
        # Posed limbs before placed ones, legs before arms: a hand may be put on a knee.
        for _, _, key, limb in sorted(order, key=lambda item: item[:3]):
            self._pose(key, limb, spec)

    def _spine_marks(self) -> None:
        j = self.joints
        j["belly"] = spine_point(j["hip"], j["control"], j["shoulder"], 0.35)
        j["chest"] = spine_point(j["hip"], j["control"], j["shoulder"], 0.7)

    def _pose(self, key: str, limb: _Limb, spec: dict) -> None:
        side = key.split("_")[0]
        field = f"{key}."
        foot = {"foot"} if limb.end == "ankle" else set()
        root = self.joints.get(f"{side}_{limb.root}", self.joints[limb.root])
        if limb.end in spec[key]:
            table = table_of(spec, key, {limb.end, "bend"} | foot)
            target = point(table[limb.end], self.joints, f"{field}{limb.end}")
            bend = choice(table, "bend", field, tuple(BENDS))
            lengths = limb.upper[1], limb.lower[1]
            middle, end = _solve(root, target, *lengths, bend, f"{field}{limb.end}")
        else:
            table = table_of(spec, key, {limb.upper[0], limb.lower[0]} | foot)
            middle = add(root, _segment(table, limb.upper[0], field, limb.upper[1]))
            end = add(middle, _segment(table, limb.lower[0], field, limb.lower[1]))
        self.joints[f"{side}_{limb.middle}"] = middle
        self.joints[f"{side}_{limb.end}"] = end
        if foot:
            self.joints[f"{side}_toe"] = add(end, _segment(table, "foot", field, FOOT, 0.0))

    def blend(self, other: "Figure", t: float) -> "Figure":
        """Return the pose a fraction t of the way to other, turning every joint's angle."""
        out = object.__new__(Figure)
        out.view = self.view
        a, b = self.joints, other.joints
        hip = add(a["hip"], (b["hip"][0] - a["hip"][0], b["hip"][1] - a["hip"][1]), t)
        out.joints = {"hip": hip}
        for parent, child in _tree(self.view == "front"):
            start_angle, end_angle = heading(a[parent], a[child]), heading(b[parent], b[child])
            turn = (end_angle - start_angle + 180) % 360 - 180
            length = math.dist(a[parent], a[child]) * (1 - t) + math.dist(b[parent], b[child]) * t
            out.joints[child] = add(out.joints[parent], unit(start_angle + turn * t), length)
        out._spine_marks()
        return out
