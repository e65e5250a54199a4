"""Small formatting helpers for templates."""

from __future__ import annotations

# Joins a number to its unit so a line never breaks between them ("11 | min").
NBSP = "\u00a0"


def format_duration(seconds: int) -> str:
    """Format seconds as '45 s', '5 min' or '12 min 30 s', each number kept with its unit."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}{NBSP}s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}{NBSP}min" if rest == 0 else f"{minutes}{NBSP}min {rest}{NBSP}s"
