"""Draw the pose illustrations: SVG pictogram figures posed by joint angles.

Each pose has a spec, ``routines/figures/<pose-id>.toml``; ``draw_all`` renders every spec to
``static/poses/<pose-id>.svg`` (``flask poses draw``). Proportions, stroke widths and the palette
are fixed here, so every picture matches and a spec only says how the joints turn, what stands
around, which muscle is stretched and, for a movement, its other key positions.

Coordinates are figure units: x to the right, y up from the floor. Each picture is framed to
its drawing afterwards (scaled up to fill it and centred in the 240 x 160 view box), so only
relative positions matter. Angles are absolute degrees, not relative to the parent limb: 0
points forward (right), 90 up, 180 back (left), -90 down. Any segment angle may be written
``[angle, depth]`` to tilt it ``depth`` degrees toward the viewer, which shortens it. Every
figure faces right, so the viewer sees its left side: near_* limbs are the left ones, and a
mirror image shows the right side.

Fields (``hip``, ``torso`` and the four limbs are required)::

    title = "Child's pose"     # the SVG <title>
    view = "side"              # side | front (the figure faces the viewer)
    above = false              # true: lying, seen from above on a mat (front view); no floor
    mirror = false             # front view only: swap left and right, so that the side a
                               #   per-side pose names first (the left) is the one shown
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
    wall = { x = 60 }                      # reaches a little above the figure
    step = { x = 30, width = 32, height = 20 }
    mat = { x = -60, width = 150 }         # above = true: also y and height
    [[strap]]                  # or [[towel]]: a band through two or more points
    points = ["near_hand", "near_toe", "far_hand"]
    [[stretch]]                # the muscle being stretched, in the accent colour
    along = ["near_knee", "near_ankle"]    # two or more points along the limb
    shift = -2                 # move it sideways off the bone (+ is left of the first point
    trim = 0.15                #   looking toward the last); trim both ends by this fraction
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

    [motion]                   # a movement: the seconds to move between positions and to
    move = 2.5                 #   stay in each; the top-level pose is the main position,
    hold = 1.0                 #   the only one shown when the reader asks for less motion
    [[key]]                    # each further position: only the pose fields that change
    torso = 30                 #   (hip, torso, curve, head, whole limb tables)

A point is ``[x, y]``, a joint name, or ``[joint, dx, dy]``. Joints: hip, shoulder, head,
belly, chest, and near_/far_ elbow, hand, knee, ankle, toe; front view adds near_/far_ hip
and shoulder. A movement cycles main -> key 1 -> ... -> main, every joint turning smoothly by
angle (SMIL inside the SVG, so an <img> needs nothing more); arrows and arcs are shown only
on the still picture.

``load_figure`` rejects unknown fields, wrong types, hands or feet placed out of reach and
drawings that sink below the floor, naming the file and the field.
"""

import tomllib
from pathlib import Path

from .scene import HEAD, bands, body, breath, extent, frame_scale, hints, props, write_svg
from .skeleton import (
    POSE_FIELDS,
    Figure,
    FigureError,
    SpecError,
    check_fields,
    choice,
    number,
    table_of,
    tables,
)

__all__ = ["FigureError", "draw_all", "load_figure", "render_figure"]

TOP_FIELDS = POSE_FIELDS | {
    "title", "view", "above", "mirror", "chair", "wall", "step", "mat", "strap", "towel",
    "stretch", "arc", "arrow", "waves", "motion", "key",
}  # fmt: skip
FLOOR_SLACK = 1.5
# Frames drawn per move between two key positions; SMIL blends linearly between them.
STEPS = 6


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def _timeline(spec: dict, keys: int) -> tuple[list[tuple[float, float, int, int]], float]:
    """Return (time, blend, from, to) samples for one cycle, and the cycle's length."""
    motion = table_of(spec, "motion", {"move", "hold"}) if "motion" in spec else {}
    move, hold = number(motion, "move", "motion.", 2.0), number(motion, "hold", "motion.", 0.8)
    if not 0.2 <= move <= 10 or not 0 <= hold <= 10:
        raise SpecError("motion.move", "move must be 0.2 to 10 seconds, hold 0 to 10")
    samples, now = [], 0.0
    order = [*range(keys), 0]
    for a, b in zip(order, order[1:], strict=False):
        if hold or not samples:
            samples.append((now, 0.0, a, b))
        if hold:
            now += hold
            samples.append((now, 0.0, a, b))
        for k in range(1, STEPS + 1):
            samples.append((now + move * k / STEPS, _ease(k / STEPS), a, b))
        now += move
    return samples, now


def _figures(spec: dict, view: str, head_k: float) -> list[Figure]:
    """Return the main position and every [[key]] position."""
    figures = [Figure(spec, view, head_k)]
    for i, key in enumerate(tables(spec, "key")):
        check_fields(key, POSE_FIELDS, f"key[{i}].")
        try:
            figures.append(Figure({**spec, **key}, view, head_k))
        except SpecError as exc:
            raise SpecError(f"key[{i}]", str(exc)) from None
    return figures


def _render(spec: dict, title: str | None) -> str:
    check_fields(spec, TOP_FIELDS, "")
    if title is not None and not isinstance(title, str):
        raise SpecError("title", f"expected a string, got {title!r}")
    view = choice(spec, "view", "", ("side", "front"))
    above, mirror = spec.get("above", False), spec.get("mirror", False)
    for key, value in (("above", above), ("mirror", mirror)):
        if not isinstance(value, bool):
            raise SpecError(key, f"expected true or false, got {value!r}")
    if mirror and view != "front":
        raise SpecError("mirror", "only a front view may be mirrored: side views all face right")
    if above and view != "front":
        raise SpecError("above", "a figure seen from above is drawn in front view")
    if "motion" in spec and not tables(spec, "key"):
        raise SpecError("motion", "a movement needs at least one [[key]] position")
    head_k = 1.0
    # Twice: the head's size follows the framing, which depends a little on the head.
    for _ in range(2):
        figures = _figures(spec, view, head_k)
        samples, seconds = _timeline(spec, len(figures))
        poses, timeline = [], []
        for when, blend, a, b in samples if len(figures) > 1 else [(0.0, 0.0, 0, 0)]:
            fig = figures[a].blend(figures[b], blend) if blend else figures[a]
            poses.append(body(fig, spec, head_k) + bands(spec, fig.joints))
            timeline.append((when, len(poses) - 1))
        top = max(extent(pose, 1)[1] for pose in poses)
        floor = min(extent(pose, 1)[0] for pose in poses)
        if not above and floor < -FLOOR_SLACK:
            raise SpecError("hip", f"the drawing sinks {-floor:.1f} below the floor")
        still = props(spec, view, top, above) + breath(spec, figures[0].joints)
        marks = hints(spec, figures[0].joints)
        scale = frame_scale(still + [s for pose in poses for s in pose] + marks, not above)
        head_k = scale ** (HEAD - 1)
    return write_svg(title, not above, still, poses, marks, timeline, seconds, mirror)


def render_figure(spec: dict, *, title: str | None = None) -> str:
    """Return the SVG text for one figure spec (title defaults to the spec's own)."""
    try:
        return _render(spec, title if title is not None else spec.get("title"))
    except SpecError as exc:
        raise FigureError("<spec>", str(exc)) from None


def load_figure(path: Path) -> dict:
    """Read one figure spec from TOML and check that it can be drawn."""
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FigureError(path, f"invalid TOML: {exc}") from None
    try:
        _render(spec, spec.get("title"))
    except SpecError as exc:
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
