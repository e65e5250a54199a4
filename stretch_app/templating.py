"""Small formatting helpers for templates."""

from __future__ import annotations


def format_duration(seconds: int) -> str:
    """Format seconds as '45 s', '5 min' or '12 min 30 s'."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"
