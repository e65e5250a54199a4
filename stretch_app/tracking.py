"""Completions and stats: recording sessions idempotently and aggregating them in SQL."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from sqlalchemy import Boolean, Date, bindparam, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from .catalog import AREAS, Catalog
from .driver_sql import DriverStatement
from .extensions import db
from .models import Completion, DayOff, SignedInUser, StreakRun, User
from .streaks import (
    Run,
    StreakSummary,
    current_from_run,
    week_runs,
    week_start,
    weekly_from_run,
)
from .timezones import is_valid_zone, zone

FUTURE_SLACK = timedelta(minutes=5)
MAX_SESSION = timedelta(hours=6)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
DAY_OFF_KINDS = ("rest", "sick", "cramp-recovery")
DAY_OFF_LABELS = {"rest": "Rest day", "sick": "Sick day", "cramp-recovery": "Cramp recovery"}
CLIENT_ID = re.compile(
    r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"
)
# What ISO 8601 text looks like here: pydantic and date.fromisoformat also take Unix timestamps
# written as digits ("1764000000") and week dates ("2026-W05-1"), which are not the contract.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


class InputError(ValueError):
    """Input that cannot be accepted; `field` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class CompletionIn(BaseModel):
    """The body of POST /api/completions."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[StrictStr, Field(min_length=32, max_length=36)]
    routine: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    started_at: AwareDatetime
    ended_at: AwareDatetime
    time_zone: Annotated[StrictStr, Field(max_length=64)]
    steps_done: Annotated[StrictInt, Field(ge=0, le=500)]
    steps_total: Annotated[StrictInt, Field(ge=1, le=500)]
    seconds_done: Annotated[StrictInt, Field(ge=0, le=int(MAX_SESSION.total_seconds()))]
    finished: StrictBool

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        # uuid.UUID alone would also take braces, "urn:uuid:" and hyphens anywhere.
        if not CLIENT_ID.fullmatch(value):
            raise ValueError("must be a UUID")
        return str(uuid.UUID(value))

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_valid_zone(value):
            raise ValueError("must be an IANA time zone name such as Europe/Paris")
        return value

    @field_validator("started_at", "ended_at", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # Only ISO 8601 text: numbers would otherwise be read as Unix timestamps.
        if not isinstance(value, str) or len(value) > 40 or not ISO_DATE_TIME.match(value):
            raise ValueError("must be an ISO 8601 date and time with a UTC offset")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CompletionIn:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at must not be before started_at")
        if self.ended_at - self.started_at > MAX_SESSION:
            raise ValueError("a session cannot last more than 6 hours")
        if self.steps_done > self.steps_total:
            raise ValueError("steps_done cannot exceed steps_total")
        if self.started_at < EARLIEST:
            raise ValueError("started_at is too far in the past")
        return self


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_date_of(moment: datetime, time_zone: str) -> date:
    """Return the calendar date of an instant in a zone (fixed when recorded)."""
    return moment.astimezone(zone(time_zone)).date()


def _insert(model: type[Any]) -> Any:
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


@dataclass(frozen=True)
class Recorded:
    """What happened to a posted completion: created, already there, or a conflict."""

    status: int
    completion: Any  # the stored row: a Completion's columns, read as attributes


_COMPLETIONS = Completion.__table__
_USERS = User.__table__
# Per dialect object, which its engine keeps alive: apps made and dropped (tests) leave none.
_STATEMENTS: WeakKeyDictionary[Dialect, tuple[DriverStatement, ...]] = WeakKeyDictionary()
_RECORDED_FIELDS = (
    "user_id", "client_id", "routine_slug", "routine_title", "areas", "started_at", "ended_at",
    "time_zone", "local_date", "steps_done", "steps_total", "seconds_done", "finished",
    "created_at",
)  # fmt: skip


def _completion_statements(dialect: Dialect) -> tuple[DriverStatement, ...]:
    """Return the statements of record_completion, compiled once per dialect.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING the new id (no row when the id was
    already there), the SELECT of the stored row for that case, the totals UPDATE, and
    whether the day had a finished session already, all with bound parameters.
    """
    found = _STATEMENTS.get(dialect)
    if found is None:
        module = postgresql if dialect.name == "postgresql" else sqlite
        c = _COMPLETIONS.c
        insert = (
            module.insert(_COMPLETIONS)
            .values({name: bindparam(name, type_=c[name].type) for name in _RECORDED_FIELDS})
            .on_conflict_do_nothing(index_elements=["user_id", "client_id"])
            .returning(c.id)
        )
        stored = select(_COMPLETIONS).where(
            c.user_id == bindparam("user_id"), c.client_id == bindparam("client_id")
        )
        totals = (
            update(_USERS)
            .where(_USERS.c.id == bindparam("uid"))
            .values(finished_count=_USERS.c.finished_count + bindparam("add_finished"),
                    seconds_total=_USERS.c.seconds_total + bindparam("add_seconds"))
            .returning(_USERS.c.finished_count, _USERS.c.seconds_total)
        )
        # Another finished session that day? One index probe, where a count would read every
        # session of the day.
        other_finished = select(c.id).where(
            c.user_id == bindparam("uid"), c.local_date == bindparam("day", type_=Date),
            c.finished.is_(True), c.id != bindparam("new_id")).limit(1)
        found = _STATEMENTS[dialect] = tuple(
            DriverStatement.compile(s, dialect) for s in (insert, stored, totals, other_finished)
        )
    return found


def completion_row(data: CompletionIn, user_id: int, catalog: Catalog, now: datetime
                   ) -> dict[str, Any]:
    """Return the row to store for a posted completion, or raise InputError."""
    if data.started_at > now + FUTURE_SLACK:
        raise InputError("started_at", "started_at is in the future")
    routine = catalog.routines.get(data.routine)
    if routine is None:
        raise InputError("routine", f"unknown routine '{data.routine[:80]}'")
    return {
        "user_id": user_id,
        "client_id": data.id,
        "routine_slug": routine.slug,
        "routine_title": routine.title,
        "areas": ",".join(routine.areas),
        "started_at": _utc_naive(data.started_at),
        "ended_at": _utc_naive(data.ended_at),
        "time_zone": data.time_zone,
        "local_date": local_date_of(data.started_at, data.time_zone),
        "steps_done": data.steps_done,
        "steps_total": data.steps_total,
        "seconds_done": data.seconds_done,
        "finished": data.finished,
        "created_at": _utc_naive(now),
    }


def record_completion(driver: Any, dialect: Dialect, user: User | SignedInUser,
                      row: dict[str, Any]) -> Recorded:
    """Store a completion once per (user, client id) in the driver connection's transaction.

    Report 201 (stored now), 200 (stored before, same session) or 409 (another session had
    that id). The caller commits; the streak runs are rebuilt in the same transaction.
    """
    # The hot path of the app, once per finished routine: straight at the driver, in a write
    # transaction of its own (database.write_transaction), not through the ORM session.
    insert, select_stored, totals, other_finished = _completion_statements(dialect)
    # ON CONFLICT DO NOTHING: concurrent retries of one id neither duplicate nor error.
    # RETURNING, not rowcount (SQLAlchemy reports -1 for INSERT on PostgreSQL): the new id,
    # or none when the id was already there, and only then is the stored one read back.
    inserted = insert.first(driver, row)
    if inserted is not None:
        stored = SimpleNamespace(id=inserted["id"], **row)
        sums = totals.first(driver, {"uid": user.id, "add_finished": int(row["finished"]),
                                     "add_seconds": row["seconds_done"]})
        if sums is None:  # the insert's foreign key needed the row: nothing deleted it since
            raise RuntimeError("the signed-in user's row vanished while recording a session")
        # Runs change only when a date becomes active: at most once a day, not every session.
        if row["finished"] and other_finished.first(
            driver, {"uid": user.id, "day": stored.local_date, "new_id": stored.id}
        ) is None:
            refresh_streaks(user, driver, dialect)
        return Recorded(201, stored)
    found = select_stored.first(driver, {"user_id": user.id, "client_id": row["client_id"]})
    if found is None:  # the id's row was there when inserting; nothing deletes single sessions
        raise RuntimeError("a completion vanished while it was being recorded")
    stored = SimpleNamespace(**found)
    same = all(
        getattr(stored, key) == row[key]
        for key in ("routine_slug", "started_at", "ended_at", "time_zone", "steps_done",
                    "steps_total", "seconds_done", "finished")
    )
    return Recorded(200 if same else 409, stored)


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat()


def completion_json(c: Completion) -> dict[str, Any]:
    """Return a stored completion as the API shows it."""
    return {
        "id": c.client_id,
        "routine": c.routine_slug,
        "routine_title": c.routine_title,
        "started_at": _iso(c.started_at),
        "ended_at": _iso(c.ended_at),
        "time_zone": c.time_zone,
        "local_date": c.local_date.isoformat(),
        "steps_done": c.steps_done,
        "steps_total": c.steps_total,
        "seconds_done": c.seconds_done,
        "finished": c.finished,
    }


def parse_date(value: str | None, field: str) -> date | None:
    """Parse an optional YYYY-MM-DD query value, raising InputError naming the field."""
    if value is None or value == "":
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{field} must be a date like 2026-01-31") from None


def list_completions(user: User | SignedInUser, start: date | None, end: date | None
                     ) -> list[Completion]:
    """Return the user's completions between two local dates (inclusive), oldest first."""
    query = select(Completion).where(Completion.user_id == user.id)
    if start is not None:
        query = query.where(Completion.local_date >= start)
    if end is not None:
        query = query.where(Completion.local_date <= end)
    query = query.order_by(Completion.started_at, Completion.id)
    return list(db.session.execute(query).scalars())


