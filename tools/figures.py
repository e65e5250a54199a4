"""Draw the pose illustrations: SVG pictogram figures posed by joint angles.

Each pose has a spec, ``routines/figures/<pose-id>.toml``; ``draw_all`` renders every spec to
``static/poses/<pose-id>.svg``. Proportions, stroke widths and the palette are fixed here, so
every picture matches and a spec only says how the joints turn and what stands around.

Coordinates are picture units: x to the right, y up from the floor (the picture is 240 x 160
with the floor near the bottom). The drawing is centred horizontally afterwards, so only
relative x matters. Angles are absolute degrees, not relative to the parent limb: 0 points
forward (right), 90 up, 180 back (left), -90 down. Any segment angle may be written
``[angle, depth]`` to tilt it ``depth`` degrees toward the viewer, which shortens it (knees
falling out to the sides, thighs seen from the front).

Fields (``hip``, ``torso`` and the four limbs are required)::

    title = "Child's pose"     # the SVG <title>
    view = "side"              # side | front (the figure faces the viewer)
    above = false              # true: seen from above, lying on a mat; no floor line
    facing = "right"           # right | left (mirrors the whole picture)
    hip = [0, 40]              # where the hip joint sits
    torso = 90                 # hip -> shoulder
    curve = 0                  # how far the spine bows out to the left of hip -> shoulder
                               #   (the back of an upright figure facing right); < 0 the other way
    head = 90                  # shoulder -> head; default: carries on along the spine

    [near_arm]                 # near_*: the limbs on the viewer's side, drawn darker; far_*:
    upper = -90                #   the other side. In front view near_* is on the picture's left.
    fore = -90                 # shoulder -> elbow, elbow -> hand
    # or place the hand and let the elbow be found:
    #   hand = [20, 5], bend = "back"       # bend: forward | back | up | down

    [near_leg]
    thigh = -90                # hip -> knee
    shin = -90                 # knee -> ankle
    foot = 0                   # ankle -> toe (default 0)
    # or: ankle = [20, 5], bend = "forward", foot = 0

    chair = { x = 0, faces = "right" }     # x: back of the seat (side) or its middle (front)
    wall = { x = 60 }
    step = { x = 30, width = 32, height = 20 }
    mat = { x = -60, width = 150 }         # above = true: also y and height
    [[strap]]                  # or [[towel]]: a band through two or more points
    points = ["near_hand", "near_toe", "far_hand"]
    [[arc]]                    # a curved motion arrow from `start` to `end` degrees
    center = "near_toe"
    offset = [0, 0]            # optional nudge of the centre
    radius = 9
    start = 160
    end = -130
    [[arrow]]                  # a straight motion arrow
    points = [["near_ankle", -10, -4], ["near_ankle", -10, 14]]
    [[waves]]                  # breath marks: `count` short wavy lines stacked upward
    at = "belly"
    offset = [0, 18]
    count = 3

A point is ``[x, y]``, a joint name, or ``[joint, dx, dy]``. Joints: hip, shoulder, head,
belly, chest, and near_/far_ elbow, hand, knee, ankle, toe; front view adds near_/far_ hip
and shoulder.

``load_figure`` rejects unknown fields, wrong types, hands or feet placed out of reach, and
drawings that leave the picture or sink below the floor, naming the file and the field.
"""

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406 # escapes text we write, parses nothing

WIDTH = 240
HEIGHT = 160
FLOOR_Y = 150

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
FLOOR_SLACK = 1.5

TORSO_W = 14
FRONT_TORSO_W = 20
LEG_W = 10
ARM_W = 9

SEAT_H = 30.0
SEAT_DEPTH = 34.0
SEAT_WIDTH = 44.0
CHAIR_BACK = 40.0
WALL_H = 140.0

