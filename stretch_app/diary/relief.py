"""Diary relief: the "Cramp now" stretch for each place that cramps, and the page's data.

Pure functions only: no database. Texts are English here, marked N_ for the catalogue, and
translated when a request's page data is made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask_babel import gettext as _

from ..catalog import Pose
from .entries import LOCATIONS, STRENGTH_MAX, STRENGTH_MIN


def N_(text: str) -> str:  # noqa: N802 - the name the message extractor knows
    """Mark a text for the catalogue and return it untranslated."""
    return text


@dataclass(frozen=True)
class Relief:
    """One relief stretch for a place that cramps: the poses its steps offer, pictured first."""

    title: str
    poses: tuple[str, ...]
    seconds: int
    steps: tuple[str, ...]
    note: str | None = None


CRAMP_NOW_LOCATIONS: tuple[str, ...] = ("calf", "foot", "thigh", "abdomen", "back")
RELIEF: Mapping[str, Relief] = MappingProxyType({
    "calf": Relief(
        N_("Calf stretch"), ("standing-calf-stretch", "seated-towel-calf-stretch"), 30,
        (
            N_("Straighten the cramping leg."),
            N_("Bring your toes up toward your knee: lean into a wall with that heel down, or "
               "sit and pull your toes back by hand or with a towel."),
            N_("Hold a steady, gentle pull and breathe slowly while the muscle lets go."),
            N_("Afterwards walk a few steps and rub the calf gently."),
        ),
    ),
    "foot": Relief(
        N_("Sole and toe stretch"), ("seated-towel-calf-stretch", "standing-calf-stretch"), 30,
        (
            N_("Sit down and straighten the leg."),
            N_("Pull your toes back toward your shin, with your hand or a towel round the ball "
               "of the foot."),
            N_("Hold gently and breathe while the sole softens."),
            N_("Then rub the sole and circle the ankle slowly."),
        ),
    ),
    "thigh": Relief(
        N_("Thigh stretch"), ("lying-hamstring-stretch", "standing-quad-stretch"), 30,
        (
            N_("Back of the thigh: lie on your back and raise the leg, a towel round the foot, "
               "until you feel a gentle pull."),
            N_("Front of the thigh instead: hold a chair and bring that heel gently toward your "
               "bottom."),
            N_("Hold still, without bouncing, and breathe slowly."),
        ),
    ),
    # Breathing lying on the back or side, not a backbend on the belly: safe in pregnancy.
    "abdomen": Relief(
        N_("Belly breathing"), ("belly-breathing",), 60,
        (
            N_("Lie on your back with your knees bent and feet flat, or on your side with a "
               "pillow between your knees."),
            N_("Rest one hand on your belly and breathe in slowly through your nose, letting "
               "your belly rise."),
            N_("Breathe out gently, a little longer than the breath in, and let your belly "
               "soften."),
            N_("Keep breathing slowly like this while the timer runs."),
        ),
        N_("If you are pregnant, call your midwife or doctor about belly pain or cramps."),
    ),
    "back": Relief(
        N_("Back release"), ("childs-pose", "knees-to-chest"), 40,
        (
            N_("Kneel, sit back toward your heels and fold forward, arms long in front."),
            N_("Rest your forehead down and breathe into your back."),
            N_("If kneeling hurts, lie on your back and hug your knees to your chest instead."),
        ),
    ),
})  # fmt: skip
CRAMP_NOW_ADVICE = N_(
    "Sip some water once it eases. See a doctor if cramps do not get better with rest, if "
    "there is swelling or redness, fever, chills or unusual tiredness, or if they really hurt "
    "and make everyday things hard."
)


def relief_plan(
    location: str, poses: Mapping[str, Pose], image_url: Callable[[str], str]
) -> dict[str, Any]:
    """Return one place's relief stretch as the Cramp now page uses it (picture if known)."""
    relief = RELIEF[location]
    offered = [poses[p] for p in relief.poses if p in poses]
    pose = offered[0] if offered else None
    return {
        "id": location,
        "label": str(LOCATIONS[location]),
        "title": _(relief.title),
        "seconds": relief.seconds,
        "steps": [_(step) for step in relief.steps],
        "note": _(relief.note) if relief.note else None,
        # Every pose the steps offer, with its own cautions from its content file.
        "cautions": [{"pose": p.name, "items": list(p.cautions)} for p in offered],
        "pose": pose.id if pose else None,
        "pose_name": pose.name if pose else None,
        "image": image_url(pose.image) if pose else None,
        "image_alt": pose.image_alt if pose else None,
    }


def cramp_now_data(
    poses: Mapping[str, Pose], image_url: Callable[[str], str], signed_in: bool
) -> dict[str, Any]:
    """Return everything the Cramp now page needs, embedded as JSON."""
    return {
        "locations": [relief_plan(loc, poses, image_url) for loc in CRAMP_NOW_LOCATIONS],
        "strength": {"min": STRENGTH_MIN, "max": STRENGTH_MAX, "default": 5},
        "note_max": 200,
        "advice": _(CRAMP_NOW_ADVICE),
        "signed_in": signed_in,
    }
