"""Short guidance texts the pages and the player share: prevention tips and the safety note."""

from __future__ import annotations

from collections.abc import Iterable

SAFETY_NOTE = (
    "Move slowly and stay within a gentle pull: a stretch should never hurt. Stop if you feel "
    "sharp pain, numbness or dizziness. This is general guidance, not medical advice."
)

# One tip per situation, most specific first; the first matching situation wins.
TIPS: tuple[tuple[str, str], ...] = (
    (
        "after-exercise",
        "Drink a glass of water now, and have something with potassium or sodium soon, such "
        "as a banana or a salted snack: hard exercise costs fluid and salts.",
    ),
    (
        "warm-up",
        "Start your activity gently and build up. Sip water as you go, especially in the heat.",
    ),
    (
        "night-leg-cramps",
        "Keep a glass of water by the bed, and if a cramp wakes you, flex your foot up toward "
        "your knee and hold it while the muscle lets go.",
    ),
    (
        "bedtime",
        "A glass of water and foods rich in magnesium and calcium, such as yoghurt, nuts or "
        "leafy greens, help muscles stay calm overnight.",
    ),
    (
        "menstrual",
        "Warmth helps: a hot-water bottle on the belly or lower back, a warm drink, and rest "
        "when you need it.",
    ),
    (
        "after-standing",
        "Put your feet up for a few minutes and drink some water: long standing tires the "
        "calves.",
    ),
    (
        "desk",
        "Set a reminder to stand up and move every 30 to 60 minutes, and keep water on your "
        "desk.",
    ),
    (
        "after-sitting",
        "Get up and walk around for a minute every half hour or so: long sitting stiffens "
        "legs and back.",
    ),
    (
        "morning",
        "Start the day with a glass of water: you have gone all night without one.",
    ),
)
DEFAULT_TIP = (
    "Drink some water, and balance active days with rest: muscles that are well rested and "
    "well watered cramp less."
)


def tip_for(situations: Iterable[str]) -> str:
    """Return the prevention tip that fits a routine's situations best."""
    wanted = set(situations)
    for situation, tip in TIPS:
        if situation in wanted:
            return tip
    return DEFAULT_TIP
