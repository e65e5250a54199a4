"""Draw the pose illustrations: SVG pictogram figures built from joint angles.

One TOML spec per pose lives in ``routines/figures/<pose-id>.toml``; ``draw_all`` renders each
to ``static/poses/<pose-id>.svg``. The proportions, strokes and palette are fixed here, so a
spec only says how the joints are turned and which props stand around the figure.

Coordinates are in picture units with ``x`` to the right and ``y`` up from the floor
(the picture is 240 x 160; the floor is at the bottom). Angles are in degrees, absolute (not
relative to the parent limb): 0 points forward (to the right, before mirroring), 90 up,
180 back, -90 down. The finished drawing is centred horizontally, so only relative ``x``
positions matter.

Spec fields (all optional except ``torso``)::

    title = "Child's pose"        # the <title> of the SVG
    view = "side"                 # side | front (front: the figure faces the viewer)
    facing = "right"              # right | left: left mirrors the whole picture
    anchor = "hip"                # a joint pinned to `at` (see joints below)
    at = [120, 40]                # where the anchor joint sits
    torso = 90                    # hip -> shoulder direction
    curve = 0                     # spine bow; + bows to the left of hip -> shoulder (the back
                                  #   of an upright figure facing right), - the other way
    head = 90                     # shoulder -> head direction; default continues the spine

    [near_arm]                    # near_arm / far_arm: the arm on the viewer's side / the other
    upper = -90                   #   shoulder -> elbow direction
    fore = -90                    #   elbow -> hand direction
    # or: hand = [150, 5] (or a joint name), bend = "back"   # the elbow is solved;
    #     bend says which way it points: forward | back | up | down

    [near_leg]                    # near_leg / far_leg
    thigh = -90                   #   hip -> knee
    shin = -90                    #   knee -> ankle
    foot = 0                      #   ankle -> toe (default 0)
    # or: ankle = [130, 5], bend = "forward", foot = 0       # the knee is solved

    chair = { x = 90, faces = "right" }   # x: seat back edge (side) or centre (front view)
    wall = { x = 200 }
    step = { x = 150, width = 40, height = 22 }
    mat = { x = 30, width = 180 }
    [[strap]]                     # also [[towel]]: a band through points
    points = ["near_hand", "near_toe", "far_hand"]
    [[arc]]                       # a curved motion arrow, drawn from `start` to `end` degrees
    center = "near_toe"
    offset = [0, 0]               # optional nudge of the centre
    radius = 8
    start = 200
    end = -60
    [[waves]]                     # breath marks: `count` short wavy lines stacked upwards
    at = "chest"
    offset = [0, 14]
    count = 3

A point is ``[x, y]`` or a joint name: hip, shoulder, head, chest, belly, and
near_/far_ elbow, hand, knee, ankle, toe (front view adds near_/far_ hip and shoulder).
In front view the near limbs hang from the picture's left.
"""

import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

WIDTH = 240
HEIGHT = 160
FLOOR_Y = 150

HEAD_R = 10.0
HEAD_DIST = 19.0
TORSO = 38.0
UPPER_ARM = 23.0
FOREARM = 21.0
THIGH = 31.0
SHIN = 29.0
FOOT = 11.0
SHOULDER_HALF = 10.0
HIP_HALF = 6.0
REACH_SLACK = 2.0

TORSO_W = 14
FRONT_TORSO_W = 20
LEG_W = 10
ARM_W = 9

SEAT_H = 29.0
SEAT_DEPTH = 34.0
SEAT_WIDTH = 44.0
CHAIR_BACK = 40.0
WALL_H = 140.0

