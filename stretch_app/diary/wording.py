"""Dates and numbers in the reader's language; English where no request sets one (unit tests)."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale, dates, numbers
from flask_babel import get_locale

# Exactly one decimal, as the summary's averages and rates show them: "2.0", "1,5" in German.
DECIMAL = "#,##0.0"


def _locale() -> Locale:
    return get_locale() or Locale("en")


def day_text(day: date, pattern: str = "d MMM y") -> str:
    """Return a date in a CLDR pattern for the reader, such as '1 Mar 2025'."""
    return dates.format_date(day, pattern, locale=_locale())


def time_text(moment: datetime, pattern: str = "EEE d MMM y, HH:mm") -> str:
    """Return an aware date-time as read in its own zone, such as 'Sat 1 Mar 2025, 22:30'."""
    return dates.format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=_locale())


def number_text(value: float | int | None, pattern: str = DECIMAL) -> str:
    """Return a number with one decimal written the reader's way, or '—' for none."""
    if value is None:
        return "—"
    return numbers.format_decimal(value, pattern, locale=_locale())
