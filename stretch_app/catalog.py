"""The content catalog: load routines/ TOML files, validate them, expose immutable objects."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from .config import StartupError
from .labels import POSITION_LABELS as POSITION_LABELS
from .labels import SITUATION_LABELS as SITUATION_LABELS

AREAS: tuple[str, ...] = ("legs", "abdomen", "back")
TARGETS: tuple[str, ...] = (
    "calves", "feet", "shins", "hamstrings", "quadriceps", "hips", "glutes", "inner-thighs",
    "lower-back", "upper-back", "spine", "core", "side-body", "breath",
)  # fmt: skip
SITUATIONS: tuple[str, ...] = (
    "morning", "desk", "after-sitting", "after-standing", "warm-up", "after-exercise",
    "bedtime", "night-leg-cramps", "menstrual", "anytime",
)  # fmt: skip
# Places a pose can be done in, so people who cannot get down to the floor can filter.
POSITIONS: tuple[str, ...] = ("standing", "chair", "floor", "bed")
MAX_FILE_BYTES = 256 * 1024
MAX_ROUTINE_SECONDS = 45 * 60
RESERVED_PREFIXES = ("my-", "shared-", "gen-")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words that name a side in each language, so a mirrored picture's alt text names the other.
SIDE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("left", "right"),),
    "es": (("izquierda", "derecha"), ("izquierdo", "derecho")),
    "de": (("linken", "rechten"), ("linke", "rechte"), ("linker", "rechter"),
           ("linkes", "rechtes"), ("links", "rechts")),
}


def swap_sides(text: str, lang: str = "en") -> str:
    """Swap every word naming the left side with the one naming the right, and back."""
    pairs = SIDE_WORDS.get(lang, SIDE_WORDS["en"])
    other = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    pattern = r"\b(" + "|".join(map(re.escape, other)) + r")\b"
    return re.sub(pattern, lambda m: other[m[1]], text)

# Invisible or direction-changing characters make reviewed text differ from what users see.
_HIDDEN_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

Area = Literal["legs", "abdomen", "back"]
Target = Literal[
    "calves", "feet", "shins", "hamstrings", "quadriceps", "hips", "glutes", "inner-thighs",
    "lower-back", "upper-back", "spine", "core", "side-body", "breath",
]  # fmt: skip
Situation = Literal[
    "morning", "desk", "after-sitting", "after-standing", "warm-up", "after-exercise",
    "bedtime", "night-leg-cramps", "menstrual", "anytime",
]  # fmt: skip
Level = Literal["gentle", "moderate"]
Place = Literal["standing", "chair", "floor", "bed"]


def _clean_text(value: str) -> str:
    if _HIDDEN_CHARS.search(value):
        raise ValueError("contains invisible or direction-changing characters")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("contains control characters")
    if "<" in value or ">" in value:
        raise ValueError("must not contain < or >")
    return value


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("lists a place more than once")
    return values


def _text(min_length: int, max_length: int) -> Any:
    return Annotated[
        StrictStr,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_clean_text),
    ]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PoseFile(_Strict):
    """The schema of one pose file."""

    name: _text(2, 60)
    sanskrit: _text(2, 60) | None = None
    areas: Annotated[list[Area], Field(min_length=1, max_length=3)]
    targets: Annotated[list[Target], Field(min_length=1, max_length=6)]
    kind: Literal["stretch", "yoga", "mobility", "breathing"]
    position: Literal["standing", "chair", "seated", "kneeling", "lying"]
    positions: Annotated[list[Place], Field(min_length=1, max_length=4), AfterValidator(_distinct)]
    per_side: StrictBool
    hold_seconds: Annotated[StrictInt, Field(ge=5, le=300)]
    level: Level = "gentle"
    instructions: Annotated[list[_text(3, 160)], Field(min_length=3, max_length=6)]
    cue: _text(3, 90)
    cautions: Annotated[list[_text(3, 200)], Field(min_length=1, max_length=4)]
    easier: _text(3, 200)
    image_alt: _text(10, 200)


class StepFile(_Strict):
    """The schema of one routine step."""

    pose: Annotated[StrictStr, Field(min_length=1, max_length=80, pattern=SLUG_RE.pattern)]
    seconds: Annotated[StrictInt, Field(ge=5, le=600)] | None = None
    note: _text(2, 140) | None = None


class RoutineFile(_Strict):
    """The schema of one routine file."""

    title: _text(3, 60)
    summary: _text(10, 140)
    areas: Annotated[list[Area], Field(min_length=1, max_length=3)]
    situations: Annotated[list[Situation], Field(min_length=1, max_length=6)]
    level: Level
    prep_seconds: Annotated[StrictInt, Field(ge=0, le=60)]
    transition_seconds: Annotated[StrictInt, Field(ge=0, le=60)]
    steps: Annotated[list[StepFile], Field(min_length=1, max_length=60)]


@dataclass(frozen=True)
class Pose:
    """One pose, as the app uses it."""

    id: str
    name: str
    sanskrit: str | None
    areas: tuple[str, ...]
    targets: tuple[str, ...]
    kind: str
    position: str
    positions: tuple[str, ...]
    per_side: bool
    hold_seconds: int
    level: str
    instructions: tuple[str, ...]
    cue: str
    cautions: tuple[str, ...]
    easier: str
    image_alt: str
    lang: str = "en"  # the language of the texts above

    @property
    def image(self) -> str:
        """Return the illustration's path below static/."""
        return f"poses/{self.id}.svg"

    def alt_for(self, side: str | None) -> str:
        """Return the alt text for one side: pictures show the left, mirrored for the right."""
        if side != "right":
            return self.image_alt
        return swap_sides(self.image_alt, self.lang)


