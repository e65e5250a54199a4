"""A routine's printable card: one page with every step's picture, hold and instructions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext

from ..catalog import Pose, Routine, Step
from ..extensions import cache
from ..templating import format_duration
from .common import _ok, _personal, catalog
from .pages import _routine_or_404

bp = Blueprint("printing", __name__)

# A card with more poses than this shows each pose's first instructions only, so a typical
# routine (up to ten poses) still fits one A4 or Letter page; up to it, print is larger.
ALL_INSTRUCTIONS_UP_TO = 6
SHORT_INSTRUCTIONS = 3


@dataclass(frozen=True)
class CardStep:
    """One step as written, ready for the card."""

    number: int
    pose: Pose
    hold: str
    instructions: tuple[str, ...]
    note: str | None
    caution: str | None
    repeat_of: int | None  # the earlier step showing this pose in full


def card_steps(steps: Sequence[Step], poses: Mapping[str, Pose]) -> list[CardStep]:
    """Return the card's steps: a pose shown before is named again without its details."""
    first_seen: dict[str, int] = {}
    for number, step in enumerate(steps, start=1):
        first_seen.setdefault(step.pose_id, number)
    short = len(first_seen) > ALL_INSTRUCTIONS_UP_TO
    out = []
    for number, step in enumerate(steps, start=1):
        pose = poses[step.pose_id]
        seen = first_seen[step.pose_id]
        repeat = seen if seen < number else None
        hold = format_duration(step.seconds)
        if pose.per_side:
            hold = gettext("%(time)s each side", time=hold)
        lines = pose.instructions[:SHORT_INSTRUCTIONS] if short else pose.instructions
        out.append(CardStep(number, pose, hold, () if repeat else lines, step.note,
                            None if repeat else pose.cautions[0], repeat))
    return out


def timing_line(routine: Routine) -> str:
    """Return what the total includes besides holds ('' when nothing): getting ready, moves."""
    prep = format_duration(routine.prep_seconds) if routine.prep_seconds else None
    moves = routine.transition_seconds and len(routine.expanded_steps) > 1
    move = format_duration(routine.transition_seconds) if moves else None
    if prep and move:
        return gettext("with %(prep)s to get ready and %(move)s to move between holds",
                       prep=prep, move=move)
    if prep:
        return gettext("with %(prep)s to get ready", prep=prep)
    if move:
        return gettext("with %(move)s to move between holds", move=move)
    return ""


def _card_key(*_args: Any, **_view_args: Any) -> str:
    """Return the cache key of a card: its host and path."""
    # The card prints its own address, so one visitor's Host header must not reach another.
    from ..i18n import current_language

    return f"print-card:{current_language()}:{request.host}{request.path}"


# Like public_page, but cached per host as well as per path.
public_card = cache.cached(unless=_personal, response_filter=_ok, make_cache_key=_card_key)


@bp.get("/routines/<slug>/print")
@public_card
def card(slug: str) -> Any:
    found = _routine_or_404(slug)
    poses = catalog().poses
    return render_template(
        "print.html",
        routine=found,
        steps=card_steps(found.steps, poses),
        roomy=len({s.pose_id for s in found.steps}) <= ALL_INSTRUCTIONS_UP_TO,
        timing=timing_line(found),
        routine_address=url_for("pages.routine", slug=found.slug, _external=True),
        doctor_address=url_for("guide.guide", _external=True, _anchor="doctor"),
    )
