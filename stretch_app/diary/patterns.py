"""Diary patterns: cramps and stretching per week, the trend, counts, suggestions, doctor reasons.

Pure functions only: no database; callers pass `today` (a local date) in. Sentences go
through the message catalogue, in English where no request sets a language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..catalog import Routine
from ..streaks import week_start
from .entries import AREA_LABELS, LOCATION_AREAS, LOCATIONS, TRIGGERS, split_list
from .wording import day_text

PATTERN_WEEKS = 12


def pattern_window(today: date, weeks: int = PATTERN_WEEKS) -> tuple[date, date]:
    """Return the first and last date of the `weeks` ISO weeks ending with today's week."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    return first, week_start(today) + timedelta(days=6)


@dataclass(frozen=True)
class Week:
    """One ISO week of the patterns view."""

    start: date
    cramps: int
    active_days: int

    @property
    def label(self) -> str:
        """Return the week's short label, such as '3 Mar'."""
        return day_text(self.start, "d MMM")


def weekly_series(
    today: date,
    cramps_by_day: Mapping[date, int],
    active_days: Iterable[date],
    weeks: int = PATTERN_WEEKS,
) -> list[Week]:
    """Return cramps and active stretching days per week, oldest week first."""
    first, last = pattern_window(today, weeks)
    cramps = Counter[date]()
    for day, count in cramps_by_day.items():
        if first <= day <= last:
            cramps[week_start(day)] += count
    active = Counter[date](week_start(d) for d in set(active_days) if first <= d <= last)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    return [Week(s, cramps[s], active[s]) for s in starts]


TREND_WEEKS = 4
TREND_MIN_INCREASE = 3


@dataclass(frozen=True)
class Trend:
    """Cramps in the last weeks against as many weeks before, all of them kept in the diary."""

    weeks: int
    before: int
    recent: int

    @property
    def entries(self) -> int:
        """Return how many diary entries the comparison rests on."""
        return self.before + self.recent

    @property
    def rising(self) -> bool:
        """Tell whether cramps clearly rose: at least 3 more and at least twice as many."""
        return self.recent >= self.before + TREND_MIN_INCREASE and self.recent >= 2 * self.before

    @property
    def text(self) -> str:
        """Return the comparison in words, with the numbers it rests on."""
        values = {"recent": self.recent, "weeks": self.weeks, "before": self.before}
        if self.rising:
            return ngettext(
                "Your cramps have become clearly more frequent: %(recent)s in the last "
                "%(weeks)s weeks against %(before)s in the %(weeks)s weeks before (based on "
                "%(num)s entry).",
                "Your cramps have become clearly more frequent: %(recent)s in the last "
                "%(weeks)s weeks against %(before)s in the %(weeks)s weeks before (based on "
                "%(num)s entries).",
                self.entries, **values)
        return ngettext(
            "No clear rise in your cramps: %(recent)s in the last %(weeks)s weeks against "
            "%(before)s in the %(weeks)s weeks before (based on %(num)s entry).",
            "No clear rise in your cramps: %(recent)s in the last %(weeks)s weeks against "
            "%(before)s in the %(weeks)s weeks before (based on %(num)s entries).",
            self.entries, **values)


def diary_weeks(today: date, first_entry: date | None) -> int:
    """Return how many weeks, this one included, the diary has been kept (0 when empty)."""
    if first_entry is None or first_entry > today:
        return 0
    return (week_start(today) - week_start(first_entry)).days // 7 + 1


def compare_weeks(weeks: Sequence[Week], first_entry: date | None) -> Trend | None:
    """Compare the last 4 weeks (this one so far) with the 4 before, or None if too early.

    Both sides must lie within the time the diary was kept (from the week of the first entry
    on): before then there is nothing to compare with, only weeks that were not recorded.
    """
    span = 2 * TREND_WEEKS
    if first_entry is None or len(weeks) < span or weeks[-span].start < week_start(first_entry):
        return None
    recent = sum(w.cramps for w in weeks[-TREND_WEEKS:])
    before = sum(w.cramps for w in weeks[-span:-TREND_WEEKS])
    return Trend(TREND_WEEKS, before, recent)