@dataclass(frozen=True)
class Step:
    """One step of a routine as written: a pose, its hold and an optional note."""

    pose_id: str
    seconds: int
    note: str | None


@dataclass(frozen=True)
class ExpandedStep:
    """One timed hold: per-side poses appear twice, left then right."""

    pose_id: str
    side: str | None
    seconds: int
    note: str | None

    @property
    def mirrored(self) -> bool:
        """Return whether the picture is shown mirrored (pictures are drawn for the left)."""
        return self.side == "right"


@dataclass(frozen=True)
class Routine:
    """One routine with its expanded holds and computed total duration."""

    slug: str
    title: str
    summary: str
    areas: tuple[str, ...]
    situations: tuple[str, ...]
    level: str
    prep_seconds: int
    transition_seconds: int
    steps: tuple[Step, ...]
    expanded_steps: tuple[ExpandedStep, ...] = field(default=())
    pose_places: tuple[tuple[str, ...], ...] = field(default=())  # each pose's places

    # Cached: a routine never changes, and pages and filters read these for every routine
    # on every request. (cached_property stores in __dict__, which frozen allows.)
    @cached_property
    def total_seconds(self) -> int:
        """Return prep + every hold + one transition between consecutive holds."""
        return total_seconds(self.prep_seconds, self.transition_seconds, self.expanded_steps)

    @cached_property
    def preview_images(self) -> tuple[str, ...]:
        """Return the pictures (paths below static/) of the first three poses, for cards."""
        first = list(dict.fromkeys(step.pose_id for step in self.steps))[:3]
        return tuple(f"poses/{pose_id}.svg" for pose_id in first)

    @cached_property
    def places(self) -> tuple[str, ...]:
        """Return the places where every pose of the routine can be done, in POSITIONS order."""
        return tuple(p for p in POSITIONS if all(p in places for places in self.pose_places))

    @cached_property
    def needs_floor(self) -> bool:
        """Return whether some pose of the routine can be done only on the floor."""
        return any(places == ("floor",) for places in self.pose_places)


def total_seconds(prep: int, transition: int, holds: Iterable[ExpandedStep]) -> int:
    """Return a routine's duration from its prep, transition and holds."""
    holds = tuple(holds)
    return prep + sum(h.seconds for h in holds) + transition * max(0, len(holds) - 1)


def expand_steps(steps: Iterable[Step], poses: Mapping[str, Pose]) -> tuple[ExpandedStep, ...]:
    """Expand per-side poses into a left and a right hold of the same length."""
    out: list[ExpandedStep] = []
    for step in steps:
        if poses[step.pose_id].per_side:
            out.append(ExpandedStep(step.pose_id, "left", step.seconds, step.note))
            out.append(ExpandedStep(step.pose_id, "right", step.seconds, step.note))
        else:
            out.append(ExpandedStep(step.pose_id, None, step.seconds, step.note))
    return tuple(out)


def pose_places(steps: Iterable[Step], poses: Mapping[str, Pose]) -> tuple[tuple[str, ...], ...]:
    """Return the places of each distinct pose of the steps, for Routine.pose_places."""
    return tuple(poses[pose_id].positions for pose_id in dict.fromkeys(s.pose_id for s in steps))


@dataclass(frozen=True)
class Catalog:
    """The immutable set of built-in poses and routines."""

    poses: Mapping[str, Pose]
    routines: Mapping[str, Routine]

    def routines_using(self, pose_id: str) -> list[Routine]:
        """Return the routines that include a pose, in title order."""
        found = [r for r in self.routines.values() if any(s.pose_id == pose_id for s in r.steps)]
        return sorted(found, key=lambda r: r.title)


