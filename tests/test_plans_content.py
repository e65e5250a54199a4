"""Plan files: the shipped plans, their checks, and the six-week protocol routine's timing."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from stretch_app.catalog import Catalog, ContentError, load_catalog
from stretch_app.cli import routines_cli
from stretch_app.plans.content import Plan, load_plans

from .helpers import FIXTURE_CONTENT, ROOT

ROUTINES_DIR = ROOT / "routines"
PLANS_DIR = ROUTINES_DIR / "plans"
PROTOCOL = "bedtime-calf-and-hamstring-stretch"
SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"

GOOD_PLAN = """\
title = "A test plan"
summary = "A short plan for the tests."
for_whom = "Anyone running the tests."
weeks = 2
aims_at_cramps = false
about = ["One paragraph about the plan."]
align = "weekday"
cycle = ["calf-reset", "back-unwind", "rest", "calf-reset", "back-unwind", "rest", "rest"]
"""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROUTINES_DIR, ROOT / "static")


@pytest.fixture(scope="module")
def plans(catalog: Catalog) -> dict[str, Plan]:
    return dict(load_plans(PLANS_DIR, catalog))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content with one valid plan."""
    target = tmp_path / "routines"
    shutil.copytree(FIXTURE_CONTENT, target)
    (target / "plans").mkdir()
    (target / "plans" / "test-plan.toml").write_text(GOOD_PLAN, "utf-8")
    return target


def _check(content: Path) -> tuple[int, str]:
    result = CliRunner().invoke(routines_cli, ["check", "--content", str(content)])
    return result.exit_code, result.output


def _write(content: Path, name: str, old: str = "", new: str = "") -> None:
    assert old in GOOD_PLAN
    (content / "plans" / name).write_text(GOOD_PLAN.replace(old, new, 1), "utf-8")


# --- the shipped plans -------------------------------------------------------------------------


def test_every_shipped_plan_loads(plans: dict[str, Plan]) -> None:
    assert set(plans) == {path.stem for path in PLANS_DIR.glob("*.toml")}
    for plan in plans.values():
        assert any(plan.routine_on(day, day % 7) for day in range(plan.days)), plan.slug


def test_the_app_serves_the_shipped_plans(make_app: Callable[..., Flask],
                                          plans: dict[str, Plan]) -> None:
    app = make_app(CONTENT_DIR=str(ROUTINES_DIR))
    assert dict(app.extensions["limber_plans"]) == plans


def test_content_without_a_plans_folder_has_no_plans(app: Flask) -> None:
    assert not (FIXTURE_CONTENT / "plans").exists()
    assert dict(app.extensions["limber_plans"]) == {}