STYLE = (
    "path,line,circle,rect{fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".b{stroke:#2d4f73}.k{stroke:#8aa6c1}.h{fill:#2d4f73}"
    ".p{stroke:#b3bdc8;stroke-width:3}.f{stroke:#98a4b0;stroke-width:2}"
    ".m{fill:#e4e9ef;stroke:#c9d1da;stroke-width:1.5}"
    ".a{stroke:#d9822b;stroke-width:2.5}.t{stroke:#d9822b;stroke-width:4.5}.af{fill:#d9822b}"
    "@media (prefers-color-scheme:dark){"
    ".b{stroke:#e8eff7}.k{stroke:#7e96ae}.h{fill:#e8eff7}"
    ".p{stroke:#5e6d7d}.f{stroke:#76848f}.m{fill:#26303a;stroke:#3c4955}"
    ".a,.t{stroke:#f2a65f}.af{fill:#f2a65f}}"
)

BENDS = ("forward", "back", "up", "down")
LIMB_KEYS = {
    "arm": ({"upper", "fore"}, "hand"),
    "leg": ({"thigh", "shin", "foot"}, "ankle"),
}
TOP_KEYS = {
    "title",
    "view",
    "facing",
    "anchor",
    "at",
    "torso",
    "curve",
    "head",
    "near_arm",
    "far_arm",
    "near_leg",
    "far_leg",
    "chair",
    "wall",
    "step",
    "mat",
    "strap",
    "towel",
    "arc",
    "waves",
}

Point = tuple[float, float]


class FigureError(ValueError):
    """A figure spec that cannot be drawn, with the file and field at fault."""

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


def _table(spec: dict, key: str) -> dict:
    value = spec[key]
    if not isinstance(value, dict):
        raise _SpecError(key, "expected a table")
    return value


def _tables(spec: dict, key: str) -> list[dict]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _SpecError(key, "expected an array of tables ([[...]])")
    return value


def _check_keys(table: dict, allowed: set[str], field: str) -> None:
    for key in sorted(set(table) - allowed):
        raise _SpecError(f"{field}{key}", "unknown field")


class _Figure:
    """Joint positions of one posed figure, in floor coordinates before centring."""

    def __init__(self, spec: dict) -> None:
        _check_keys(spec, TOP_KEYS, "")
        self.view = _choice(spec, "view", "", ("side", "front", "top"))
        self.joints: dict[str, Point] = {"hip": (0.0, 0.0)}
        shoulder = _segment(spec, "torso", "", TORSO)
        torso = math.degrees(math.atan2(shoulder[1], shoulder[0]))
        self.curve = _number(spec, "curve", "", 0.0)
        bow = _unit(torso + 90)
        self.control = _add(((shoulder[0]) / 2, shoulder[1] / 2), bow, 2 * self.curve)
        self.joints["shoulder"] = shoulder
        self.joints["belly"] = self._on_spine(0.35)
        self.joints["chest"] = self._on_spine(0.7)
        tangent = math.degrees(
            math.atan2(shoulder[1] - self.control[1], shoulder[0] - self.control[0])
        )
        head = _number(spec, "head", "", tangent)
        self.joints["head"] = _add(shoulder, _unit(head), HEAD_DIST)
        start = math.degrees(math.atan2(self.control[1], self.control[0]))
        for side, sign in (("near", 1.0), ("far", -1.0)):
            if self.view != "side":
                self.joints[f"{side}_shoulder"] = _add(
                    shoulder, _unit(tangent + 90), sign * SHOULDER_HALF
                )
                self.joints[f"{side}_hip"] = _add((0.0, 0.0), _unit(start + 90), sign * HIP_HALF)
        # Legs first, so a hand can be placed on a knee or a foot.
        for limb in ("leg", "arm"):
            for side in ("near", "far"):
                key = f"{side}_{limb}"
                if key not in spec:
                    raise _SpecError(key, "is required")
                self._limb(side, limb, _table(spec, key))
        anchor = spec.get("anchor", "hip")
        if anchor not in self.joints:
            raise _SpecError("anchor", f"unknown joint {anchor!r}")
        at = _pair(spec.get("at", [0, 0]), "at")
        base = self.joints[anchor]
        shift = (at[0] - base[0], at[1] - base[1])
        self.joints = {name: _add(p, shift) for name, p in self.joints.items()}
        self.control = _add(self.control, shift)

    def _on_spine(self, t: float) -> Point:
        hip, c, sh = (0.0, 0.0), self.control, self.joints["shoulder"]
        u = 1 - t
        return (
            u * u * hip[0] + 2 * u * t * c[0] + t * t * sh[0],
            u * u * hip[1] + 2 * u * t * c[1] + t * t * sh[1],
        )

    def _limb(self, side: str, limb: str, table: dict) -> None:
        field = f"{side}_{limb}."
        angle_keys, end_key = LIMB_KEYS[limb]
        mid, end = ("elbow", "hand") if limb == "arm" else ("knee", "ankle")
        a, b = (UPPER_ARM, FOREARM) if limb == "arm" else (THIGH, SHIN)
        root_name = "shoulder" if limb == "arm" else "hip"
        root = self.joints.get(f"{side}_{root_name}", self.joints[root_name])
        if end_key in table:
            _check_keys(table, {end_key, "bend"} | (angle_keys & {"foot"}), field)
            target = _point(table[end_key], self.joints, f"{field}{end_key}")
            bend = _choice(table, "bend", field, BENDS)
            middle, tip = _solve(root, target, a, b, bend, f"{field}{end_key}")
        else:
            _check_keys(table, angle_keys, field)
            first, second = ("upper", "fore") if limb == "arm" else ("thigh", "shin")
            middle = _add(root, _segment(table, first, field, a))
            tip = _add(middle, _segment(table, second, field, b))
        self.joints[f"{side}_{mid}"] = middle
        self.joints[f"{side}_{end}"] = tip
        if limb == "leg":
            self.joints[f"{side}_toe"] = _add(tip, _segment(table, "foot", field, FOOT, 0.0))


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
    # [angle, depth] tilts the segment out of the picture plane, so it looks shorter.
    value = table.get(key, default)
    if isinstance(value, list):
        if len(value) != 2:
            raise _SpecError(f"{field}{key}", f"expected an angle or [angle, depth], got {value!r}")
        angle, depth = _pair(value, f"{field}{key}")
        if not 0 <= depth < 90:
            raise _SpecError(f"{field}{key}", f"depth must be 0 to 89, got {depth:g}")
        length *= math.cos(math.radians(depth))
    else:
        angle = _number(table, key, field, default)
    direction = _unit(angle)
    return direction[0] * length, direction[1] * length


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
    dx, dy = target[0] - root[0], target[1] - root[1]
    dist = math.hypot(dx, dy)
    if dist > a + b + REACH_SLACK:
        raise _SpecError(field, f"out of reach by {dist - a - b:.1f}")
    dist = min(max(dist, abs(a - b) + 0.01), a + b)
    base = math.degrees(math.atan2(dy, dx))
    spread = math.degrees(math.acos((a * a + dist * dist - b * b) / (2 * a * dist)))
    options = [_add(root, _unit(base + s * spread), a) for s in (1, -1)]
    score: dict[str, Callable[[Point], float]] = {
        "forward": lambda p: p[0],
        "back": lambda p: -p[0],
        "up": lambda p: p[1],
        "down": lambda p: -p[1],
    }
    middle = max(options, key=score[bend])
    reach = math.degrees(math.atan2(target[1] - middle[1], target[0] - middle[0]))
    return middle, _add(middle, _unit(reach), b)


class _Canvas:
    """Collects shapes in floor coordinates and writes them as centred SVG."""

    def __init__(self) -> None:
        self.shapes: list[tuple[str, str, list[Point], float]] = []

    def line(self, cls: str, points: list[Point], width: float = 0.0) -> None:
        self.shapes.append(("line", cls, points, width))

    def quad(self, cls: str, points: list[Point], width: float) -> None:
        self.shapes.append(("quad", cls, points, width))

    def circle(self, cls: str, center: Point, radius: float) -> None:
        self.shapes.append(("circle", cls, [center], radius))

    def rect(self, cls: str, corner: Point, size: Point) -> None:
        self.shapes.append(("rect", cls, [corner, size], 0.0))

    def tri(self, cls: str, points: list[Point]) -> None:
        self.shapes.append(("tri", cls, points, 0.0))

    def _extent(self, axis: int) -> tuple[float, float]:
        values: list[float] = []
        for kind, _cls, pts, size in self.shapes:
            if kind == "rect":
                values += [pts[0][axis], pts[0][axis] + pts[1][axis]]
            else:
                pad = size if kind == "circle" else size / 2
                values += [p[axis] - pad for p in pts] + [p[axis] + pad for p in pts]
        return min(values), max(values)

    def svg(self, title: str | None, mirror: bool, floor: bool) -> str:
        low, high = self._extent(0)
        bottom, top = self._extent(1)
        if high - low > WIDTH - 4 or top > FLOOR_Y - 1 or bottom < FLOOR_Y - HEIGHT + 1:
            raise _SpecError("at", "the drawing does not fit in the picture")
        shift = WIDTH / 2 - (low + high) / 2

        def x(v: float) -> str:
            v += shift
            return _fmt(WIDTH - v if mirror else v)

        def y(v: float) -> str:
            return _fmt(FLOOR_Y - v)

        def xy(p: Point) -> str:
            return f"{x(p[0])} {y(p[1])}"

        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        ]
        if title:
            out.append(f"<title>{escape(title)}</title>")
        out.append(f"<style>{STYLE}</style>")
        if floor:
            out.append(f'<line class="f" x1="6" y1="{FLOOR_Y}" x2="{WIDTH - 6}" y2="{FLOOR_Y}"/>')
        for kind, cls, pts, size in self.shapes:
            width = f' stroke-width="{_fmt(size)}"' if size and kind in ("line", "quad") else ""
            if kind == "line":
                d = "M" + "L".join(xy(p) for p in pts)
                out.append(f'<path class="{cls}"{width} d="{d}"/>')
            elif kind == "quad":
                d = f"M{xy(pts[0])}Q{xy(pts[1])} {xy(pts[2])}"
                out.append(f'<path class="{cls}"{width} d="{d}"/>')
            elif kind == "tri":
                d = "M" + "L".join(xy(p) for p in pts) + "Z"
                out.append(f'<path class="{cls}" d="{d}"/>')
            elif kind == "circle":
                c = pts[0]
                out.append(
                    f'<circle class="{cls}" cx="{x(c[0])}" cy="{y(c[1])}" r="{_fmt(size)}"/>'
                )
            else:
                (left, bottom), (w, h) = pts
                rx = left + w if mirror else left
                out.append(
                    f'<rect class="{cls}" x="{x(rx)}" y="{y(bottom + h)}" '
                    f'width="{_fmt(w)}" height="{_fmt(h)}" rx="1.5"/>'
                )
        out.append("</svg>")
        return "\n".join(out) + "\n"


