"""IANA time-zone names: validation without touching the file system for bad input."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones


@cache
def zone_names() -> frozenset[str]:
    """Return every IANA zone name the bundled database knows."""
    return frozenset(available_timezones())


def is_valid_zone(name: Any) -> bool:
    """Tell whether a value is a known IANA zone name (any other type or text is not)."""
    return isinstance(name, str) and 0 < len(name) <= 64 and name in zone_names()


@cache
def zone(name: str) -> ZoneInfo:
    """Return the ZoneInfo for a name already checked with is_valid_zone."""
    return ZoneInfo(name)
