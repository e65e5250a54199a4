"""Generated routines: their choices written into a slug, so a preview plays like any routine."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog import AREAS, POSITION_LABELS, POSITIONS, Catalog, Routine
from .generator import GeneratorError, generate
from .routines import as_routine

PREFIX = "gen-"
MIN_MINUTES, MAX_MINUTES = 3, 30
MAX_SEED = 999_999
# One letter per choice, in AREAS and POSITIONS order: a=abdomen, b=back, l=legs;
# places s=standing, c=chair, f=floor, b=bed.
_AREA_CODES = {"legs": "l", "abdomen": "a", "back": "b"}
_PLACE_CODES = {"standing": "s", "chair": "c", "floor": "f", "bed": "b"}
_LEVEL_CODES = {"gentle": "g", "moderate": "m"}
_SLUG = re.compile(r"gen-([lab]{1,3})-([0-9]{1,2})-([scfb]{1,4})-([gm])-([0-9]{1,6})")


@dataclass(frozen=True)
class Choices:
    """What a person asked the generator for."""

    areas: tuple[str, ...]
    minutes: int
    places: tuple[str, ...]
    level: str
    seed: int


def choices(areas: Iterable[str], minutes: int, places: Iterable[str], level: str | None,
            seed: int) -> Choices:
    """Return checked, ordered choices; raise GeneratorError with a plain message if bad."""
    wanted = set(areas)
    if not wanted or not wanted <= set(AREAS):
        raise GeneratorError(f"Pick at least one area: {', '.join(AREAS)}.")
    allowed = set(places)
    if not allowed or not allowed <= set(POSITIONS):
        raise GeneratorError(f"Pick at least one place: {', '.join(POSITIONS)}.")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise GeneratorError(f"Minutes must be from {MIN_MINUTES} to {MAX_MINUTES}.")
    if level not in (None, "gentle", "moderate"):
        raise GeneratorError("Level must be gentle or moderate.")
    if not 0 <= seed <= MAX_SEED:
        raise GeneratorError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    return Choices(tuple(a for a in AREAS if a in wanted), minutes,
                   tuple(p for p in POSITIONS if p in allowed), level or "gentle", seed)


def slug_for(c: Choices) -> str:
    """Return the slug that plays these choices."""
    areas = "".join(_AREA_CODES[a] for a in c.areas)
    places = "".join(_PLACE_CODES[p] for p in c.places)
    return f"{PREFIX}{areas}-{c.minutes}-{places}-{_LEVEL_CODES[c.level]}-{c.seed}"


def choices_of(slug: str) -> Choices | None:
    """Return the choices a generated routine's slug holds, or None when it is not one."""
    found = _SLUG.fullmatch(slug)
    if found is None:
        return None
    areas = [a for a, code in _AREA_CODES.items() if code in found[1]]
    places = [p for p, code in _PLACE_CODES.items() if code in found[3]]
    level = next(lv for lv, code in _LEVEL_CODES.items() if code == found[4])
    try:
        picked = choices(areas, int(found[2]), places, level, int(found[5]))
    except GeneratorError:
        return None
    return picked if slug_for(picked) == slug else None  # one slug per set of choices


def generated_routine(c: Choices, catalog: Catalog) -> Routine:
    """Return the routine these choices generate; raise GeneratorError if none fits."""
    allowed = set(c.places)
    made = generate(catalog.poses, areas=c.areas, minutes=c.minutes, level=c.level,
                    allowed=lambda pose: bool(allowed & set(pose.positions)), seed=c.seed)
    steps = [{"pose": s.pose, "seconds": s.seconds, "note": None} for s in made.steps]
    return as_routine(slug_for(c), made.title, None, made.level, made.prep_seconds,
                      made.transition_seconds, steps, catalog.poses,
                      summary=_summary(c))


def _summary(c: Choices) -> str:
    where = " or ".join(POSITION_LABELS[p].lower() for p in c.places)
    return f"Made for you from the pose library: {c.minutes} minutes of {c.level} poses, " \
           f"{where}."
