"""Finding and showing routines: query-string filters and the API's routine shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext, lazy_gettext

from .catalog import AREAS, POSITIONS, SITUATIONS, Pose, Routine
from .labels import AREA_LABELS, POSITION_LABELS, SITUATION_LABELS, label

# Quick choices for "what I can do", e.g. for people who cannot get down to the floor.
CAN_PRESETS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (lazy_gettext("No floor"), ("standing", "chair", "bed")),
    (lazy_gettext("Chair only"), ("chair",)),
    (lazy_gettext("In bed"), ("bed",)),
)


@dataclass(frozen=True)
class Filters:
    """Routine filters taken from a query string."""

    area: str | None = None
    situation: str | None = None
    max_minutes: int | None = None
    can: frozenset[str] | None = None

    @property
    def can_places(self) -> tuple[str, ...] | None:
        """Return the allowed places in POSITIONS order, as links and presets carry them."""
        return None if self.can is None else tuple(p for p in POSITIONS if p in self.can)


class FilterError(ValueError):
    """A filter value is not one we know."""


def parse_can(args: Mapping[str, str]) -> frozenset[str] | None:
    """Parse the repeated `can` parameter (places); raise FilterError on an unknown one."""
    getlist = getattr(args, "getlist", None)
    raw = getlist("can") if getlist is not None else [args.get("can") or ""]
    values = {v.strip() for v in raw} - {""}
    if not values:
        return None
    if not values <= set(POSITIONS):
        raise FilterError(gettext("can must be one or more of %(values)s",
                                  values=", ".join(POSITIONS)))
    return frozenset(values)


def pose_fits(pose: Pose, can: frozenset[str] | None) -> bool:
    """Return whether a pose can be done in at least one of the allowed places."""
    return can is None or not can.isdisjoint(pose.positions)


def routine_fits(routine: Routine, can: frozenset[str] | None) -> bool:
    """Return whether every pose of a routine can be done in at least one allowed place."""
    return can is None or all(not can.isdisjoint(p) for p in routine.pose_places)


def can_label(can: frozenset[str]) -> str:
    """Return how the summary names a set of places: a preset's name, else the places."""
    for name, places in CAN_PRESETS:
        if can == frozenset(places):
            return str(name)
    return ", ".join(str(POSITION_LABELS[p]) for p in POSITIONS if p in can)


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Parse `area`, `situation`, `max_minutes` and `can`; raise FilterError on a bad value."""
    area = (args.get("area") or "").strip() or None
    situation = (args.get("situation") or "").strip() or None
    raw_max = (args.get("max_minutes") or "").strip() or None
    if area is not None and area not in AREAS:
        raise FilterError(gettext("area must be one of %(values)s", values=", ".join(AREAS)))
    if situation is not None and situation not in SITUATIONS:
        raise FilterError(gettext("situation must be one of %(values)s",
                                  values=", ".join(SITUATIONS)))
    max_minutes = None
    if raw_max is not None:
        if not raw_max.isdigit() or len(raw_max) > 4 or int(raw_max) <= 0:
            raise FilterError(gettext("max_minutes must be a whole number of minutes above 0"))
        max_minutes = int(raw_max)
    return Filters(area, situation, max_minutes, parse_can(args))


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, as the summary line shows it, with the URL that drops it."""

    label: str
    remove_url: str


def active_filters(
    filters: Filters, url_for_filters: Callable[[Filters], str]
) -> list[ActiveFilter]:
    """List the filters in use, area first, each with the URL of the list without it."""
    out = []
    if filters.area is not None:
        out.append(ActiveFilter(label(AREA_LABELS, filters.area),
                                url_for_filters(replace(filters, area=None))))
    if filters.situation is not None:
        out.append(ActiveFilter(label(SITUATION_LABELS, filters.situation),
                                url_for_filters(replace(filters, situation=None))))
    if filters.max_minutes is not None:
        out.append(ActiveFilter(gettext("≤ %(minutes)s min", minutes=filters.max_minutes),
                                url_for_filters(replace(filters, max_minutes=None))))
    if filters.can is not None:
        out.append(ActiveFilter(can_label(filters.can),
                                url_for_filters(replace(filters, can=None))))
    return out


def filter_routines(routines: Iterable[Routine], filters: Filters) -> list[Routine]:
    """Return the routines matching every filter, shortest first."""
    out = [
        r
        for r in routines
        if (filters.area is None or filters.area in r.areas)
        and (filters.situation is None or filters.situation in r.situations)
        and (filters.max_minutes is None or r.total_seconds <= filters.max_minutes * 60)
        and routine_fits(r, filters.can)
    ]
    return sorted(out, key=lambda r: (r.total_seconds, r.title))


def routine_summary(routine: Routine) -> dict[str, Any]:
    """Return a routine as listed by the API."""
    return {
        "slug": routine.slug,
        "title": routine.title,
        "summary": routine.summary,
        "areas": list(routine.areas),
        "situations": list(routine.situations),
        "level": routine.level,
        "total_seconds": routine.total_seconds,
        "step_count": len(routine.expanded_steps),
        "places": list(routine.places),
        "needs_floor": routine.needs_floor,
    }


def routine_detail(
    routine: Routine, poses: Mapping[str, Pose], image_url: Callable[[str], str], tip: str
) -> dict[str, Any]:
    """Return a routine with its expanded steps, as the API and the player use it."""
    steps = []
    for hold in routine.expanded_steps:
        pose = poses[hold.pose_id]
        steps.append(
            {
                "pose": pose.id,
                "name": pose.name,
                "side": hold.side,
                "seconds": hold.seconds,
                "instructions": list(pose.instructions),
                "cue": pose.cue,
                "image": image_url(pose.image),
                "image_alt": pose.alt_for(hold.side),
                "easier": pose.easier,
                "cautions": list(pose.cautions),
                "note": hold.note,
            }
        )
    data = routine_summary(routine)
    data.update(
        {
            "prep_seconds": routine.prep_seconds,
            "transition_seconds": routine.transition_seconds,
            "tip": tip,
            "steps": steps,
        }
    )
    return data
