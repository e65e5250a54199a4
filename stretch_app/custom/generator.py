"""The quick generator: a balanced routine of the asked length from the pose library."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext

from ..catalog import AREAS, Pose, Step, expand_steps, total_seconds

PREP_SECONDS = 10
TRANSITION_SECONDS = 5
MAX_STEPS = 40
MIN_MINUTES, MAX_MINUTES = 3, 30
# Holds are multiples of 5 s: short enough for a 3-minute sampler, never an endless hold.
MIN_HOLD, MAX_HOLD, STEP = 10, 120, 5
PREFERRED = (20, 90)
TOLERANCE = 0.10
# Main poses flow from standing down to the floor, so nobody gets up and down again.
_FLOW = ("standing", "chair", "seated", "kneeling", "lying")
# Every set of areas has its own words, so each language can join and inflect them its way.
_AREA_WORDS = {
    ("legs",): lazy_gettext("Legs"), ("abdomen",): lazy_gettext("Abdomen"),
    ("back",): lazy_gettext("Back"),
    ("legs", "abdomen"): lazy_gettext("Legs and abdomen"),
    ("legs", "back"): lazy_gettext("Legs and back"),
    ("abdomen", "back"): lazy_gettext("Abdomen and back"),
    ("legs", "abdomen", "back"): lazy_gettext("Legs, abdomen and back"),
}  # fmt: skip
_NO_POSE_FOR = {
    "legs": lazy_gettext("No pose for the legs fits those choices: allow more places or "
                         "choose other areas."),
    "abdomen": lazy_gettext("No pose for the abdomen fits those choices: allow more places or "
                            "choose other areas."),
    "back": lazy_gettext("No pose for the back fits those choices: allow more places or "
                         "choose other areas."),
}


@dataclass(frozen=True)
class GeneratedStep:
    """One generated step: a pose and its seconds per side or hold."""

    pose: str
    seconds: int


@dataclass(frozen=True)
class Generated:
    """A generated routine, ready to preview, play or save."""

    title: str
    level: str
    prep_seconds: int
    transition_seconds: int
    steps: tuple[GeneratedStep, ...]
    total_seconds: int


class GeneratorError(ValueError):
    """Choices the generator cannot meet, with a plain message saying what to change."""


def _check(areas: Sequence[str], minutes: int, level: str | None) -> tuple[str, ...]:
    """Return the chosen areas in AREAS order, or raise for a choice out of range."""
    if isinstance(areas, str) or not areas:
        raise GeneratorError(_("Choose at least one area: legs, abdomen or back."))
    if any(area not in AREAS for area in areas):
        raise GeneratorError(_("Areas must be legs, abdomen or back."))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise GeneratorError(_("Minutes must be a whole number from 3 to 30."))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise GeneratorError(_("Minutes must be a whole number from 3 to 30."))
    if level not in (None, "gentle", "moderate"):
        raise GeneratorError(_("Level must be gentle or moderate."))
    return tuple(area for area in AREAS if area in areas)


def _title(areas: tuple[str, ...], minutes: int) -> str:
    """Return e.g. "Legs, abdomen and back, 10 minutes"."""
    return ngettext("%(areas)s, %(num)s minute", "%(areas)s, %(num)s minutes", minutes,
                    areas=str(_AREA_WORDS[areas]))


def _preferred(pose: Pose) -> int:
    """Return the pose's own hold, kept within the comfortable range."""
    return min(max(pose.hold_seconds, PREFERRED[0]), PREFERRED[1])


def _length(poses: Sequence[Pose], holds: Sequence[int]) -> int:
    """Return the routine's length exactly as the catalog computes it."""
    steps = [Step(p.id, h, None) for p, h in zip(poses, holds, strict=True)]
    held = expand_steps(steps, {p.id: p for p in poses})
    return total_seconds(PREP_SECONDS, TRANSITION_SECONDS, held)


def _round(seconds: float) -> int:
    """Return a hold rounded to 5 s within the allowed range."""
    return min(max(STEP * round(seconds / STEP), MIN_HOLD), MAX_HOLD)


def _fit(poses: Sequence[Pose], target: int) -> list[int]:
    """Return holds scaled together so the routine lasts as close to target as they can."""
    prefs = [_preferred(p) for p in poses]
    sides = [2 if p.per_side else 1 for p in poses]
    fixed = _length(poses, [0] * len(poses))
    budget = target - fixed
    low, high = 0.0, MAX_HOLD / MIN_HOLD + 1
    for _step in range(40):  # bisection: the largest scale whose holds still fit the budget
        mid = (low + high) / 2
        if sum(n * _round(p * mid) for n, p in zip(sides, prefs, strict=True)) <= budget:
            low = mid
        else:
            high = mid
    holds = [_round(p * low) for p in prefs]
    left = budget - sum(n * h for n, h in zip(sides, holds, strict=True))
    order = sorted(range(len(poses)), key=lambda i: sides[i])  # single holds fine-tune best
    changed = True
    while changed:  # spread the rounding remainder 5 s at a time, one pass over all steps
        changed = False
        for i in order:
            if left >= STEP * sides[i] and holds[i] + STEP <= MAX_HOLD:
                holds[i] += STEP
                left -= STEP * sides[i]
                changed = True
    return holds


def _pick(rng: random.Random, tiers: Sequence[Sequence[Pose]], used: set[str]) -> Pose | None:
    """Return a random unused pose from the first tier that has one."""
    for tier in tiers:
        free = [p for p in tier if p.id not in used]
        if free:
            return rng.choice(free)
    return None


