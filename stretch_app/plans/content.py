"""Plan files: load routines/plans/*.toml, check them against the catalog, expose Plans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from ..catalog import (
    SLUG_RE,
    Catalog,
    ContentError,
    _read_toml,
    _slug_of,
    _Strict,
    _text,
    _validate,
)

REST = "rest"
MAX_CYCLE = 28

CycleEntry = Annotated[StrictStr, Field(min_length=1, max_length=80, pattern=SLUG_RE.pattern)]


class PlanFile(_Strict):
    """The schema of one plan file."""

    title: _text(3, 80)
    summary: _text(10, 200)
    for_whom: _text(10, 200)
    weeks: Annotated[StrictInt, Field(ge=1, le=12)]
    aims_at_cramps: StrictBool
    about: Annotated[list[_text(10, 700)], Field(min_length=1, max_length=6)]
    align: Literal["start", "weekday"]
    cycle: Annotated[list[CycleEntry], Field(min_length=1, max_length=MAX_CYCLE)]


@dataclass(frozen=True)
class Plan:
    """One plan: a cycle of routines and rest days repeated for a number of weeks."""

    slug: str
    title: str
    summary: str
    for_whom: str
    weeks: int
    aims_at_cramps: bool
    about: tuple[str, ...]
    align: str
    cycle: tuple[str | None, ...]  # routine slugs, None for a rest day

    @property
    def days(self) -> int:
        """Return how many days the plan lasts."""
        return self.weeks * 7

    def routine_on(self, day_index: int, weekday: int) -> str | None:
        """Return the routine of plan day `day_index` (0 = start); None for rest or past the end."""
        if not 0 <= day_index < self.days:
            return None
        # "weekday" cycles hold Monday to Sunday; "start" cycles begin on the day the person starts.
        position = weekday if self.align == "weekday" else day_index
        return self.cycle[position % len(self.cycle)]

    @property
    def routine_slugs(self) -> tuple[str, ...]:
        """Return the plan's distinct routines, in the order the cycle first uses them."""
        return tuple(dict.fromkeys(slug for slug in self.cycle if slug is not None))


def _check_cycle(parsed: PlanFile, shown: str, catalog: Catalog, problems: list[str]) -> bool:
    """Note every cycle problem (unknown routine, weekday length, no routine); return if none."""
    ok = True
    for index, entry in enumerate(parsed.cycle):
        if entry != REST and entry not in catalog.routines:
            problems.append(f"{shown}: cycle[{index}]: unknown routine '{entry}'")
            ok = False
    if parsed.align == "weekday" and len(parsed.cycle) != 7:
        problems.append(f"{shown}: cycle: align \"weekday\" needs exactly 7 entries, "
                        f"Monday first (found {len(parsed.cycle)})")
        ok = False
    if all(entry == REST for entry in parsed.cycle):
        problems.append(f"{shown}: cycle: has no routine, only rest days")
        ok = False
    if parsed.align == "start" and len(parsed.cycle) > parsed.weeks * 7:
        problems.append(f"{shown}: cycle: {len(parsed.cycle)} entries, more than the plan's "
                        f"{parsed.weeks * 7} days")
        ok = False
    return ok


def load_plans(plans_dir: Path, catalog: Catalog) -> Mapping[str, Plan]:
    """Load and check every plan file; raise ContentError listing every problem."""
    plans_dir = Path(plans_dir)
    # A content folder without plans is valid: the plan pages then have nothing to offer.
    if not plans_dir.is_dir():
        return MappingProxyType({})
    base = plans_dir.parent.parent
    problems: list[str] = []
    plans: dict[str, Plan] = {}
    titles: dict[str, str] = {}
    for path in sorted(plans_dir.glob("*.toml")):
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = str(path)
        slug = _slug_of(path, shown, problems)
        data = _read_toml(path, shown, problems)
        if slug is None or data is None:
            continue
        parsed = _validate(PlanFile, data, shown, problems)
        if parsed is None or not _check_cycle(parsed, shown, catalog, problems):
            continue
        title_key = parsed.title.casefold()
        if title_key in titles:
            problems.append(f"{shown}: title: same title as {titles[title_key]}")
        titles.setdefault(title_key, shown)
        plans[slug] = Plan(
            slug=slug,
            title=parsed.title,
            summary=parsed.summary,
            for_whom=parsed.for_whom,
            weeks=parsed.weeks,
            aims_at_cramps=parsed.aims_at_cramps,
            about=tuple(parsed.about),
            align=parsed.align,
            cycle=tuple(None if entry == REST else entry for entry in parsed.cycle),
        )
    if problems:
        raise ContentError(problems)
    return MappingProxyType(plans)