STYLE = (
    "path,circle,rect{fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".b{stroke:#2d4f73}.k{stroke:#8aa6c1}.h{fill:#2d4f73}"
    ".p{stroke:#b3bdc8;stroke-width:3}.f{stroke:#98a4b0;stroke-width:2}"
    ".m{fill:#e4e9ef;stroke:#c9d1da;stroke-width:1.5}"
    ".a{stroke:#d9822b;stroke-width:2.5}.t{stroke:#d9822b;stroke-width:4.5}.af{fill:#d9822b}"
    "@media (prefers-color-scheme:dark){"
    ".b{stroke:#e8eff7}.k{stroke:#7e96ae}.h{fill:#e8eff7}"
    ".p{stroke:#5e6d7d}.f{stroke:#76848f}.m{fill:#26303a;stroke:#3c4955}"
    ".a,.t{stroke:#f2a65f}.af{fill:#f2a65f}}"
)

TOP_FIELDS = {
    "title", "view", "above", "facing", "hip", "torso", "curve", "head",
    "near_arm", "far_arm", "near_leg", "far_leg",
    "chair", "wall", "step", "mat", "strap", "towel", "arc", "arrow", "waves",
}  # fmt: skip


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

Point = tuple[float, float]


class FigureError(ValueError):
    """A figure spec that cannot be drawn, naming the file and the field at fault."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class _SpecError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")


def _unit(deg: float) -> Point:
    rad = math.radians(deg)
    return math.cos(rad), math.sin(rad)


def _add(p: Point, q: Point, k: float = 1.0) -> Point:
    return p[0] + q[0] * k, p[1] + q[1] * k


def _heading(start: Point, end: Point) -> float:
    return math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))


def _number(table: dict, key: str, field: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if value is None:
        raise _SpecError(f"{field}{key}", "is required")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _SpecError(f"{field}{key}", f"expected a number, got {value!r}")
    return float(value)


def _choice(table: dict, key: str, field: str, options: tuple[str, ...]) -> str:
    value = table.get(key, options[0])
    if value not in options:
        raise _SpecError(f"{field}{key}", f"expected one of {', '.join(options)}, got {value!r}")
    return value


def _table(spec: dict, key: str, allowed: set[str]) -> dict:
    value = spec[key]
    if not isinstance(value, dict):
        raise _SpecError(key, "expected a table")
    _check_fields(value, allowed, f"{key}.")
    return value


def _tables(spec: dict, key: str) -> list[dict]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _SpecError(key, "expected an array of tables ([[...]])")
    return value


def _check_fields(table: dict, allowed: set[str], field: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _SpecError(f"{field}{unknown[0]}", "unknown field")


def _pair(value: object, field: str) -> Point:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise _SpecError(field, f"expected [x, y], got {value!r}")
    return float(value[0]), float(value[1])


def _segment(
    table: dict, key: str, field: str, length: float, default: float | None = None
) -> Point:
    value = table.get(key, default)
    if isinstance(value, list):
        angle, depth = _pair(value, f"{field}{key}")
        if not 0 <= depth < 90:
            raise _SpecError(f"{field}{key}", f"depth must be 0 to 89, got {depth:g}")
        length *= math.cos(math.radians(depth))
    else:
        angle = _number(table, key, field, default)
    return _add((0.0, 0.0), _unit(angle), length)


def _point(value: object, joints: dict[str, Point], field: str) -> Point:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return _add(_point(value[0], joints, field), _pair(value[1:], field))
    if isinstance(value, str):
        if value not in joints:
            raise _SpecError(field, f"unknown joint {value!r}")
        return joints[value]
    return _pair(value, field)


def _solve(
    root: Point, target: Point, a: float, b: float, bend: str, field: str
) -> tuple[Point, Point]:
    dist = math.dist(root, target)
    if dist > a + b + REACH_SLACK:
        raise _SpecError(field, f"out of reach by {dist - a - b:.1f}")
    dist = min(max(dist, abs(a - b) + 0.01), a + b)
    base = _heading(root, target)
    spread = math.degrees(math.acos((a * a + dist * dist - b * b) / (2 * a * dist)))
    axis, sign = BENDS[bend]
    middle = max(
        (_add(root, _unit(base + s * spread), a) for s in (1, -1)), key=lambda p: sign * p[axis]
    )
    return middle, _add(middle, _unit(_heading(middle, target)), b)


class _Figure:
    """Joint positions of one posed figure, in floor coordinates."""

    def __init__(self, spec: dict) -> None:
        self.view = _choice(spec, "view", "", ("side", "front"))
        if "hip" not in spec:
            raise _SpecError("hip", "is required")
        hip = _pair(spec["hip"], "hip")
        spine = _segment(spec, "torso", "", TORSO)
        shoulder = _add(hip, spine)
        bow = _unit(_heading((0.0, 0.0), spine) + 90)
        # The spine is a quadratic curve; its control point sits twice the bow off the middle.
        self.control = _add(_add(hip, spine, 0.5), bow, 2 * _number(spec, "curve", "", 0.0))
        self.joints: dict[str, Point] = {"hip": hip, "shoulder": shoulder}
        self.joints["belly"] = self._on_spine(0.35)
        self.joints["chest"] = self._on_spine(0.7)
        top = _heading(self.control, shoulder)
        head = _number(spec, "head", "", top)
        self.joints["head"] = _add(shoulder, _unit(head), HEAD_DIST)
        if self.view == "front":
            across_hips = _unit(_heading(hip, self.control) + 90)
            across_shoulders = _unit(top + 90)
            for side, sign in (("near", 1.0), ("far", -1.0)):
                self.joints[f"{side}_hip"] = _add(hip, across_hips, sign * HIP_HALF)
                self.joints[f"{side}_shoulder"] = _add(
                    shoulder, across_shoulders, sign * SHOULDER_HALF
                )
        order = []
        for kind, limb in LIMBS.items():
            for side in ("near", "far"):
                key = f"{side}_{kind}"
                if not isinstance(spec.get(key), dict):
                    raise _SpecError(key, "expected a table")
                order.append((kind == "arm", limb.end in spec[key], key, limb))
        # Posed limbs before placed ones, legs before arms: a hand may be put on a knee.
        for _, _, key, limb in sorted(order, key=lambda item: item[:3]):
            self._pose(key, limb, spec)

    def _on_spine(self, t: float) -> Point:
        hip, c, sh = self.joints["hip"], self.control, self.joints["shoulder"]
        u = 1 - t
        return (
            u * u * hip[0] + 2 * u * t * c[0] + t * t * sh[0],
            u * u * hip[1] + 2 * u * t * c[1] + t * t * sh[1],
        )

    def _pose(self, key: str, limb: _Limb, spec: dict) -> None:
        side = key.split("_")[0]
        field = f"{key}."
        foot = {"foot"} if limb.end == "ankle" else set()
        root = self.joints.get(f"{side}_{limb.root}", self.joints[limb.root])
        if limb.end in spec[key]:
            table = _table(spec, key, {limb.end, "bend"} | foot)
            target = _point(table[limb.end], self.joints, f"{field}{limb.end}")
            bend = _choice(table, "bend", field, tuple(BENDS))
            lengths = limb.upper[1], limb.lower[1]
            middle, end = _solve(root, target, *lengths, bend, f"{field}{limb.end}")
        else:
            table = _table(spec, key, {limb.upper[0], limb.lower[0]} | foot)
            middle = _add(root, _segment(table, limb.upper[0], field, limb.upper[1]))
            end = _add(middle, _segment(table, limb.lower[0], field, limb.lower[1]))
        self.joints[f"{side}_{limb.middle}"] = middle
        self.joints[f"{side}_{limb.end}"] = end
        if foot:
            self.joints[f"{side}_toe"] = _add(end, _segment(table, "foot", field, FOOT, 0.0))


@dataclass(frozen=True)
class _Shape:
    kind: str  # path | closed | quad | circle | rect | arc
    cls: str
    points: list[Point]
    size: float = 0.0  # stroke width, or the radius of a circle or arc
    large: bool = False  # arcs only
    ccw: bool = False  # arcs only


class _Canvas:
    """Collect shapes in floor coordinates and write them out as centred SVG."""

    def __init__(self) -> None:
        self.shapes: list[_Shape] = []

    def add(self, kind: str, cls: str, points: list[Point], size: float = 0.0) -> None:
        self.shapes.append(_Shape(kind, cls, points, size))

    def arc(self, center: Point, radius: float, start: float, end: float) -> None:
        # Sampled points give the extent; the SVG arc itself needs only the two ends.
        steps = math.ceil(abs(end - start) / 10)
        points = [
            _add(center, _unit(start + (end - start) * k / steps), radius) for k in range(steps + 1)
        ]
        self.shapes.append(_Shape("arc", "a", points, radius, abs(end - start) > 180, end > start))

    def _extent(self, axis: int) -> tuple[float, float]:
        values: list[float] = []
        for shape in self.shapes:
            if shape.kind == "rect":
                corner, size = shape.points
                values += [corner[axis], corner[axis] + size[axis]]
                continue
            pad = {"circle": shape.size, "arc": 0.0}.get(shape.kind, shape.size / 2)
            values += [p[axis] + s * pad for p in shape.points for s in (-1, 1)]
        return min(values), max(values)

    def svg(self, title: str | None, mirror: bool, floor: bool) -> str:
        low, high = self._extent(0)
        bottom, top = self._extent(1)
        if high - low > WIDTH - 4 or top > FLOOR_Y - 1 or bottom < FLOOR_Y - HEIGHT + 1:
            raise _SpecError("hip", "the drawing does not fit in the picture")
        if floor and bottom < -FLOOR_SLACK:
            raise _SpecError("hip", f"the drawing sinks {-bottom:.1f} below the floor")
        shift = WIDTH / 2 - (low + high) / 2

        def x(v: float) -> str:
            return _fmt(WIDTH - v - shift if mirror else v + shift)

        def y(v: float) -> str:
            return _fmt(FLOOR_Y - v)

        def xy(p: Point) -> str:
            return f"{x(p[0])} {y(p[1])}"

        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        ]
        if title:
            out.append(f"<title>{escape(title)}</title>")
        out.append(f"<style>{STYLE}</style>")
        if floor:
            out.append(f'<path class="f" d="M6 {FLOOR_Y}H{WIDTH - 6}"/>')
        for s in self.shapes:
            width = (
                f' stroke-width="{_fmt(s.size)}"' if s.size and s.kind in ("path", "quad") else ""
            )
            if s.kind in ("path", "closed"):
                d = "M" + "L".join(xy(p) for p in s.points) + ("Z" if s.kind == "closed" else "")
            elif s.kind == "quad":
                d = f"M{xy(s.points[0])}Q{xy(s.points[1])} {xy(s.points[2])}"
            elif s.kind == "arc":
                # SVG's y points down, so a counter-clockwise arc sweeps negatively unless mirrored.
                r = _fmt(s.size)
                sweep = int(s.ccw == mirror)
                d = f"M{xy(s.points[0])}A{r} {r} 0 {int(s.large)} {sweep} {xy(s.points[-1])}"
            elif s.kind == "circle":
                c = s.points[0]
                out.append(
                    f'<circle class="{s.cls}" cx="{x(c[0])}" cy="{y(c[1])}" r="{_fmt(s.size)}"/>'
                )
                continue
            else:
                (left, low_y), (w, h) = s.points
                out.append(
                    f'<rect class="{s.cls}" x="{x(left + w if mirror else left)}" '
                    f'y="{y(low_y + h)}" width="{_fmt(w)}" height="{_fmt(h)}" rx="1.5"/>'
                )
                continue
            out.append(f'<path class="{s.cls}"{width} d="{d}"/>')
        out.append("</svg>")
        return "\n".join(out) + "\n"


def _fmt(value: float) -> str:
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _props(spec: dict, canvas: _Canvas, view: str) -> None:
    if "mat" in spec:
        mat = _table(spec, "mat", {"x", "width", "y", "height"})
        corner = (_number(mat, "x", "mat."), _number(mat, "y", "mat.", 0.0))
        size = (_number(mat, "width", "mat."), _number(mat, "height", "mat.", 3.0))
        canvas.add("rect", "m", [corner, size])
    if "wall" in spec:
        wall_x = _number(_table(spec, "wall", {"x"}), "x", "wall.")
        canvas.add("path", "p", [(wall_x, 2.0), (wall_x, WALL_H)], 4)
    if "step" in spec:
        step = _table(spec, "step", {"x", "width", "height"})
        size = (_number(step, "width", "step."), _number(step, "height", "step."))
        canvas.add("rect", "p", [(_number(step, "x", "step."), 0.0), size])
    if "chair" in spec:
        chair = _table(spec, "chair", {"x", "faces"})
        cx = _number(chair, "x", "chair.")
        back = SEAT_H + CHAIR_BACK
        if view == "front":
            half = SEAT_WIDTH / 2
            canvas.add("path", "p", [(cx - half, 0.0), (cx - half, back), (cx + half, back)])
            canvas.add("path", "p", [(cx + half, back), (cx + half, 0.0)])
            canvas.add("path", "p", [(cx - half - 2, SEAT_H), (cx + half + 2, SEAT_H)])
        else:
            faces = _choice(chair, "faces", "chair.", ("right", "left"))
            front = cx + (SEAT_DEPTH if faces == "right" else -SEAT_DEPTH)
            canvas.add("path", "p", [(cx, back), (cx, 0.0)])
            canvas.add("path", "p", [(cx, SEAT_H), (front, SEAT_H), (front, 0.0)])


def _body(fig: _Figure, canvas: _Canvas) -> None:
    j = fig.joints
    front = fig.view == "front"
    limbs = {}
    for side in ("far", "near"):
        hip = j.get(f"{side}_hip", j["hip"])
        shoulder = j.get(f"{side}_shoulder", j["shoulder"])
        limbs[side] = (
            [hip, j[f"{side}_knee"], j[f"{side}_ankle"], j[f"{side}_toe"]],
            [shoulder, j[f"{side}_elbow"], j[f"{side}_hand"]],
        )
    # Far limbs, then torso and head, then near limbs, so crossings read in depth.
    far_cls = "b" if front else "k"
    canvas.add("path", far_cls, limbs["far"][1], ARM_W)
    canvas.add("path", far_cls, limbs["far"][0], LEG_W)
    canvas.add(
        "quad", "b", [j["hip"], fig.control, j["shoulder"]], FRONT_TORSO_W if front else TORSO_W
    )
    if front:
        canvas.add("path", "b", [j["near_shoulder"], j["far_shoulder"]], ARM_W)
        canvas.add("path", "b", [j["near_hip"], j["far_hip"]], LEG_W)
    canvas.add("circle", "h", [j["head"]], HEAD_R)
    canvas.add("path", "b", limbs["near"][0], LEG_W)
    canvas.add("path", "b", limbs["near"][1], ARM_W)


def _arrowhead(canvas: _Canvas, tip: Point, heading: float) -> None:
    back = _add(tip, _unit(heading), -5.5)
    canvas.add(
        "closed",
        "af",
        [
            _add(tip, _unit(heading), 1.5),
            _add(back, _unit(heading + 90), 3.2),
            _add(back, _unit(heading - 90), 3.2),
        ],
    )


def _points(table: dict, field: str, joints: dict[str, Point], count: int | None) -> list[Point]:
    value = table.get("points")
    if not isinstance(value, list) or len(value) < 2 or (count and len(value) != count):
        raise _SpecError(f"{field}points", f"expected a list of {count or 'two or more'} points")
    return [_point(p, joints, f"{field}points") for p in value]


def _marks(spec: dict, canvas: _Canvas, joints: dict[str, Point]) -> None:
    for key, cls in (("strap", "a"), ("towel", "t")):
        for i, band in enumerate(_tables(spec, key)):
            _check_fields(band, {"points"}, f"{key}[{i}].")
            canvas.add("path", cls, _points(band, f"{key}[{i}].", joints, None))
    for i, arc in enumerate(_tables(spec, "arc")):
        field = f"arc[{i}]."
        _check_fields(arc, {"center", "offset", "radius", "start", "end"}, field)
        center = _add(
            _point(arc.get("center"), joints, f"{field}center"),
            _pair(arc.get("offset", [0, 0]), f"{field}offset"),
        )
        radius = _number(arc, "radius", field)
        start, end = _number(arc, "start", field), _number(arc, "end", field)
        if not 0 < abs(end - start) < 360:
            raise _SpecError(f"{field}end", "must differ from start by less than 360 degrees")
        canvas.arc(center, radius, start, end)
        _arrowhead(canvas, _add(center, _unit(end), radius), end + (90 if end > start else -90))
    for i, arrow in enumerate(_tables(spec, "arrow")):
        _check_fields(arrow, {"points"}, f"arrow[{i}].")
        tail, tip = _points(arrow, f"arrow[{i}].", joints, 2)
        canvas.add("path", "a", [tail, tip])
        _arrowhead(canvas, tip, _heading(tail, tip))
    for i, waves in enumerate(_tables(spec, "waves")):
        field = f"waves[{i}]."
        _check_fields(waves, {"at", "offset", "count"}, field)
        base = _add(
            _point(waves.get("at"), joints, f"{field}at"),
            _pair(waves.get("offset", [0, 0]), f"{field}offset"),
        )
        for n in range(int(_number(waves, "count", field, 3.0))):
            zigzag = [
                (base[0] - 9 + 3 * k, base[1] + 6 * n + 1.6 * (-1) ** (k + 1)) for k in range(7)
            ]
            canvas.add("path", "a", zigzag)


def _render(spec: dict, title: str | None) -> str:
    _check_fields(spec, TOP_FIELDS, "")
    if title is not None and not isinstance(title, str):
        raise _SpecError("title", f"expected a string, got {title!r}")
    above = spec.get("above", False)
    if not isinstance(above, bool):
        raise _SpecError("above", f"expected true or false, got {above!r}")
    mirror = _choice(spec, "facing", "", ("right", "left")) == "left"
    fig = _Figure(spec)
    canvas = _Canvas()
    _props(spec, canvas, fig.view)
    _body(fig, canvas)
    _marks(spec, canvas, fig.joints)
    return canvas.svg(title, mirror, floor=not above)


def render_figure(spec: dict, *, title: str | None = None) -> str:
    """Return the SVG text for one figure spec (title defaults to the spec's own)."""
    try:
        return _render(spec, title if title is not None else spec.get("title"))
    except _SpecError as exc:
        raise FigureError("<spec>", str(exc)) from None


def load_figure(path: Path) -> dict:
    """Read one figure spec from TOML and check that it can be drawn."""
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FigureError(path, f"invalid TOML: {exc}") from None
    try:
        _render(spec, spec.get("title"))
    except _SpecError as exc:
        raise FigureError(path, str(exc)) from None
    return spec


def draw_all(figures_dir: Path, out_dir: Path) -> list[Path]:
    """Render every figures_dir/<id>.toml to out_dir/<id>.svg and return the written paths."""
    specs = {path: load_figure(path) for path in sorted(figures_dir.glob("*.toml"))}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, spec in specs.items():
        target = out_dir / f"{path.stem}.svg"
        target.write_text(render_figure(spec), encoding="utf-8", newline="\n")
        written.append(target)
    return written
