"""Custom routines as data: the input rules, the slug, and the Routine a row plays as."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)

from ..catalog import (
    AREAS,
    MAX_ROUTINE_SECONDS,
    Pose,
    Routine,
    Step,
    expand_steps,
    pose_places,
)
from ..catalog import total_seconds as routine_seconds
from ..inputs import InputError

MAX_STEPS = 40
MIN_HOLD, MAX_HOLD = 5, 600
MAX_ROUTINES = 100
# Built-in slugs may not start with "my-" (the content check refuses it), so these never collide.
SLUG_PREFIX = "my-"
_CUSTOM_SLUG = re.compile(r"my-([1-9][0-9]{0,9})")
SHARED_PREFIX = "shared-"
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _plain(value: str) -> str:
    if _HIDDEN.search(value) or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(_("must be plain text on one line"))
    return value


Text = Annotated[StrictStr, AfterValidator(_plain)]


class StepIn(BaseModel):
    """One step of a custom routine as sent: a pose, its hold and an optional note."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pose: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    seconds: Annotated[StrictInt, Field(ge=MIN_HOLD, le=MAX_HOLD)] | None = None
    note: Annotated[Text, Field(max_length=140)] | None = None


class CustomRoutineIn(BaseModel):
    """The body of POST and PUT /api/my-routines (and the builder's form)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[Text, Field(min_length=3, max_length=60)]
    note: Annotated[Text, Field(max_length=280)] | None = None
    level: Literal["gentle", "moderate"] = "gentle"
    prep_seconds: Annotated[StrictInt, Field(ge=0, le=60)] = 10
    transition_seconds: Annotated[StrictInt, Field(ge=0, le=60)] = 5
    steps: Annotated[list[StepIn], Field(min_length=1, max_length=MAX_STEPS)]


def custom_slug(routine_id: int) -> str:
    """Return the slug a custom routine is played under."""
    return f"{SLUG_PREFIX}{routine_id}"


def custom_id_of(slug: str) -> int | None:
    """Return the id in a custom routine's slug, or None when it is not one."""
    found = _CUSTOM_SLUG.fullmatch(slug)
    return int(found[1]) if found else None


def checked_steps(data: CustomRoutineIn, poses: Mapping[str, Pose]) -> list[dict[str, Any]]:
    """Return the steps to store (holds filled in); raise InputError naming a bad step."""
    steps: list[dict[str, Any]] = []
    for index, step in enumerate(data.steps):
        pose = poses.get(step.pose)
        if pose is None:
            raise InputError(f"steps[{index}].pose",
                             _("Step %(n)s: there is no pose called “%(pose)s”.", n=index + 1,
                               pose=step.pose[:80]))
        seconds = step.seconds if step.seconds is not None else pose.hold_seconds
        steps.append({"pose": pose.id, "seconds": seconds, "note": step.note or None})
    total = length_of(steps, data.prep_seconds, data.transition_seconds, poses)
    if total > MAX_ROUTINE_SECONDS:
        raise InputError("steps", ngettext(
            "The routine would last %(num)s minute; %(most)s is the most.",
            "The routine would last %(num)s minutes; %(most)s is the most.", total // 60,
            most=MAX_ROUTINE_SECONDS // 60))
    return steps


def length_of(steps: Sequence[Mapping[str, Any]], prep: int, transition: int,
              poses: Mapping[str, Pose]) -> int:
    """Return the seconds the player will take for these steps, as for built-in routines."""
    written = [Step(s["pose"], s["seconds"], s.get("note")) for s in steps]
    return routine_seconds(prep, transition, expand_steps(written, poses))


def as_routine(slug: str, title: str, note: str | None, level: str, prep: int, transition: int,
               steps: Sequence[Mapping[str, Any]], poses: Mapping[str, Pose],
               summary: str | None = None) -> Routine:
    """Return a custom routine as the Routine every page, the player and the API use."""
    # A pose removed from the library since is skipped rather than breaking the routine.
    written = tuple(Step(s["pose"], int(s["seconds"]), s.get("note"))
                    for s in steps if s.get("pose") in poses)
    covered = {area for s in written for area in poses[s.pose_id].areas}
    distinct = len({s.pose_id for s in written})
    summary = summary or note or ngettext("Your own routine of %(num)s pose.",
                                          "Your own routine of %(num)s poses.", distinct)
    return Routine(
        slug=slug, title=title, summary=summary,
        areas=tuple(a for a in AREAS if a in covered), situations=(), level=level,
        prep_seconds=prep, transition_seconds=transition, steps=written,
        expanded_steps=expand_steps(written, poses), pose_places=pose_places(written, poses),
    )
