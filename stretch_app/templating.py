"""Small formatting helpers for templates."""

from __future__ import annotations

from flask_babel import gettext

# Joins a number to its unit so a line never breaks between them ("11 | min").
NBSP = "\u00a0"


def _seconds(value: int) -> str:
    return gettext("%(seconds)s s", seconds=value).replace(" ", NBSP)


def _minutes(value: int) -> str:
    return gettext("%(minutes)s min", minutes=value).replace(" ", NBSP)


def format_duration(seconds: int) -> str:
    """Format seconds as '45 s', '5 min' or '12 min 30 s', each number kept with its unit."""
    seconds = int(seconds)
    if seconds < 60:
        return _seconds(seconds)
    minutes, rest = divmod(seconds, 60)
    return _minutes(minutes) if rest == 0 else f"{_minutes(minutes)} {_seconds(rest)}"