def _fmt(value: float) -> str:
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _props(spec: dict, canvas: _Canvas, fig: _Figure) -> None:
    if "mat" in spec:
        mat = _table(spec, "mat")
        _check_keys(mat, {"x", "width", "y", "height"}, "mat.")
        corner = (_number(mat, "x", "mat."), _number(mat, "y", "mat.", 0.0))
        size = (_number(mat, "width", "mat."), _number(mat, "height", "mat.", 3.0))
        canvas.rect("m", corner, size)
    if "wall" in spec:
        wall = _table(spec, "wall")
        _check_keys(wall, {"x"}, "wall.")
        wx = _number(wall, "x", "wall.")
        canvas.line("p", [(wx, 0.0), (wx, WALL_H)], 4)
    if "step" in spec:
        step = _table(spec, "step")
        _check_keys(step, {"x", "width", "height"}, "step.")
        size = (_number(step, "width", "step."), _number(step, "height", "step."))
        canvas.rect("p", (_number(step, "x", "step."), 0.0), size)
    if "chair" in spec:
        _chair(_table(spec, "chair"), canvas, fig.view)


def _chair(chair: dict, canvas: _Canvas, view: str) -> None:
    _check_keys(chair, {"x", "faces"}, "chair.")
    cx = _number(chair, "x", "chair.")
    if view != "side":
        half = SEAT_WIDTH / 2
        canvas.line("p", [(cx - half, SEAT_H + CHAIR_BACK), (cx + half, SEAT_H + CHAIR_BACK)])
        for side in (-1, 1):
            canvas.line("p", [(cx + side * half, SEAT_H + CHAIR_BACK), (cx + side * half, 0.0)])
        canvas.line("p", [(cx - half - 2, SEAT_H), (cx + half + 2, SEAT_H)])
        return
    sign = 1.0 if _choice(chair, "faces", "chair.", ("right", "left")) == "right" else -1.0
    front = cx + sign * SEAT_DEPTH
    canvas.line("p", [(cx, SEAT_H + CHAIR_BACK), (cx, 0.0)])
    canvas.line("p", [(cx, SEAT_H), (front, SEAT_H), (front, 0.0)])


