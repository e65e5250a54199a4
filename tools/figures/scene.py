"""Lay out one pose's shapes (props, body, marks) and write them as a framed SVG."""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape  # nosec B406 # escapes text we write, parses nothing

from .skeleton import (
    HEAD_R,
    Figure,
    Point,
    SpecError,
    add,
    check_fields,
    choice,
    heading,
    number,
    pair,
    point,
    table_of,
    tables,
    unit,
)

WIDTH = 240
HEIGHT = 160
MARGIN = 8.0
# Small figures (lying, folded) are enlarged to fill the frame; their limbs thicken much less
# (scale ** WEIGHT) and the head a little less (scale ** HEAD), so line weights stay close.
MAX_SCALE = 2.4
WEIGHT = 0.3
HEAD = 0.7

TORSO_W = 14
FRONT_TORSO_W = 20
LEG_W = 10
ARM_W = 9
MUSCLE_W = 5.5

SEAT_H = 30.0
SEAT_DEPTH = 34.0
SEAT_WIDTH = 44.0
CHAIR_BACK = 40.0

# One meaning per colour: figure (b near, k far), props (p, f, m, t bands), motion hints (a),
# and the accent s, used only for the muscle being stretched.
STYLE = (
    "path,circle,rect{fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".b{stroke:#2d4f73}.k{stroke:#8fa9c2}.h{fill:#2d4f73}"
    ".p{stroke:#b3bdc8;stroke-width:3}.f{stroke:#98a4b0;stroke-width:2}"
    ".m{fill:#f4f6f9;stroke:#c3ccd6;stroke-width:2}"
    ".t{stroke:#a88d5f;stroke-width:3}"
    ".a{stroke:#2a9686;stroke-width:2.5}.af{fill:#2a9686}"
    ".s{stroke:#e0452b}"
    "@media (prefers-color-scheme:dark){"
    ".b{stroke:#e8eff7}.k{stroke:#7e96ae}.h{fill:#e8eff7}"
    ".p{stroke:#5e6d7d}.f{stroke:#76848f}.m{fill:#1c242c;stroke:#4a5866}"
    ".t{stroke:#c4a878}.a{stroke:#4cc9b0}.af{fill:#4cc9b0}.s{stroke:#ff7559}}"
)
# Shown instead of the moving figure when the reader asks for less motion.
MOTION_STYLE = (
    ".st{display:none}@media (prefers-reduced-motion:reduce){.mv{display:none}.st{display:inline}}"
)
# Classes drawn as part of the body: they grow with the figure when it is framed.
BODY = {"b", "k", "h", "s"}


@dataclass(frozen=True)
class Shape:
    kind: str  # path | closed | quad | circle | rect | arc
    cls: str
    points: list[Point]
    size: float = 0.0  # stroke width, or the radius of a circle or arc
    large: bool = False  # arcs only
    ccw: bool = False  # arcs only


def extent(shapes: list[Shape], axis: int) -> tuple[float, float]:
    """Return the lowest and highest coordinate the shapes reach along one axis."""
    values: list[float] = []
    for shape in shapes:
        if shape.kind == "rect":
            corner, size = shape.points
            values += [corner[axis], corner[axis] + size[axis]]
            continue
        pad = {"circle": shape.size, "arc": 0.0}.get(shape.kind, shape.size / 2)
        values += [p[axis] + s * pad for p in shape.points for s in (-1, 1)]
    return min(values), max(values)


def props(spec: dict, view: str, top: float, above: bool = False) -> list[Shape]:
    """Return the mat, wall, step and chair; a wall reaches a little above the figure."""
    out = []
    if "mat" in spec:
        mat = table_of(spec, "mat", {"x", "width", "y", "height"} if above else {"x", "width"})
        corner = (number(mat, "x", "mat."), number(mat, "y", "mat.", 0.0))
        size = (number(mat, "width", "mat."), number(mat, "height", "mat.", 3.0))
        out.append(Shape("rect", "m", [corner, size]))
    if "wall" in spec:
        wall_x = number(table_of(spec, "wall", {"x"}), "x", "wall.")
        out.append(Shape("path", "p", [(wall_x, 2.0), (wall_x, top + 12)], 4))
    if "step" in spec:
        step = table_of(spec, "step", {"x", "width", "height"})
        size = (number(step, "width", "step."), number(step, "height", "step."))
        out.append(Shape("rect", "p", [(number(step, "x", "step."), 0.0), size]))
    if "chair" in spec:
        chair = table_of(spec, "chair", {"x", "faces"})
        cx = number(chair, "x", "chair.")
        back = SEAT_H + CHAIR_BACK
        if view == "front":
            half = SEAT_WIDTH / 2
            out.append(Shape("path", "p", [(cx - half, 0.0), (cx - half, back), (cx + half, back)]))
            out.append(Shape("path", "p", [(cx + half, back), (cx + half, 0.0)]))
            out.append(Shape("path", "p", [(cx - half - 2, SEAT_H), (cx + half + 2, SEAT_H)]))
        else:
            faces = choice(chair, "faces", "chair.", ("right", "left"))
            front = cx + (SEAT_DEPTH if faces == "right" else -SEAT_DEPTH)
            out.append(Shape("path", "p", [(cx, back), (cx, 0.0)]))
            out.append(Shape("path", "p", [(cx, SEAT_H), (front, SEAT_H), (front, 0.0)]))
    return out


def _muscles(spec: dict, fig: Figure) -> dict[str, list[Shape]]:
    """Return the stretched-muscle strokes, keyed by the body layer they are drawn after."""
    layers: dict[str, list[Shape]] = {"far": [], "torso": [], "near_leg": [], "near_arm": []}
    for i, muscle in enumerate(tables(spec, "stretch")):
        field = f"stretch[{i}]."
        check_fields(muscle, {"along", "shift", "trim", "width", "layer"}, field)
        along = muscle.get("along")
        if not isinstance(along, list) or len(along) < 2:
            raise SpecError(f"{field}along", "expected a list of two or more points")
        pts = [point(p, fig.joints, f"{field}along") for p in along]
        trim = number(muscle, "trim", field, 0.15)
        shift = number(muscle, "shift", field, 0.0)
        first, last = pts[0], pts[-1]
        pts[0] = add(first, (pts[1][0] - first[0], pts[1][1] - first[1]), trim)
        pts[-1] = add(last, (pts[-2][0] - last[0], pts[-2][1] - last[1]), trim)
        normal = unit(heading(first, last) + 90)
        pts = [add(p, normal, shift) for p in pts]
        name = along[0] if isinstance(along[0], str) else str(along[0][0])
        default = "torso"
        if name.startswith("far_"):
            default = "far"
        elif name.startswith("near_"):
            default = "near_arm" if name.split("_")[1] in ("elbow", "hand") else "near_leg"
        layer = choice(muscle, "layer", field, (default, *sorted(set(layers) - {default})))
        width = number(muscle, "width", field, MUSCLE_W)
        layers[layer].append(Shape("path", "s", pts, width))
    return layers


def body(fig: Figure, spec: dict, head_k: float = 1.0) -> list[Shape]:
    """Return the figure's shapes, far limbs first, so crossings read in depth."""
    j = fig.joints
    front = fig.view == "front"
    muscles = _muscles(spec, fig)
    limbs = {}
    for side in ("far", "near"):
        hip = j.get(f"{side}_hip", j["hip"])
        shoulder = j.get(f"{side}_shoulder", j["shoulder"])
        limbs[side] = (
            [hip, j[f"{side}_knee"], j[f"{side}_ankle"], j[f"{side}_toe"]],
            [shoulder, j[f"{side}_elbow"], j[f"{side}_hand"]],
        )
    far_cls = "b" if front else "k"
    out = [
        Shape("path", far_cls, limbs["far"][1], ARM_W),
        Shape("path", far_cls, limbs["far"][0], LEG_W),
        *muscles["far"],
        Shape(
            "quad",
            "b",
            [j["hip"], j["control"], j["shoulder"]],
            FRONT_TORSO_W if front else TORSO_W,
        ),
    ]
    if front:
        out.append(Shape("path", "b", [j["near_shoulder"], j["far_shoulder"]], ARM_W))
        out.append(Shape("path", "b", [j["near_hip"], j["far_hip"]], LEG_W))
    out.append(Shape("circle", "h", [j["head"]], HEAD_R * head_k))
    out += muscles["torso"]
    out.append(Shape("path", "b", limbs["near"][0], LEG_W))
    out += muscles["near_leg"]
    out.append(Shape("path", "b", limbs["near"][1], ARM_W))
    out += muscles["near_arm"]
    return out


def _arrowhead(tip: Point, toward: float) -> Shape:
    back = add(tip, unit(toward), -5.5)
    return Shape(
        "closed",
        "af",
        [
            add(tip, unit(toward), 1.5),
            add(back, unit(toward + 90), 3.2),
            add(back, unit(toward - 90), 3.2),
        ],
    )


def _points(table: dict, field: str, joints: dict[str, Point], count: int | None) -> list[Point]:
    value = table.get("points")
    if not isinstance(value, list) or len(value) < 2 or (count and len(value) != count):
        raise SpecError(f"{field}points", f"expected a list of {count or 'two or more'} points")
    return [point(p, joints, f"{field}points") for p in value]


def bands(spec: dict, joints: dict[str, Point]) -> list[Shape]:
    """Return straps and towels: they move with the figure."""
    out = []
    for key in ("strap", "towel"):
        for i, band in enumerate(tables(spec, key)):
            check_fields(band, {"points"}, f"{key}[{i}].")
            out.append(Shape("path", "t", _points(band, f"{key}[{i}].", joints, None)))
    return out


def breath(spec: dict, joints: dict[str, Point]) -> list[Shape]:
    """Return the breath marks: they stay still while the figure breathes."""
    out = []
    for i, waves in enumerate(tables(spec, "waves")):
        field = f"waves[{i}]."
        check_fields(waves, {"at", "offset", "count"}, field)
        base = add(
            point(waves.get("at"), joints, f"{field}at"),
            pair(waves.get("offset", [0, 0]), f"{field}offset"),
        )
        for n in range(int(number(waves, "count", field, 3.0))):
            zigzag = [
                (base[0] - 9 + 3 * k, base[1] + 6 * n + 1.6 * (-1) ** (k + 1)) for k in range(7)
            ]
            out.append(Shape("path", "a", zigzag))
    return out


def hints(spec: dict, joints: dict[str, Point]) -> list[Shape]:
    """Return the motion arrows, drawn on the main position."""
    out = []
    for i, arc in enumerate(tables(spec, "arc")):
        field = f"arc[{i}]."
        check_fields(arc, {"center", "offset", "radius", "start", "end"}, field)
        center = add(
            point(arc.get("center"), joints, f"{field}center"),
            pair(arc.get("offset", [0, 0]), f"{field}offset"),
        )
        radius = number(arc, "radius", field)
        start, end = number(arc, "start", field), number(arc, "end", field)
        if not 0 < abs(end - start) < 360:
            raise SpecError(f"{field}end", "must differ from start by less than 360 degrees")
        steps = math.ceil(abs(end - start) / 10)
        pts = [
            add(center, unit(start + (end - start) * k / steps), radius) for k in range(steps + 1)
        ]
        out.append(Shape("arc", "a", pts, radius, abs(end - start) > 180, end > start))
        out.append(_arrowhead(pts[-1], end + (90 if end > start else -90)))
    for i, arrow in enumerate(tables(spec, "arrow")):
        check_fields(arrow, {"points"}, f"arrow[{i}].")
        tail, tip = _points(arrow, f"arrow[{i}].", joints, 2)
        out.append(Shape("path", "a", [tail, tip]))
        out.append(_arrowhead(tip, heading(tail, tip)))
    return out


def _fmt(value: float) -> str:
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def frame_scale(shapes: list[Shape], floor: bool) -> float:
    """Return how much the picture enlarges the drawing to frame it."""
    return Frame(shapes, floor).scale


class Frame:
    """Map floor coordinates to picture coordinates: scaled and centred."""

    def __init__(self, shapes: list[Shape], floor: bool, mirror: bool = False) -> None:
        low, high = extent(shapes, 0)
        bottom, top = extent(shapes, 1)
        if floor:
            bottom = min(bottom, 0.0)
        fit = min((WIDTH - 2 * MARGIN) / (high - low), (HEIGHT - 2 * MARGIN) / (top - bottom))
        self.scale = min(fit, MAX_SCALE)
        self.mid = ((low + high) / 2, (bottom + top) / 2)
        self.mirror = mirror
        self.floor_y = self.y(0.0) if floor else None

    def x(self, v: float) -> str:
        x = WIDTH / 2 + (v - self.mid[0]) * self.scale
        return _fmt(WIDTH - x if self.mirror else x)

    def y(self, v: float) -> str:
        return _fmt(HEIGHT / 2 - (v - self.mid[1]) * self.scale)

    def xy(self, p: Point) -> str:
        return f"{self.x(p[0])} {self.y(p[1])}"

    def element(self, s: Shape) -> tuple[str, dict[str, str]]:
        """Return a shape's tag and attributes; the geometry ones are what moves."""
        k = self.scale**WEIGHT if s.cls in BODY else 1.0
        attrs = {"class": s.cls}
        if s.size and s.kind in ("path", "quad"):
            attrs["stroke-width"] = _fmt(s.size * k)
        if s.kind == "circle":
            c = s.points[0]
            attrs.update(cx=self.x(c[0]), cy=self.y(c[1]), r=_fmt(s.size * self.scale))
            return "circle", attrs
        if s.kind == "rect":
            (left, low_y), (w, h) = s.points
            attrs.update(
                x=self.x(left + w if self.mirror else left),
                y=self.y(low_y + h),
                width=_fmt(w * self.scale),
                height=_fmt(h * self.scale),
                rx="1.5",
            )
            return "rect", attrs
        if s.kind in ("path", "closed"):
            d = "M" + "L".join(self.xy(p) for p in s.points) + ("Z" if s.kind == "closed" else "")
        elif s.kind == "quad":
            d = f"M{self.xy(s.points[0])}Q{self.xy(s.points[1])} {self.xy(s.points[2])}"
        else:
            # SVG's y points down, so a counter-clockwise arc sweeps negatively unless mirrored.
            r = _fmt(s.size * self.scale)
            sweep = int(s.ccw == self.mirror)
            d = f"M{self.xy(s.points[0])}A{r} {r} 0 {int(s.large)} {sweep} {self.xy(s.points[-1])}"
        attrs["d"] = d
        return "path", attrs


def _tag(name: str, attrs: dict[str, str], inner: str = "") -> str:
    text = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return f"<{name} {text}>{inner}</{name}>" if inner else f"<{name} {text}/>"


def _animated(
    frame: Frame,
    shapes: list[Shape],
    timeline: list[tuple[float, int]],
    poses: list[list[Shape]],
    seconds: float,
) -> str:
    """Return one shape with an <animate> for each attribute that changes along the timeline."""
    name, attrs = frame.element(shapes[0])
    per_pose = [frame.element(s)[1] for s in shapes]
    key_times = ";".join(_fmt3(t / seconds) for t, _ in timeline)
    inner = ""
    for attr in attrs:
        values = [per_pose[i][attr] for _, i in timeline]
        if len(set(values)) > 1:
            inner += _tag(
                "animate",
                {
                    "attributeName": attr,
                    "dur": f"{_fmt(seconds)}s",
                    "repeatCount": "indefinite",
                    "keyTimes": key_times,
                    "values": ";".join(values),
                },
            )
    return _tag(name, attrs, inner)


def _fmt3(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def write_svg(
    title: str | None,
    floor: bool,
    still: list[Shape],
    poses: list[list[Shape]],
    marks: list[Shape],
    timeline: list[tuple[float, int]],
    seconds: float,
    mirror: bool = False,
) -> str:
    """Return the framed SVG; with more than one pose, the figure moves along the timeline."""
    moving = len(poses) > 1
    frame = Frame(still + [s for pose in poses for s in pose] + marks, floor, mirror)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f"<style>{STYLE}{MOTION_STYLE if moving else ''}</style>")
    if frame.floor_y is not None:
        out.append(f'<path class="f" d="M4 {frame.floor_y}H{WIDTH - 4}"/>')
    out += [_tag(*frame.element(s)) for s in still]
    if moving:
        out.append('<g class="mv">')
        for i in range(len(poses[0])):
            out.append(_animated(frame, [pose[i] for pose in poses], timeline, poses, seconds))
        out.append('</g><g class="st">')
    out += [_tag(*frame.element(s)) for s in poses[0] + marks]
    if moving:
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
