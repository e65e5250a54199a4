"""How pages name the catalog's fixed values (areas, situations, places, levels), per language."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask_babel import lazy_gettext

# Lazy: each label is looked up in the language of the request that shows it.
AREA_LABELS: Mapping[str, object] = MappingProxyType({
    "legs": lazy_gettext("Legs"), "abdomen": lazy_gettext("Abdomen"),
    "back": lazy_gettext("Back"),
})  # fmt: skip
SITUATION_LABELS: Mapping[str, object] = MappingProxyType({
    "morning": lazy_gettext("Morning"), "desk": lazy_gettext("At a desk"),
    "after-sitting": lazy_gettext("After sitting"),
    "after-standing": lazy_gettext("After standing"), "warm-up": lazy_gettext("Warm-up"),
    "after-exercise": lazy_gettext("After exercise"), "bedtime": lazy_gettext("Bedtime"),
    "night-leg-cramps": lazy_gettext("Night leg cramps"),
    "menstrual": lazy_gettext("Period cramps"), "anytime": lazy_gettext("Anytime"),
})  # fmt: skip
# Places a pose can be done in, so people who cannot get down to the floor can filter.
POSITION_LABELS: Mapping[str, object] = MappingProxyType({
    "standing": lazy_gettext("Standing"), "chair": lazy_gettext("On a chair"),
    "floor": lazy_gettext("On the floor"), "bed": lazy_gettext("In bed"),
})  # fmt: skip
# The body's position while holding a pose (a pose file's `position`).
BODY_POSITION_LABELS: Mapping[str, object] = MappingProxyType({
    "standing": lazy_gettext("Standing"), "chair": lazy_gettext("Chair"),
    "seated": lazy_gettext("Seated"), "kneeling": lazy_gettext("Kneeling"),
    "lying": lazy_gettext("Lying"),
})  # fmt: skip
LEVEL_LABELS: Mapping[str, object] = MappingProxyType({
    "gentle": lazy_gettext("Gentle"), "moderate": lazy_gettext("Moderate"),
})  # fmt: skip
KIND_LABELS: Mapping[str, object] = MappingProxyType({
    "stretch": lazy_gettext("Stretch"), "yoga": lazy_gettext("Yoga"),
    "mobility": lazy_gettext("Mobility"), "breathing": lazy_gettext("Breathing"),
})  # fmt: skip
# What a pose works on, written to sit inside a sentence ("Works on: calves, feet").
TARGET_LABELS: Mapping[str, object] = MappingProxyType({
    "calves": lazy_gettext("calves"), "feet": lazy_gettext("feet"),
    "shins": lazy_gettext("shins"), "hamstrings": lazy_gettext("hamstrings"),
    "quadriceps": lazy_gettext("quadriceps"), "hips": lazy_gettext("hips"),
    "glutes": lazy_gettext("glutes"), "inner-thighs": lazy_gettext("inner thighs"),
    "lower-back": lazy_gettext("lower back"), "upper-back": lazy_gettext("upper back"),
    "spine": lazy_gettext("spine"), "core": lazy_gettext("core"),
    "side-body": lazy_gettext("side body"), "breath": lazy_gettext("breath"),
})  # fmt: skip


def label(labels: Mapping[str, object], key: str) -> str:
    """Return a value's label in the request's language, or the value itself if it has none."""
    return str(labels.get(key, key))
