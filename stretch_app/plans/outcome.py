"""Did it help? The person's own cramp figures before a plan and during it (pure functions).

Dates are the person's local dates; callers pass `today` in. The figures describe the diary,
never the plan's effect: the note says so in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, numbers
from flask_babel import get_locale, lazy_gettext, ngettext
from flask_babel import gettext as _

BEFORE_DAYS = 56  # the 8 weeks before the plan: older diary says little about now
BEFORE_ENOUGH = 14
DURING_DAYS = 14  # the plan's last two weeks, when its effect, if any, would show
DURING_ENOUGH = 7
FEW_RECORDS = 4
NONE = "—"
NOT_PROOF = lazy_gettext("These figures come from your own diary. They are not proof that "
                         "the plan changed anything: cramps come and go for many reasons.")
NOT_ENOUGH_BEFORE = lazy_gettext("Not enough diary before the plan to compare.")
TOO_SOON = lazy_gettext("The plan's figures appear after its first 7 days.")
LOG_NIGHTS = lazy_gettext("Log each cramp during the plan, and tap “No cramps last night” "
                          "after a quiet night, so quiet nights count too.")
FEW_AFTER = lazy_gettext("Few diary records back the plan's figures, so they say little either "
                         "way.")


@dataclass(frozen=True)
class Period:
    """A span of local dates and the diary's figures for it."""

    label: str
    first: date
    last: date
    days: int
    entries: int
    quiet: int
    per_week: float | None
    avg_strength: float | None
    enough: bool


@dataclass(frozen=True)
class Outcome:
    """The before and during periods (None when there is no diary or plan day yet) and a note."""

    before: Period | None
    during: Period | None
    note: str


def _one_decimal(numerator: int, denominator: int) -> float:
    # Half up, as worked by hand: 2.25 shows as 2.3, where round() would give 2.2.
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _period(label: str, first: date, last: date, enough: bool,
            cramps: Sequence[tuple[date, int]], quiet_nights: set[date]) -> Period:
    strengths = [strength for day, strength in cramps if first <= day <= last]
    days = (last - first).days + 1
    return Period(
        label=label,
        first=first,
        last=last,
        days=days,
        entries=len(strengths),
        quiet=sum(1 for day in quiet_nights if first <= day <= last),
        per_week=_one_decimal(len(strengths) * 7, days) if enough else None,
        avg_strength=_one_decimal(sum(strengths), len(strengths)) if enough and strengths
        else None,
        enough=enough,
    )


def _before_label(days: int) -> str:
    if days % 7 == 0:
        return ngettext("The week before the plan", "The %(num)s weeks before the plan",
                        days // 7)
    return ngettext("The day before the plan", "The %(num)s days before the plan", days)


def outcome(cramps: Sequence[tuple[date, int]], quiet_nights: set[date],
            first_record: date | None, start: date, end: date, today: date) -> Outcome:
    """Return the diary's figures for up to 8 weeks before the plan and its last 2 weeks so far.

    Before runs from the first record (at most 56 days back) to the day before the plan and is
    enough from 14 days; during is the plan's last 14 days up to today (or the plan's end) and
    is enough once the plan has had 7 days, counting today.
    """
    known = [d for d in (first_record, *(d for d, _ in cramps), *quiet_nights) if d is not None]
    first_known = min(known, default=None)
    before = None
    if first_known is not None and first_known < start:
        first = max(first_known, start - timedelta(days=BEFORE_DAYS))
        days = (start - first).days
        before = _period(_before_label(days), first,
                         start - timedelta(days=1), days >= BEFORE_ENOUGH, cramps, quiet_nights)
    during = None
    last = min(today, end)
    if last >= start:
        first = max(start, last - timedelta(days=DURING_DAYS - 1))
        a, b = (first - start).days + 1, (last - start).days + 1
        label = (_("Day %(day)s of the plan", day=a) if a == b
                 else _("Days %(first)s–%(last)s of the plan", first=a, last=b))
        during = _period(label, first, last, b >= DURING_ENOUGH, cramps, quiet_nights)
    return Outcome(before, during, _note(before, during, today > end))


def _note(before: Period | None, during: Period | None, ended: bool) -> str:
    parts = [NOT_PROOF]
    if before is None or not before.enough:
        parts.append(NOT_ENOUGH_BEFORE)
    if during is not None and not during.enough:
        parts.append(TOO_SOON)
    if during is None or during.entries + during.quiet < FEW_RECORDS:
        parts.append(FEW_AFTER if ended else LOG_NIGHTS)
    return " ".join(str(part) for part in parts)


def _records(p: Period | None) -> str:
    if p is None:
        return NONE
    entries = ngettext("%(num)s entry", "%(num)s entries", p.entries)
    quiet = ngettext("%(num)s quiet night", "%(num)s quiet nights", p.quiet)
    return _("%(entries)s, %(quiet)s", entries=entries, quiet=quiet)


def _figure(value: float | None) -> str:
    if value is None:
        return NONE
    # Always one decimal, written the reader's way: "0.7", "0,7" in German.
    return numbers.format_decimal(value, "#,##0.0", locale=get_locale() or Locale("en"))


def rows(result: Outcome) -> list[tuple[str, str, str]]:
    """Return (what, before, during) rows for the page's small table; "—" where not enough."""
    b, d = result.before, result.during
    return [
        (_("Cramps per week"), _figure(b.per_week if b else None),
         _figure(d.per_week if d else None)),
        (_("Average strength (1–10)"), _figure(b.avg_strength if b else None),
         _figure(d.avg_strength if d else None)),
        (_("Diary records"), _records(b), _records(d)),
    ]