def _body(fig: _Figure, canvas: _Canvas) -> None:
    j = fig.joints
    far = "k" if fig.view == "side" else "b"
    for side, cls in (("far", far), ("near", "b")):
        hip = j.get(f"{side}_hip", j["hip"])
        shoulder = j.get(f"{side}_shoulder", j["shoulder"])
        leg = [hip, j[f"{side}_knee"], j[f"{side}_ankle"], j[f"{side}_toe"]]
        arm = [shoulder, j[f"{side}_elbow"], j[f"{side}_hand"]]
        if side == "near":
            canvas.line(cls, leg, LEG_W)
            canvas.line(cls, arm, ARM_W)
            continue
        # The torso and head sit between the far and the near limbs so crossings read in depth.
        canvas.line(cls, arm, ARM_W)
        canvas.line(cls, leg, LEG_W)
        width = TORSO_W if fig.view == "side" else FRONT_TORSO_W
        canvas.quad("b", [j["hip"], fig.control, j["shoulder"]], width)
        if fig.view != "side":
            canvas.line("b", [j["near_shoulder"], j["far_shoulder"]], ARM_W)
            canvas.line("b", [j["near_hip"], j["far_hip"]], LEG_W)
        canvas.circle("h", j["head"], HEAD_R)


def _marks(spec: dict, canvas: _Canvas, joints: dict[str, Point]) -> None:
    for key, cls in (("strap", "a"), ("towel", "t")):
        for i, band in enumerate(_tables(spec, key)):
            field = f"{key}[{i}]."
            _check_keys(band, {"points"}, field)
            pts = band.get("points")
            if not isinstance(pts, list) or len(pts) < 2:
                raise _SpecError(f"{field}points", "expected a list of two or more points")
            canvas.line(cls, [_point(p, joints, f"{field}points") for p in pts])
    for i, arc in enumerate(_tables(spec, "arc")):
        field = f"arc[{i}]."
        _check_keys(arc, {"center", "offset", "radius", "start", "end"}, field)
        center = _add(
            _point(arc.get("center"), joints, f"{field}center"),
            _pair(arc.get("offset", [0, 0]), f"{field}offset"),
        )
        radius = _number(arc, "radius", field)
        start, end = _number(arc, "start", field), _number(arc, "end", field)
        steps = max(2, int(abs(end - start) / 15))
        pts = [
            _add(center, _unit(start + (end - start) * s / steps), radius) for s in range(steps + 1)
        ]
        canvas.line("a", pts)
        tip = pts[-1]
        turn = 1.0 if end > start else -1.0
        heading = end + 90 * turn
        back = _add(tip, _unit(heading), -5.5)
        canvas.tri(
            "af",
            [
                _add(tip, _unit(heading), 1.5),
                _add(back, _unit(heading + 90), 3.2),
                _add(back, _unit(heading - 90), 3.2),
            ],
        )
    for i, waves in enumerate(_tables(spec, "waves")):
        field = f"waves[{i}]."
        _check_keys(waves, {"at", "offset", "count"}, field)
        base = _add(
            _point(waves.get("at"), joints, f"{field}at"),
            _pair(waves.get("offset", [0, 0]), f"{field}offset"),
        )
        for n in range(int(_number(waves, "count", field, 3.0))):
            y0 = base[1] + 6 * n
            pts = [(base[0] - 9 + 3 * k, y0 + (1.6 if k % 2 else -1.6)) for k in range(7)]
            canvas.line("a", pts)