def today_for(user: User | SignedInUser, now: datetime) -> date:
    """Return the user's local date now, in their current zone."""
    return now.astimezone(zone(user.time_zone if is_valid_zone(user.time_zone) else "UTC")).date()


def active_days(user_id: int, since: date | None = None) -> set[date]:
    """Return the local dates with a finished session (aggregated in SQL)."""
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


@dataclass(frozen=True)
class Stats:
    """The figures of GET /api/stats."""

    streaks: StreakSummary
    total_finished: int
    total_minutes: int
    minutes_by_area: dict[str, int]

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


def minutes_by_area(user_id: int, since: date) -> dict[str, int]:
    """Sum session minutes per body area since a date (a session counts for each area)."""
    rows = db.session.execute(
        select(Completion.areas, func.sum(Completion.seconds_done))
        .where(Completion.user_id == user_id, Completion.local_date >= since)
        .group_by(Completion.areas)
    )
    seconds = dict.fromkeys(AREAS, 0)
    for areas, total in rows:
        for area in (areas or "").split(","):
            if area in seconds:
                seconds[area] += int(total or 0)
    return {area: value // 60 for area, value in seconds.items()}


_DAY_NUMBER = {
    "sqlite": "julianday(d)",
    "postgresql": "(d - DATE '2000-01-01')",
}
_WEEK_START = {
    "sqlite": "date(d, 'weekday 0', '-6 days')",
    "postgresql": "CAST(date_trunc('week', d) AS DATE)",
}


def _islands_sql(dialect: str) -> str:
    # Gaps and islands: consecutive dates share (day number - row number). An island is a run
    # of active days and days off; its active days make one streak (days off bridge).
    # Only a fixed per-dialect expression is formatted in; every value is a bound parameter.
    return f"""
    WITH days AS (
      SELECT d, MAX(a) AS a FROM (
        SELECT local_date AS d, 1 AS a FROM completions
          WHERE user_id = :uid AND finished = :yes
        UNION ALL
        SELECT day AS d, 0 AS a FROM days_off WHERE user_id = :uid
      ) AS u GROUP BY d
    ),
    runs AS (
      SELECT d, a, {_DAY_NUMBER[dialect]} - ROW_NUMBER() OVER (ORDER BY d) AS grp FROM days
    ),
    islands AS (
      SELECT MIN(d) AS first, MAX(d) AS last, SUM(a) AS total FROM runs GROUP BY grp
    )
    SELECT first, last, total FROM islands WHERE total > 0
    """  # nosec B608 # see the comment above


def _weeks_sql(dialect: str) -> str:
    return f"""
    SELECT w, SUM(a), SUM(o) FROM (
      SELECT {_WEEK_START[dialect]} AS w, 1 AS a, 0 AS o FROM (
        SELECT DISTINCT local_date AS d FROM completions WHERE user_id = :uid AND finished = :yes
      ) AS act
      UNION ALL
      SELECT {_WEEK_START[dialect]} AS w, 0 AS a, 1 AS o FROM (
        SELECT day AS d FROM days_off WHERE user_id = :uid
      ) AS off
    ) AS per_day GROUP BY w
    """  # nosec B608 # only a fixed per-dialect expression is formatted in; values are bound


def recount_totals(user: User) -> None:
    """Recompute a user's session totals from scratch (after a bulk change such as an import)."""
    finished, seconds = db.session.execute(
        select(
            func.count(Completion.id).filter(Completion.finished.is_(True)),
            func.coalesce(func.sum(Completion.seconds_done), 0),
        ).where(Completion.user_id == user.id)
    ).one()
    user.finished_count, user.seconds_total = int(finished), int(seconds)


_REFRESH: WeakKeyDictionary[Dialect, tuple[DriverStatement, ...]] = WeakKeyDictionary()


def _refresh_statements(dialect: Dialect) -> tuple[DriverStatement, ...]:
    """Return refresh_streaks' statements, compiled once per dialect."""
    found = _REFRESH.get(dialect)
    if found is None:
        runs = StreakRun.__table__
        typed = (bindparam("uid"), bindparam("yes", type_=Boolean))
        found = _REFRESH[dialect] = tuple(DriverStatement.compile(s, dialect) for s in (
            # Serialise concurrent refreshes of one user (PostgreSQL; SQLite writes are
            # serial already and leaves FOR UPDATE out).
            select(_USERS.c.id).where(_USERS.c.id == bindparam("uid")).with_for_update(),
            delete(runs).where(runs.c.user_id == bindparam("uid")),
            text(_islands_sql(dialect.name)).bindparams(*typed),
            text(_weeks_sql(dialect.name)).bindparams(*typed),
            runs.insert().values({name: bindparam(name, type_=runs.c[name].type)
                                  for name in ("user_id", "kind", "first", "last", "length")}),
        ))
    return found


def refresh_streaks(user: User | SignedInUser, driver: Any = None,
                    dialect: Dialect | None = None) -> None:
    """Rebuild a user's streak runs from their history (after a change to active days or rest).

    In the ORM session's transaction, or in a driver connection's when one is given (with
    its dialect).
    """
    if driver is not None and dialect is None:
        raise TypeError("refresh_streaks needs the dialect of the driver connection it is given")
    if driver is None or dialect is None:
        db.session.flush()  # what the session holds (a new day off) must be in the tables
        connection = db.session.connection()
        driver, dialect = connection.connection.driver_connection, connection.dialect
    lock, clear, islands, weeks, add = _refresh_statements(dialect)
    uid = {"uid": user.id, "yes": True}
    lock.first(driver, uid)
    clear.first(driver, uid)
    runs = [{"user_id": user.id, "kind": "day", "first": _as_date(a), "last": _as_date(b),
             "length": int(n)} for a, b, n in islands.all(driver, uid)]
    week_counts = [(_as_date(w), int(a), int(o)) for w, a, o in weeks.all(driver, uid)]
    runs += [{"user_id": user.id, "kind": "week", "first": r.first, "last": r.last,
              "length": r.length} for r in week_runs(week_counts, user.weekly_goal)]
    if runs:
        add.many(driver, runs)


def _run(user_id: int, kind: str, first_before: date, last_after: date) -> Run | None:
    row = db.session.execute(
        select(StreakRun.first, StreakRun.last, StreakRun.length)
        .where(StreakRun.user_id == user_id, StreakRun.kind == kind,
               StreakRun.last >= last_after, StreakRun.first <= first_before)
        .order_by(StreakRun.last)
        .limit(1)
    ).first()
    return Run(*row) if row else None


def streak_summary(user: User | SignedInUser, today: date) -> StreakSummary:
    """Read the streak figures from the precomputed runs: cost independent of history length."""
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


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def stats_for(user: User | SignedInUser, now: datetime) -> Stats:
    """Compute a user's stats as of now, in their current time zone."""
    today = today_for(user, now)
    return Stats(
        streaks=streak_summary(user, today),
        total_finished=user.finished_count,
        total_minutes=user.seconds_total // 60,
        minutes_by_area=minutes_by_area(user.id, today - timedelta(days=29)),
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


def recent_completions(user_id: int, limit: int = 30) -> list[Completion]:
    """Return the user's latest sessions, newest first."""
    query = (
        select(Completion)
        .where(Completion.user_id == user_id)
        .order_by(Completion.started_at.desc(), Completion.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def set_day_off(user: User | SignedInUser, day: date, kind: str, today: date) -> None:
    """Mark a date as a day off (or change its kind); refuse unknown kinds and far futures."""
    if kind not in DAY_OFF_KINDS:
        raise InputError("kind", "choose rest, sick or cramp recovery")
    if day > today + timedelta(days=60):
        raise InputError("day", "days off can be planned up to 60 days ahead")
    if day < EARLIEST.date():
        raise InputError("day", "that date is too far in the past")
    stmt = _insert(DayOff).values(user_id=user.id, day=day, kind=kind)
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "day"], set_={"kind": kind})
    db.session.execute(stmt)
    refresh_streaks(user)


def clear_day_off(user: User | SignedInUser, day: date) -> bool:
    """Remove a day off; tell whether there was one."""
    found = db.session.execute(
        select(DayOff).where(DayOff.user_id == user.id, DayOff.day == day)
    ).scalar_one_or_none()
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    refresh_streaks(user)
    return True
