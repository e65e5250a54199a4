"""Generated routines: their choices written into a slug, so a preview plays like any routine."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, lazy_gettext, ngettext
from flask_babel import gettext as _

from ..catalog import AREAS, POSITIONS, Catalog, Routine
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
# The places as they read inside a sentence: "…, standing or on a chair."
_PLACE_WORDS = {"standing": lazy_gettext("standing"), "chair": lazy_gettext("on a chair"),
                "floor": lazy_gettext("on the floor"), "bed": lazy_gettext("in bed")}
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
        raise GeneratorError(_("Pick at least one area: legs, abdomen or back."))
    allowed = set(places)
    if not allowed or not allowed <= set(POSITIONS):
        raise GeneratorError(_("Pick at least one place: standing, chair, floor or bed."))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise GeneratorError(_("Minutes must be from %(low)s to %(high)s.", low=MIN_MINUTES,
                               high=MAX_MINUTES))
    if level not in (None, "gentle", "moderate"):
        raise GeneratorError(_("Level must be gentle or moderate."))
    if not 0 <= seed <= MAX_SEED:
        raise GeneratorError(_("The seed must be a whole number from 0 to %(most)s.",
                               most=MAX_SEED))
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
    where = format_list([str(_PLACE_WORDS[p]) for p in c.places], style="or",
                        locale=get_locale() or "en")
    if c.level == "moderate":
        return ngettext(
            "Made for you from the pose library: %(num)s minute of moderate poses, %(places)s.",
            "Made for you from the pose library: %(num)s minutes of moderate poses, %(places)s.",
            c.minutes, places=where)
    return ngettext(
        "Made for you from the pose library: %(num)s minute of gentle poses, %(places)s.",
        "Made for you from the pose library: %(num)s minutes of gentle poses, %(places)s.",
        c.minutes, places=where)
