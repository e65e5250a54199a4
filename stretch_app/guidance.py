"""Short guidance texts the pages and the player share: prevention tips and the safety note."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import gettext


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; gettext translates it where shown."""
    return text


# Plain strings (marked N_): tests and checks read them; pages show gettext() of them.
SAFETY_NOTE = N_(
    "Move slowly and stay within a gentle pull: a stretch should never hurt. Stop if you feel "
    "sharp pain, numbness or dizziness. This is general guidance, not medical advice."
)

# One tip per situation, most specific first; the first matching situation wins. Each tip
# rests on the guide's facts: water, electrolytes (sodium, potassium, calcium, magnesium),
# warming up, moving after long sitting or standing, and balancing activity with rest.
TIPS: tuple[tuple[str, str], ...] = (
    (
        "after-exercise",
        N_("Hard exercise costs fluid and salts: drink water now and have potassium or sodium "
           "soon, such as a banana or a salted snack. Told to limit salt or fluids? Follow your "
           "doctor."),
    ),
    (
        "warm-up",
        N_("Doing too much without warming up is a common cause of cramps: start your activity "
           "gently, build up, and sip water as you go, especially in the heat."),
    ),
    (
        "night-leg-cramps",
        N_("Keep a glass of water by the bed, and if a cramp wakes you, flex your foot up toward "
           "your knee and hold it while the muscle lets go."),
    ),
    (
        "bedtime",
        N_("A glass of water and foods with magnesium and calcium, such as yoghurt, nuts or "
           "leafy greens, can help your muscles stay calm overnight."),
    ),
    (
        "menstrual",
        N_("Gentle stretches like these, warmth on the belly or lower back, sips of water and "
           "rest when you need it can all ease period cramps."),
    ),
    (
        "after-standing",
        N_("Put your feet up for a few minutes and drink some water: standing in one place for "
           "a long time tires the calves."),
    ),
    (
        "desk",
        N_("Sit tall with your feet flat, keep water on your desk, and set a reminder to stand "
           "up and move every 30 to 60 minutes."),
    ),
    (
        "after-sitting",
        N_("Get up and walk around for a minute every half hour or so: long sitting stiffens "
           "legs and back."),
    ),
    (
        "morning",
        N_("Start the day with a glass of water: you have gone all night without one."),
    ),
)
DEFAULT_TIP = N_(
    "Drink some water, and balance active days with rest: muscles that are well rested and "
    "well watered cramp less."
)
# Said after every tip that advises drinking (the after-exercise tip says it in its own words),
# since some people are told by their doctor to limit fluids.
FLUID_CAVEAT = N_("Told to limit fluids? Follow your doctor.")
ADVISE_DRINKING = frozenset({
    "warm-up", "night-leg-cramps", "bedtime", "menstrual", "after-standing", "desk", "morning",
    "default",
})


def tip_for(situations: Iterable[str]) -> str:
    """Return the prevention tip that fits a routine's situations best."""
    wanted = set(situations)
    situation, tip = next(((s, t) for s, t in TIPS if s in wanted), ("default", DEFAULT_TIP))
    if situation in ADVISE_DRINKING:
        return f"{gettext(tip)} {gettext(FLUID_CAVEAT)}"
    return gettext(tip)


@dataclass(frozen=True)
class GuideLink:
    """A link from a guide section to the routines of an area or a situation."""

    label: str  # in English, marked for translation
    area: str | None = None
    situation: str | None = None


# Which routines each section of /guide points to (the page shows only links with routines).
GUIDE_LINKS: Mapping[str, tuple[GuideLink, ...]] = MappingProxyType({
    "where": (
        GuideLink(N_("Leg routines"), area="legs"),
        GuideLink(N_("Abdomen routines"), area="abdomen"),
        GuideLink(N_("Back routines"), area="back"),
    ),
    "why": (
        GuideLink(N_("After sitting"), situation="after-sitting"),
        GuideLink(N_("After standing"), situation="after-standing"),
        GuideLink(N_("Warm-ups"), situation="warm-up"),
        GuideLink(N_("Cool-downs after exercise"), situation="after-exercise"),
    ),
    "prevent": (
        GuideLink(N_("Warm-ups"), situation="warm-up"),
        GuideLink(N_("Desk breaks"), situation="desk"),
        GuideLink(N_("Gentle anytime stretches"), situation="anytime"),
        GuideLink(N_("Bedtime leg stretches"), situation="night-leg-cramps"),
        GuideLink(N_("Gentle routines for period cramps"), situation="menstrual"),
    ),
})  # fmt: skip