def _render(spec: dict, title: str | None) -> str:
    mirror = _choice(spec, "facing", "", ("right", "left")) == "left"
    fig = _Figure(spec)
    canvas = _Canvas()
    _props(spec, canvas, fig)
    _body(fig, canvas)
    _marks(spec, canvas, fig.joints)
    return canvas.svg(title, mirror, floor=fig.view != "top")


def render_figure(spec: dict, *, title: str | None = None) -> str:
    """Return the SVG text for one figure spec."""
    try:
        return _render(spec, title if title is not None else spec.get("title"))
    except _SpecError as exc:
        raise FigureError("<spec>", str(exc)) from None


def load_figure(path: Path) -> dict:
    """Read one figure spec from TOML and check that it can be drawn."""
    try:
        with path.open("rb") as fh:
            spec = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise FigureError(path, f"invalid TOML: {exc}") from None
    try:
        _render(spec, None)
    except _SpecError as exc:
        raise FigureError(path, str(exc)) from None
    return spec


def draw_all(figures_dir: Path, out_dir: Path) -> list[Path]:
    """Render every figures_dir/<id>.toml to out_dir/<id>.svg and return the written paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for spec_path in sorted(figures_dir.glob("*.toml")):
        spec = load_figure(spec_path)
        target = out_dir / f"{spec_path.stem}.svg"
        target.write_text(render_figure(spec), encoding="utf-8", newline="\n")
        written.append(target)
    return written