class ContentError(StartupError):
    """Content failed validation; `problems` holds every `path: field: message` line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def _loc(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = str(part)
            if not _PLAIN_KEY.fullmatch(key):
                # An odd key (empty, long, with ":", a newline or invisible characters) is
                # quoted and escaped, so each problem stays one readable `path: field:` line.
                key = json.dumps(key[:60] + ("…" if len(key) > 60 else "")).replace(":", "\\u003a")
            text += ("." if text else "") + key
    return text or "(file)"


def _read_toml(path: Path, display: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(f"{display}: file: cannot be read ({exc.strerror})")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(f"{display}: file: larger than {MAX_FILE_BYTES // 1024} KB")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{display}: file: not valid UTF-8 (byte {exc.start})")
        return None
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{display}: toml: {exc}")
        return None


def _validate(
    model: type[BaseModel], data: dict[str, Any], display: str, problems: list[str]
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problems.append(f"{display}: {_loc(err['loc'])}: {err['msg']}")
        return None


def _slug_of(path: Path, display: str, problems: list[str]) -> str | None:
    slug = path.stem
    if not SLUG_RE.match(slug) or len(slug) > 80:
        problems.append(
            f"{display}: file name: must be a slug (lower-case letters, digits and hyphens)"
        )
        return None
    return slug


def load_catalog(content_dir: Path, static_dir: Path) -> Catalog:
    """Load and validate every pose and routine; raise ContentError listing every problem."""
    content_dir = Path(content_dir)
    static_dir = Path(static_dir)
    problems: list[str] = []
    base = content_dir.parent

    def display(path: Path) -> str:
        try:
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    if not content_dir.is_dir():
        raise ContentError([f"{content_dir}: folder: not found"])

    def parsed_files(folder: Path, model: type[BaseModel]) -> Iterator[tuple[str, str, Any]]:
        """Yield (shown path, slug, parsed model) for each valid file, noting the problems."""
        for path in sorted(folder.glob("*.toml")):
            shown = display(path)
            slug = _slug_of(path, shown, problems)
            data = _read_toml(path, shown, problems)
            if slug is None or data is None:
                continue
            parsed = _validate(model, data, shown, problems)
            if parsed is not None:
                yield shown, slug, parsed

    poses: dict[str, Pose] = {}
    for shown, slug, parsed in parsed_files(content_dir / "poses", PoseFile):
        image = static_dir / "poses" / f"{slug}.svg"
        if not image.is_file():
            problems.append(f"{shown}: image: {display(image)} not found")
        poses[slug] = Pose(
            id=slug,
            name=parsed.name,
            sanskrit=parsed.sanskrit,
            areas=tuple(parsed.areas),
            targets=tuple(parsed.targets),
            kind=parsed.kind,
            position=parsed.position,
            positions=tuple(p for p in POSITIONS if p in parsed.positions),
            per_side=parsed.per_side,
            hold_seconds=parsed.hold_seconds,
            level=parsed.level,
            instructions=tuple(parsed.instructions),
            cue=parsed.cue,
            cautions=tuple(parsed.cautions),
            easier=parsed.easier,
            image_alt=parsed.image_alt,
        )

    routines: dict[str, Routine] = {}
    titles: dict[str, str] = {}
    for shown, slug, parsed in parsed_files(content_dir, RoutineFile):
        # People's own, shared and generated routines are played under these prefixes, and a
        # reminder that follows a plan names its routine "plan".
        ok = not slug.startswith(RESERVED_PREFIXES) and slug != "plan"
        if not ok:
            problems.append(f"{shown}: file name: must not be 'plan' or start with "
                            f"{', '.join(RESERVED_PREFIXES)}")
        for index, step in enumerate(parsed.steps):
            if step.pose not in poses:
                problems.append(f"{shown}: steps[{index}].pose: unknown pose '{step.pose}'")
                ok = False
        if not ok:
            continue
        steps = tuple(
            Step(s.pose, s.seconds if s.seconds is not None else poses[s.pose].hold_seconds, s.note)
            for s in parsed.steps
        )
        covered = {area for s in steps for area in poses[s.pose_id].areas}
        for area in parsed.areas:
            if area not in covered:
                problems.append(f"{shown}: areas: '{area}' is not an area of any of its poses")
        title_key = parsed.title.casefold()
        if title_key in titles:
            problems.append(f"{shown}: title: same title as {titles[title_key]}")
        titles.setdefault(title_key, shown)
        routine = Routine(
            slug=slug,
            title=parsed.title,
            summary=parsed.summary,
            areas=tuple(parsed.areas),
            situations=tuple(parsed.situations),
            level=parsed.level,
            prep_seconds=parsed.prep_seconds,
            transition_seconds=parsed.transition_seconds,
            steps=steps,
            expanded_steps=expand_steps(steps, poses),
            pose_places=pose_places(steps, poses),
        )
        if routine.total_seconds > MAX_ROUTINE_SECONDS:
            problems.append(
                f"{shown}: steps: routine lasts {routine.total_seconds} s, "
                f"more than {MAX_ROUTINE_SECONDS} s"
            )
        routines[slug] = routine

    if not routines and not problems:
        problems.append(f"{display(content_dir)}: folder: no routines found")
    if problems:
        raise ContentError(problems)
    return Catalog(poses=MappingProxyType(poses), routines=MappingProxyType(routines))