def trend_note(trend: Trend | None, kept_weeks: int) -> str:
    """Return what the page says about the trend, including when it is too early to tell."""
    if trend is not None:
        return trend.text
    if kept_weeks == 0:
        return ""
    return ngettext(
        "Too early for a trend: it compares %(weeks)s weeks with the %(weeks)s before, from "
        "your first entry on, and your diary covers %(num)s week so far.",
        "Too early for a trend: it compares %(weeks)s weeks with the %(weeks)s before, from "
        "your first entry on, and your diary covers %(num)s weeks so far.",
        kept_weeks, weeks=TREND_WEEKS)


def count_lists(groups: Iterable[tuple[str, int]], order: Sequence[str]) -> list[tuple[str, int]]:
    """Count slugs in (comma-separated list, number of entries) groups; most common first.

    Ties keep the order of `order`; slugs not in `order` are ignored.
    """
    counts = Counter[str]()
    for joined, number in groups:
        for slug in set(split_list(joined)):
            counts[slug] += number
    rank = {slug: i for i, slug in enumerate(order)}
    found = [(s, n) for s, n in counts.items() if s in rank and n > 0]
    return sorted(found, key=lambda item: (-item[1], rank[item[0]]))


def count_areas(location_counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Turn per-location counts into per-area counts ('other' for elsewhere), most first."""
    counts = Counter[str]()
    for location, number in location_counts:
        counts[LOCATION_AREAS.get(location) or "other"] += number
    order = list(AREA_LABELS)
    return sorted(((a, n) for a, n in counts.items() if n > 0),
                  key=lambda item: (-item[1], order.index(item[0])))


def rank_locations(location_counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Return per-location counts, most common first (ties in the LOCATIONS order)."""
    order = list(LOCATIONS)
    merged = Counter[str]()
    for location, number in location_counts:
        if location in LOCATIONS:
            merged[location] += number
    return sorted(((loc, n) for loc, n in merged.items() if n > 0),
                  key=lambda item: (-item[1], order.index(item[0])))


@dataclass(frozen=True)
class Shares:
    """How many cramps came with a trigger, in whole sentences a translator can reorder."""

    one: Any  # the only cramp
    all: Any  # %(total)s: every one of them
    most: Any  # %(count)s of %(total)s, more than half
    single: Any  # 1 of %(total)s
    some: Any  # %(count)s of %(total)s, at most half


@dataclass(frozen=True)
class SuggestionRule:
    """Which routines fit a trigger, and what to say about it."""

    situations: tuple[str, ...]
    area: str | None
    shares: Shares
    advice: Any


SUGGESTION_RULES: Mapping[str, SuggestionRule] = MappingProxyType({
    "sitting": SuggestionRule(
        ("desk", "after-sitting"), None, Shares(
            _l("Your cramp came after long sitting."),
            _l("All %(total)s of your cramps came after long sitting."),
            _l("Most of your cramps came after long sitting (%(count)s of %(total)s)."),
            _l("1 of your %(total)s cramps came after long sitting."),
            _l("%(count)s of your %(total)s cramps came after long sitting.")),
        _l("Stand up and move every 30 to 60 minutes, and try a short desk break or "
           "after-sitting routine."),
    ),
    "standing": SuggestionRule(
        ("after-standing",), None, Shares(
            _l("Your cramp came after long standing."),
            _l("All %(total)s of your cramps came after long standing."),
            _l("Most of your cramps came after long standing (%(count)s of %(total)s)."),
            _l("1 of your %(total)s cramps came after long standing."),
            _l("%(count)s of your %(total)s cramps came after long standing.")),
        _l("Shift your weight, take short sitting breaks, and stretch your calves when you get "
           "home."),
    ),
    "overexertion": SuggestionRule(
        ("after-exercise", "warm-up"), None, Shares(
            _l("Your cramp came with hard effort or no warm-up."),
            _l("All %(total)s of your cramps came with hard effort or no warm-up."),
            _l("Most of your cramps came with hard effort or no warm-up (%(count)s of "
               "%(total)s)."),
            _l("1 of your %(total)s cramps came with hard effort or no warm-up."),
            _l("%(count)s of your %(total)s cramps came with hard effort or no warm-up.")),
        _l("Build up gently, warm up first, drink enough, and finish with a cool-down."),
    ),
    "night": SuggestionRule(
        ("night-leg-cramps", "bedtime"), "legs", Shares(
            _l("Your cramp came at night."),
            _l("All %(total)s of your cramps came at night."),
            _l("Most of your cramps came at night (%(count)s of %(total)s)."),
            _l("1 of your %(total)s cramps came at night."),
            _l("%(count)s of your %(total)s cramps came at night.")),
        _l("A glass of water and a short leg stretch before bed can help your muscles stay "
           "calm."),
    ),
    "menstrual": SuggestionRule(
        ("menstrual",), "abdomen", Shares(
            _l("Your cramp came with your period."),
            _l("All %(total)s of your cramps came with your period."),
            _l("Most of your cramps came with your period (%(count)s of %(total)s)."),
            _l("1 of your %(total)s cramps came with your period."),
            _l("%(count)s of your %(total)s cramps came with your period.")),
        _l("Gentle belly and back stretches, warmth and slow breathing can ease them."),
    ),
    "dehydration": SuggestionRule(
        (), None, Shares(
            _l("Your cramp came when you had not drunk enough."),
            _l("All %(total)s of your cramps came when you had not drunk enough."),
            _l("Most of your cramps came when you had not drunk enough (%(count)s of "
               "%(total)s)."),
            _l("1 of your %(total)s cramps came when you had not drunk enough."),
            _l("%(count)s of your %(total)s cramps came when you had not drunk enough.")),
        _l("Keep water in reach and sip through the day, more in the heat and when you "
           "exercise. If a doctor has told you to limit fluids, follow their advice instead."),
    ),
    "diet": SuggestionRule(
        (), None, Shares(
            _l("Your cramp seemed linked to what you ate."),
            _l("All %(total)s of your cramps seemed linked to what you ate."),
            _l("Most of your cramps seemed linked to what you ate (%(count)s of %(total)s)."),
            _l("1 of your %(total)s cramps seemed linked to what you ate."),
            _l("%(count)s of your %(total)s cramps seemed linked to what you ate.")),
        _l("Foods with potassium, magnesium, calcium and some sodium help: bananas, potatoes, "
           "beans, yoghurt, nuts and greens. If you have been told to limit salt or fluids, "
           "follow your doctor's advice instead."),
    ),
})  # fmt: skip
SUGGESTION_LIMIT = 3


@dataclass(frozen=True)
class Suggestion:
    """What to try, from the most common trigger."""

    trigger: str
    trigger_label: str
    text: str
    routines: tuple[Routine, ...] = field(default=())


def fitting_routines(
    routines: Iterable[Routine], situations: Sequence[str], area: str | None,
    limit: int = SUGGESTION_LIMIT,
) -> list[Routine]:
    """Return routines in any of the situations (and area), best match first.

    A routine matching an earlier situation comes first; gentle before moderate, then shorter.
    """
    rank = {s: i for i, s in enumerate(situations)}
    found = []
    for routine in routines:
        matched = [rank[s] for s in routine.situations if s in rank]
        if not matched or (area is not None and area not in routine.areas):
            continue
        key = (min(matched), routine.level != "gentle", routine.total_seconds, routine.title)
        found.append((key, routine))
    found.sort(key=lambda item: item[0])
    return [routine for _key, routine in found[:limit]]


def share_of_cramps(count: int, total: int, shares: Shares) -> str:
    """Say how many of the cramps came with a trigger, and call them most only when most did."""
    values = {"count": count, "total": total}
    if total <= 1:
        return str(shares.one)
    if count >= total:
        text = shares.all
    elif 2 * count > total:
        text = shares.most
    else:
        text = shares.single if count == 1 else shares.some
    return str(text) % values


def suggest(
    trigger_counts: Sequence[tuple[str, int]], routines: Iterable[Routine], total: int
) -> Suggestion | None:
    """Return the suggestion for the most common trigger that has a rule, or None.

    `total` is how many cramps the counts come from.
    """
    for trigger, count in trigger_counts:
        rule = SUGGESTION_RULES.get(trigger)
        if rule is None:
            continue
        picked = fitting_routines(routines, rule.situations, rule.area) if rule.situations else []
        text = f"{share_of_cramps(count, total, rule.shares)} {rule.advice}"
        return Suggestion(trigger, str(TRIGGERS[trigger]), text, tuple(picked))
    return None


def doctor_reasons(red_flag_entries: int, trend: Trend | None) -> list[str]:
    """Return why the patterns call for a doctor's visit (empty when they do not).

    One entry with a warning sign is enough, as on the entry's own page.
    """
    reasons = []
    if red_flag_entries:
        reasons.append(ngettext("You logged %(num)s cramp with a warning sign.",
                                "You logged %(num)s cramps with a warning sign.",
                                red_flag_entries))
    if trend is not None and trend.rising:
        reasons.append(trend.text)
    return reasons