def test_check_counts_the_plans() -> None:
    result = CliRunner().invoke(routines_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
    assert "routines and 4 plans are valid" in result.output


@pytest.mark.parametrize(("slug", "weeks", "align"), [
    (SIX_WEEKS, 6, "start"),
    ("desk-back", 2, "weekday"),
    ("period-week", 1, "start"),
    ("runners-calves", 4, "weekday"),
])
def test_the_four_plans_the_issue_asks_for(plans: dict[str, Plan], slug: str, weeks: int,
                                           align: str) -> None:
    assert (plans[slug].weeks, plans[slug].align) == (weeks, align)


def test_desk_plan_works_on_weekdays_and_rests_at_weekends(
    plans: dict[str, Plan], catalog: Catalog
) -> None:
    plan = plans["desk-back"]
    start_weekday = 2  # a Wednesday: the weekday, not the start, decides the day's routine
    for day in range(plan.days):
        weekday = (start_weekday + day) % 7
        routine = plan.routine_on(day, weekday)
        if weekday >= 5:
            assert routine is None, f"day {day}"
        else:
            assert routine is not None, f"day {day}"
            assert "back" in catalog.routines[routine].areas
            assert not catalog.routines[routine].needs_floor
    assert plan.routine_on(plan.days, 0) is None


def test_period_week_is_gentle_belly_and_back_every_day(
    plans: dict[str, Plan], catalog: Catalog
) -> None:
    plan = plans["period-week"]
    days = [plan.routine_on(day, 3) for day in range(7)]
    assert None not in days
    assert days[0] == "menstrual-comfort-in-bed"
    assert "bed" in catalog.routines[days[0]].places
    for slug in days:
        routine = catalog.routines[slug]
        assert routine.level == "gentle" and routine.areas[:2] == ("abdomen", "back"), slug


def test_runners_plan_warms_up_on_run_days_and_rests(plans: dict[str, Plan]) -> None:
    week = [plans["runners-calves"].routine_on(day, day) for day in range(7)]
    assert week.count("warm-up-before-exercise") == 3
    assert None in week
    for day, routine in enumerate(week):
        if routine == "warm-up-before-exercise":
            assert week[(day + 1) % 7] in {"runner-calf-care", "cool-down-after-exercise"}


def test_plan_text_never_promises(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        text = " ".join((plan.summary, plan.for_whom, *plan.about)).lower()
        for word in ("cure", "guarantee", "will prevent", "will stop"):
            assert word not in text, (plan.slug, word)


def test_six_week_plan_cites_the_study_and_its_limits(plans: dict[str, Plan]) -> None:
    plan = plans[SIX_WEEKS]
    text = " ".join(plan.about)
    for part in ("Hallegraeff", "2012", "Eighty adults over 55", "six weeks", "CD008496",
                 "low certainty", "cannot promise", "See a doctor"):
        assert part in text, part
    assert plan.aims_at_cramps


# --- the six-week protocol --------------------------------------------------------------------


def test_six_week_plan_is_the_protocol_every_night(plans: dict[str, Plan]) -> None:
    plan = plans[SIX_WEEKS]
    assert plan.days == 42
    assert {plan.routine_on(day, (day + 4) % 7) for day in range(42)} == {PROTOCOL}
    assert plan.routine_on(42, 4) is None


def test_protocol_routine_matches_the_study(catalog: Catalog) -> None:
    routine = catalog.routines[PROTOCOL]
    assert {"bedtime", "night-leg-cramps"} <= set(routine.situations)
    targets = {t for step in routine.steps for t in catalog.poses[step.pose_id].targets}
    assert targets == {"calves", "hamstrings"}
    holds = routine.expanded_steps
    assert {hold.seconds for hold in holds} == {10}
    # Three holds per stretch on each leg, both legs.
    assert set(Counter((h.pose_id, h.side) for h in holds).values()) == {3}
    assert {h.side for h in holds} == {"left", "right"}
    assert len({h.pose_id for h in holds}) == 2
    assert routine.transition_seconds > 0  # the short rest between holds
    assert routine.total_seconds == (
        routine.prep_seconds + 10 * len(holds) + routine.transition_seconds * (len(holds) - 1)
    )
    assert routine.total_seconds < 180


# --- bad plan files ---------------------------------------------------------------------------


def test_a_valid_plan_passes_the_check(content: Path) -> None:
    code, output = _check(content)
    assert code == 0, output
    assert "and 1 plans are valid" in output


@pytest.mark.parametrize(("name", "old", "new", "expected"), [
    ("bad.toml", '"back-unwind", "rest", "calf', '"back-unwnd", "rest", "calf',
     "routines/plans/bad.toml: cycle[1]: unknown routine 'back-unwnd'"),
    ("bad.toml", '"rest", "rest"]', '"rest"]',
     'routines/plans/bad.toml: cycle: align "weekday" needs exactly 7 entries'),
    ("bad.toml", 'cycle = [', 'cycle = ["rest"]\nold = [',
     "routines/plans/bad.toml: old: Extra inputs are not permitted"),
    ("Bad_Name.toml", "", "",
     "routines/plans/Bad_Name.toml: file name: must be a slug"),
    ("bad.toml", "weeks = 2", "weeks = 13",
     "routines/plans/bad.toml: weeks: Input should be less than or equal to 12"),
    ("bad.toml", 'about = ["One paragraph about the plan."]', "about = []",
     "routines/plans/bad.toml: about: List should have at least 1 item"),
    ("bad.toml", 'align = "weekday"', 'align = "monday"',
     "routines/plans/bad.toml: align: Input should be 'start' or 'weekday'"),
    ("bad.toml", "weeks = 2", "weeks = 2\nweeks = 3",
     "routines/plans/bad.toml: toml: Cannot overwrite a value"),
])
def test_bad_plan_names_file_and_field(content: Path, name: str, old: str, new: str,
                                       expected: str) -> None:
    _write(content, name, old, new)
    code, output = _check(content)
    assert code == 1
    assert expected in output


def test_plan_of_rest_days_only_is_refused(content: Path) -> None:
    (content / "plans" / "lazy.toml").write_text(GOOD_PLAN.replace(
        'cycle = ["calf-reset", "back-unwind", "rest", "calf-reset", "back-unwind",',
        'cycle = ["rest", "rest", "rest", "rest", "rest",'), "utf-8")
    code, output = _check(content)
    assert code == 1
    assert "routines/plans/lazy.toml: cycle: has no routine, only rest days" in output


def test_every_plan_problem_is_reported_at_once_and_stops_the_app(
    content: Path, make_app: Callable[..., Flask]
) -> None:
    _write(content, "one.toml", "calf-reset", "no-such-routine")
    _write(content, "two.toml", "weeks = 2", "weeks = 0")
    code, output = _check(content)
    assert code == 1
    assert "routines/plans/one.toml: cycle[0]: unknown routine 'no-such-routine'" in output
    assert "routines/plans/two.toml: weeks: Input should be greater than or equal to 1" in output
    assert "2 problem(s) found." in output
    with pytest.raises(ContentError) as info:
        make_app(CONTENT_DIR=str(content))
    assert len(info.value.problems) == 2
