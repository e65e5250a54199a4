"""The quick generator: length, variety, areas, places and a calming end, for any seed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretch_app.catalog import AREAS, Pose, Step, expand_steps, load_catalog, total_seconds
from stretch_app.custom.generator import Generated, GeneratorError, generate

ROOT = Path(__file__).resolve().parent.parent
POSES = load_catalog(ROOT / "routines", ROOT / "static").poses
AREA_SETS = [combo for n in (1, 2, 3) for combo in combinations(AREAS, n)]
PLACES: dict[str, Callable[[Pose], bool]] = {
    "anywhere": lambda p: True,
    "no floor": lambda p: p.position in {"standing", "chair"},
    "floor only": lambda p: p.position in {"seated", "kneeling", "lying"},
}
POSITIONS = ("standing", "chair", "seated", "kneeling", "lying")


def held(routine: Generated, pose_id: str) -> int:
    """Return the seconds one step holds in all, both sides of a per-side pose counted."""
    step = next(s for s in routine.steps if s.pose == pose_id)
    return step.seconds * (2 if POSES[pose_id].per_side else 1)


def could_last(areas: tuple[str, ...], allowed: Callable[[Pose], bool], level: str | None,
               minutes: int) -> bool:
    """Return whether the fitting poses and one breathing pose, held 120 s, fill 90 %."""
    levels = {"gentle", "moderate"} if level == "moderate" else {"gentle"}
    fits = [p for p in POSES.values() if p.level in levels and allowed(p)]
    near = [p for p in fits if set(p.areas) & set(areas)]
    breathe = any(p.kind == "breathing" and p not in near for p in fits)
    holds = sum(2 if p.per_side else 1 for p in near) + breathe
    return 10 + 120 * holds + 5 * (holds - 1) >= 0.9 * minutes * 60


def check(routine: Generated, areas: tuple[str, ...], minutes: int,
          allowed: Callable[[Pose], bool], level: str | None) -> None:
    """Assert every rule a person relies on when they ask for a quick routine."""
    ids = [s.pose for s in routine.steps]
    poses = [POSES[i] for i in ids]
    steps = [Step(s.pose, s.seconds, None) for s in routine.steps]
    exact = total_seconds(routine.prep_seconds, routine.transition_seconds,
                          expand_steps(steps, POSES))
    assert routine.total_seconds == exact
    assert 0.9 * minutes * 60 <= exact <= 1.1 * minutes * 60, (ids, exact)
    assert len(ids) == len(set(ids)), f"a pose came twice: {ids}"
    assert 1 <= len(ids) <= 40
    assert all(10 <= s.seconds <= 120 for s in routine.steps)
    assert all(allowed(p) for p in poses)
    assert all(p.level == "gentle" for p in poses) or level == "moderate"
    assert routine.level == ("moderate" if any(p.level == "moderate" for p in poses)
                             else "gentle")
    for area in areas:
        assert any(area in p.areas for p in poses), f"{area} missing from {ids}"
    last = poses[-1]
    for pose in poses[:-1]:
        assert set(pose.areas) & set(areas), f"{pose.id} is outside {areas}"
    assert set(last.areas) & set(areas) or last.kind == "breathing"
    calm = [p for p in POSES.values() if allowed(p) and p.level == "gentle" and (
        p.kind == "breathing"
        or p.position == "lying" and p.kind != "mobility" and set(p.areas) & set(areas))]
    if calm:
        assert last.kind == "breathing" or (last.position == "lying" and last.level == "gentle")
    else:  # standing only, say: a held stretch, gentle if one fits, is the calmest end left
        held_near = [p for p in POSES.values() if allowed(p) and p.kind != "mobility"
                     and p.level in {"gentle", level} and set(p.areas) & set(areas)]
        assert last.kind != "mobility" or not held_near, ids
        assert last.level == "gentle" or all(p.level != "gentle" for p in held_near), ids
    warm = [p for p in POSES.values() if p.kind == "mobility" and p.level == "gentle"
            and allowed(p) and set(p.areas) & set(areas)]
    if warm:
        assert poses[0].kind == "mobility" and poses[0].level == "gentle"
    assert routine.prep_seconds == 10 and routine.transition_seconds == 5


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("level", [None, "moderate"])
def test_every_choice_gives_a_routine_that_keeps_the_rules(place: str, level: str | None
                                                           ) -> None:
    allowed = PLACES[place]
    made = 0
    for areas in AREA_SETS:
        for minutes in (3, 5, 10, 20, 30):
            for seed in range(5):
                try:
                    routine = generate(POSES, areas=areas, minutes=minutes, allowed=allowed,
                                       level=level, seed=seed)
                except GeneratorError as error:
                    assert not could_last(areas, allowed, level, minutes), (areas, minutes)
                    assert "Too few poses" in str(error)
                    continue
                check(routine, areas, minutes, allowed, level)
                made += 1
    assert made >= 150  # most choices must work, not just fail cleanly


@settings(max_examples=100, deadline=None)
@given(areas=st.sets(st.sampled_from(AREAS), min_size=1), minutes=st.integers(3, 30),
       places=st.sets(st.sampled_from(POSITIONS), min_size=1),
       level=st.sampled_from([None, "gentle", "moderate"]), seed=st.integers(0, 2**32))
def test_any_length_and_places_keep_the_rules(areas: set[str], minutes: int, places: set[str],
                                              level: str | None, seed: int) -> None:
    ordered = tuple(a for a in AREAS if a in areas)

    def allowed(p: Pose) -> bool:
        return p.position in places

    try:
        routine = generate(POSES, areas=list(areas), minutes=minutes, allowed=allowed,
                           level=level, seed=seed)
    except GeneratorError as error:
        assert str(error).endswith(".") and len(str(error)) < 160
        near = [p for p in POSES.values() if allowed(p) and set(p.areas) & areas]
        assert not near or not could_last(ordered, allowed, level, minutes) or (
            "No pose for the" in str(error))
        return
    check(routine, ordered, minutes, allowed, level)


def test_each_area_gets_a_fair_share_of_a_longer_routine() -> None:
    for areas in [a for a in AREA_SETS if len(a) > 1]:
        for minutes in (10, 20, 30):
            for seed in range(5):
                routine = generate(POSES, areas=areas, minutes=minutes, seed=seed)
                whole = sum(held(routine, s.pose) for s in routine.steps)
                for area in areas:
                    share = sum(held(routine, s.pose) for s in routine.steps
                                if area in POSES[s.pose].areas)
                    assert share >= 0.15 * whole, (areas, minutes, seed, area)


def test_main_poses_move_from_standing_down_to_the_floor() -> None:
    routine = generate(POSES, areas=["legs", "back"], minutes=20, seed=4)
    main = [POSITIONS.index(POSES[s.pose].position) for s in routine.steps[1:-1]]
    assert main == sorted(main)
    assert len(main) >= 8


def test_the_same_seed_gives_the_same_routine_and_others_differ() -> None:
    def make(seed: int) -> Generated:
        return generate(POSES, areas=["legs", "abdomen"], minutes=10, seed=seed,
                        allowed=PLACES["no floor"])

    assert make(7) == make(7)
    assert len({make(seed).steps for seed in range(10)}) >= 2


def test_titles_name_the_areas_in_the_usual_order() -> None:
    assert generate(POSES, areas=["back", "legs"], minutes=10, seed=1).title == (
        "Legs and back, 10 minutes")
    assert generate(POSES, areas=["back", "abdomen", "legs"], minutes=3, seed=1).title == (
        "Legs, abdomen and back, 3 minutes")
    assert generate(POSES, areas=["abdomen"], minutes=5, seed=1).title == "Abdomen, 5 minutes"


def test_no_floor_legs_still_end_calmly_with_seated_breathing() -> None:
    routine = generate(POSES, areas=["legs"], minutes=10, seed=2, allowed=PLACES["no floor"])
    assert routine.steps[-1].pose == "seated-breathing"


def test_moderate_poses_come_only_when_asked() -> None:
    found = set()
    for seed in range(10):
        for level in (None, "gentle"):
            routine = generate(POSES, areas=["legs"], minutes=20, seed=seed, level=level)
            assert all(POSES[s.pose].level == "gentle" for s in routine.steps)
            assert routine.level == "gentle"
        moderate = generate(POSES, areas=["legs"], minutes=20, seed=seed, level="moderate")
        found.add(moderate.level)
    assert "moderate" in found


@pytest.mark.parametrize(("choices", "message"), [
    ({"allowed": lambda p: False}, "No pose fits those choices: allow more places or areas."),
    ({"areas": ["abdomen"], "minutes": 30, "allowed": PLACES["no floor"]},
     "Too few poses fit those choices for 30 minutes: choose fewer minutes, or allow more "
     "places or areas, or the moderate level."),
    ({"areas": ["abdomen"], "allowed": lambda p: p.position == "standing" and p.per_side},
     "Too few poses"),
    ({"areas": []}, "Choose at least one area"),
    ({"areas": "legs"}, "Choose at least one area"),
    ({"areas": ["legs", "arms"]}, "Areas must be legs, abdomen or back."),
    ({"minutes": 2}, "Minutes must be a whole number from 3 to 30."),
    ({"minutes": 31}, "Minutes must be a whole number from 3 to 30."),
    ({"minutes": True}, "Minutes must be a whole number"),
    ({"minutes": "10"}, "Minutes must be a whole number"),
    ({"minutes": 10.0}, "Minutes must be a whole number"),
    ({"level": "hard"}, "Level must be gentle or moderate."),
])  # fmt: skip
def test_impossible_choices_say_what_to_change(choices: dict, message: str) -> None:
    asked = {"areas": ["legs", "back"], "minutes": 10, "seed": 1, **choices}
    with pytest.raises(GeneratorError) as info:
        generate(POSES, **asked)
    assert str(info.value).startswith(message)
