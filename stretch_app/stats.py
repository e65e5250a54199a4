"""Stats and streaks from the database: streak runs kept per user, days off, figures for pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import delete, func, select

from .catalog import AREAS
from .database import insert_for
from .extensions import db
from .inputs import EARLIEST, InputError, today_for
from .models import Completion, DayOff, StreakRun, User, WeeklyGoal, utcnow
from .streaks import (
    Run,
    StreakSummary,
    current_from_run,
    day_runs,
    week_runs,
    week_start,
    weekly_from_run,
)

DAY_OFF_KINDS = ("rest", "sick", "cramp-recovery")
OTHER_AREA = "other"
DAY_OFF_LABELS = {"rest": lazy_gettext("Rest day"), "sick": lazy_gettext("Sick day"),
                  "cramp-recovery": lazy_gettext("Cramp recovery")}


def active_days(user_id: int, since: date | None = None) -> set[date]:
    """Return the local dates with a finished session."""
    query = select(Completion.local_date).where(
        Completion.user_id == user_id, Completion.finished.is_(True)
    ).distinct()
    if since is not None:
        query = query.where(Completion.local_date >= since)
    return set(db.session.execute(query).scalars())


def days_off(user_id: int) -> dict[date, str]:
    """Return the user's days off and their kinds."""
    rows = db.session.execute(select(DayOff.day, DayOff.kind).where(DayOff.user_id == user_id))
    return {day: kind for day, kind in rows}


def refresh_streaks(user: User) -> None:
    """Rebuild a user's streak runs from their history (after active days or days off change)."""
    # Runs are rebuilt at most once a day per user (a date's first finished session, or a day
    # off), so reading the whole history here keeps every stats read independent of it.
    db.session.flush()
    # Serialise concurrent rebuilds of one user on PostgreSQL (SQLite writers are serial).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    active = active_days(user.id)
    off = set(days_off(user.id))
    per_week: dict[date, list[int]] = {}
    for day in active:
        per_week.setdefault(week_start(day), [0, 0])[0] += 1
    for day in off:
        per_week.setdefault(week_start(day), [0, 0])[1] += 1
    weeks = [(monday, a, o) for monday, (a, o) in per_week.items()]
    rows = [{"kind": "day", "run": run} for run in day_runs(active, off)]
    goals = goal_changes(user.id)
    rows += [{"kind": "week", "run": run} for run in week_runs(weeks, user.weekly_goal, goals)]
    db.session.execute(delete(StreakRun).where(StreakRun.user_id == user.id))
    db.session.add_all(
        StreakRun(user_id=user.id, kind=r["kind"], first=r["run"].first, last=r["run"].last,
                  length=r["run"].length)
        for r in rows
    )
    db.session.flush()


def goal_changes(user_id: int) -> list[tuple[date, int]]:
    """Return the user's goal changes as (first monday, goal), oldest first."""
    rows = db.session.execute(select(WeeklyGoal.week, WeeklyGoal.goal)
                              .where(WeeklyGoal.user_id == user_id).order_by(WeeklyGoal.week))
    return [(week, goal) for week, goal in rows]


def record_goal_change(user: User, previous: int, today: date) -> None:
    """Keep the goal just set from this week on, and the one before for the weeks before."""
    if user.weekly_goal == previous:
        return
    if not goal_changes(user.id):
        # The first change: until this week, the goal that held all along.
        db.session.add(WeeklyGoal(user_id=user.id, week=week_start(EARLIEST.date()),
                                  goal=previous))
    stmt = insert_for(WeeklyGoal).values(user_id=user.id, week=week_start(today),
                                         goal=user.weekly_goal, created_at=utcnow())
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "week"],
                                      set_={"goal": user.weekly_goal})
    db.session.flush()
    db.session.execute(stmt)


def recount_totals(user: User) -> None:
    """Recompute a user's session totals from scratch (after a bulk change such as an import)."""
    finished, seconds = db.session.execute(
        select(
            func.count(Completion.id).filter(Completion.finished.is_(True)),
            func.coalesce(func.sum(Completion.seconds_done), 0),
        ).where(Completion.user_id == user.id)
    ).one()
    user.finished_count, user.seconds_total = int(finished), int(seconds)


def _run(user_id: int, kind: str, first_before: date, last_after: date) -> Run | None:
    row = db.session.execute(
        select(StreakRun.first, StreakRun.last, StreakRun.length)
        .where(StreakRun.user_id == user_id, StreakRun.kind == kind,
               StreakRun.last >= last_after, StreakRun.first <= first_before)
        .order_by(StreakRun.last)
        .limit(1)
    ).first()
    return Run(*row) if row else None