def _ends(rng: random.Random, near: list[Pose], pool: list[Pose]) -> tuple[Pose | None, Pose]:
    """Return a gentle warm opening and a calming finish (breathing or lying), when any fits."""
    gentle = [p for p in near if p.level == "gentle"]
    breathing = [p for p in near if p.kind == "breathing"]
    lying = [p for p in gentle if p.position == "lying" and p.kind != "mobility"]
    calm = [breathing, [p for p in lying if not p.per_side], lying,
            [p for p in pool if p.kind == "breathing"], [p for p in gentle if p.kind != "mobility"],
            [p for p in near if p.kind != "mobility"], near]
    finish = _pick(rng, calm, set()) or near[0]
    opening = _pick(rng, [[p for p in gentle if p.kind == "mobility"],
                          [p for p in gentle if p.kind == "breathing"]], {finish.id})  # fmt: skip
    return opening, finish


def _main(rng: random.Random, near: list[Pose], chosen: tuple[str, ...],
          ends: tuple[Pose | None, Pose], target: int) -> list[Pose]:
    """Return main poses taken area by area in turn until the routine reaches its length."""
    tiers = {a: [[p for p in near if a in p.areas and p.kind in kinds]
                 for kinds in (("stretch", "yoga"), ("mobility", "breathing"))]
             for a in chosen}  # fmt: skip
    opening, finish = ends
    used = {p.id for p in ends if p}
    main: list[Pose] = []

    def estimate(extra: Sequence[Pose] = ()) -> int:
        seq = [*([opening] if opening else []), *main, *extra, finish]
        return _length(seq, [_preferred(p) for p in seq])

    for area in chosen:  # every area gets a main pose unless no main pose fits it at all
        if any(area in p.areas for p in main):
            continue
        pose = _pick(rng, tiers[area], used)
        if pose is None and not any(p and area in p.areas for p in ends):
            raise GeneratorError(str(_NO_POSE_FOR[area]))
        if pose is not None:
            main.append(pose)
            used.add(pose.id)
    turn, idle = rng.randrange(len(chosen)), 0
    while idle < len(chosen) and len(main) + len(ends) < MAX_STEPS and estimate() < target:
        pose = _pick(rng, tiers[chosen[turn % len(chosen)]], used)
        turn += 1
        if pose is None:
            idle += 1
            continue
        idle, longer = 0, estimate([pose])
        if longer - target > target - estimate():  # stop where the length is closest
            break
        main.append(pose)
        used.add(pose.id)
    return sorted(main, key=lambda p: _FLOW.index(p.position))  # stable: keeps area turns


def generate(
    poses: Mapping[str, Pose],
    *,
    areas: Sequence[str],
    minutes: int,
    allowed: Callable[[Pose], bool] = lambda p: True,
    level: str | None = None,
    seed: int,
) -> Generated:
    """Return a warm-up, main stretches over every area and a calming finish of that length."""
    chosen = _check(areas, minutes, level)
    levels = {"gentle", "moderate"} if level == "moderate" else {"gentle"}
    pool = [poses[k] for k in sorted(poses) if poses[k].level in levels and allowed(poses[k])]
    near = [p for p in pool if set(p.areas) & set(chosen)]
    if not near:
        raise GeneratorError(_("No pose fits those choices: allow more places or areas."))
    rng = random.Random(seed)  # nosec B311 # a reproducible shuffle, not a secret
    target = minutes * 60
    opening, finish = _ends(rng, near, pool)
    main = _main(rng, near, chosen, (opening, finish), target)
    sequence = [*([opening] if opening else []), *main, finish]
    longest = _length(sequence, [MAX_HOLD] * len(sequence))
    if longest < target * (1 - TOLERANCE) and len(sequence) < MAX_STEPS:
        # Too few poses in the areas: a breathing pose from elsewhere still ends calmly.
        spare = [p for p in pool if p.kind == "breathing" and p not in sequence]
        sequence += [rng.choice(spare)] if spare else []
    holds = _fit(sequence, target)
    total = _length(sequence, holds)
    if total < target * (1 - TOLERANCE):
        if level != "moderate":
            raise GeneratorError(ngettext(
                "Too few poses fit those choices for %(num)s minute: choose fewer minutes, or "
                "allow more places or areas, or the moderate level.",
                "Too few poses fit those choices for %(num)s minutes: choose fewer minutes, or "
                "allow more places or areas, or the moderate level.", minutes))
        raise GeneratorError(ngettext(
            "Too few poses fit those choices for %(num)s minute: choose fewer minutes, or "
            "allow more places or areas.",
            "Too few poses fit those choices for %(num)s minutes: choose fewer minutes, or "
            "allow more places or areas.", minutes))
    if total > target * (1 + TOLERANCE):
        raise GeneratorError(ngettext(
            "Those areas need more than %(num)s minute: choose more minutes or fewer areas.",
            "Those areas need more than %(num)s minutes: choose more minutes or fewer areas.",
            minutes))
    return Generated(
        title=_title(chosen, minutes),
        level="moderate" if any(p.level == "moderate" for p in sequence) else "gentle",
        prep_seconds=PREP_SECONDS,
        transition_seconds=TRANSITION_SECONDS,
        steps=tuple(GeneratedStep(p.id, h) for p, h in zip(sequence, holds, strict=True)),
        total_seconds=total,
    )