def streak_summary(user: User, today: date) -> StreakSummary:
    """Read the streak figures from the stored runs: cost independent of history length."""
    longest = db.session.execute(
        select(func.max(StreakRun.length)).where(
            StreakRun.user_id == user.id, StreakRun.kind == "day")
    ).scalar()
    monday = week_start(today)
    this_week, today_active = db.session.execute(
        select(
            func.count(func.distinct(Completion.local_date)),
            func.count(Completion.id).filter(Completion.local_date == today),
        ).where(
            Completion.user_id == user.id,
            Completion.finished.is_(True),
            Completion.local_date.between(monday, today),
        )
    ).one()
    day_run = _run(user.id, "day", today, today - timedelta(days=1))
    week_run = _run(user.id, "week", monday, monday - timedelta(weeks=1))
    return StreakSummary(
        current_streak=current_from_run(day_run, today),
        longest_streak=int(longest or 0),
        weekly_goal=user.weekly_goal,
        this_week_active_days=int(this_week),
        weekly_streak=weekly_from_run(week_run, today),
        today_active=bool(today_active),
    )


@dataclass(frozen=True)
class Stats:
    """The figures of GET /api/stats."""

    streaks: StreakSummary
    total_finished: int
    total_minutes: int
    # The last 30 days, each session once under its routine's main area, so the parts add up
    # to recent_minutes; "other" holds sessions of routines no longer in the catalog.
    recent_minutes: int
    recent_by_area: dict[str, int]

    @property
    def minutes_by_area(self) -> dict[str, int]:
        """Return the last 30 days' minutes per body area, as the API shows them."""
        return {area: self.recent_by_area[area] for area in AREAS}

    def as_json(self) -> dict[str, Any]:
        """Return the stats in the API's shape."""
        s = self.streaks
        return {
            "current_streak": s.current_streak,
            "longest_streak": s.longest_streak,
            "weekly_goal": s.weekly_goal,
            "this_week_active_days": s.this_week_active_days,
            "weekly_streak": s.weekly_streak,
            "total_finished": self.total_finished,
            "total_minutes": self.total_minutes,
            "today_active": s.today_active,
            "minutes_by_area": self.minutes_by_area,
        }


def split_minutes(seconds: dict[str, int]) -> dict[str, int]:
    """Round seconds per key to whole minutes whose sum is the total's whole minutes."""
    out = {key: value // 60 for key, value in seconds.items()}
    short = sum(seconds.values()) // 60 - sum(out.values())
    # Largest remainders first (ties in the keys' order), so the parts add up to the total.
    order = sorted(seconds, key=lambda key: -(seconds[key] % 60))
    for key in order[:short]:
        out[key] += 1
    return out


def seconds_by_main_area(user_id: int, since: date) -> dict[str, int]:
    """Sum session seconds since a date under each routine's main area (its first), once each."""
    rows = db.session.execute(
        select(Completion.areas, func.sum(Completion.seconds_done))
        .where(Completion.user_id == user_id, Completion.local_date >= since)
        .group_by(Completion.areas)
    )
    seconds = dict.fromkeys(AREAS, 0)
    seconds[OTHER_AREA] = 0
    for areas, total in rows:
        main = (areas or "").split(",")[0]
        seconds[main if main in AREAS else OTHER_AREA] += int(total or 0)
    return seconds


def stats_for(user: User, now: datetime) -> Stats:
    """Compute a user's stats as of now, in their current time zone."""
    today = today_for(user, now)
    recent = split_minutes(seconds_by_main_area(user.id, today - timedelta(days=29)))
    return Stats(
        streaks=streak_summary(user, today),
        total_finished=user.finished_count,
        total_minutes=user.seconds_total // 60,
        recent_minutes=sum(recent.values()),
        recent_by_area={k: v for k, v in recent.items() if k in AREAS or v},
    )


def seconds_by_day(user_id: int, since: date) -> dict[date, int]:
    """Sum session seconds per local date since a date."""
    rows = db.session.execute(
        select(Completion.local_date, func.sum(Completion.seconds_done))
        .where(Completion.user_id == user_id, Completion.local_date >= since)
        .group_by(Completion.local_date)
    )
    return {day: int(total or 0) for day, total in rows}


def partial_days(user_id: int, since: date) -> set[date]:
    """Return local dates with an unfinished session since a date."""
    query = select(Completion.local_date).where(
        Completion.user_id == user_id,
        Completion.finished.is_(False),
        Completion.local_date >= since,
    ).distinct()
    return set(db.session.execute(query).scalars())


def set_day_off(user: User, day: date, kind: str, today: date) -> None:
    """Mark a date as a day off (or change its kind); refuse unknown kinds and far futures."""
    if kind not in DAY_OFF_KINDS:
        raise InputError("kind", gettext("choose rest, sick or cramp recovery"))
    if day > today + timedelta(days=60):
        raise InputError("day", gettext("days off can be planned up to 60 days ahead"))
    if day < EARLIEST.date():
        raise InputError("day", gettext("that date is too far in the past"))
    stmt = insert_for(DayOff).values(user_id=user.id, day=day, kind=kind)
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "day"], set_={"kind": kind})
    db.session.execute(stmt)
    refresh_streaks(user)


def clear_day_off(user: User, day: date) -> bool:
    """Remove a day off; tell whether there was one."""
    found = db.session.execute(
        select(DayOff).where(DayOff.user_id == user.id, DayOff.day == day)
    ).scalar_one_or_none()
    if found is None:
        return False
    db.session.delete(found)
    refresh_streaks(user)
    return True
