"""Completions: validating a finished (or stopped) session and recording it once per client id."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from flask_babel import gettext
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
from sqlalchemy import select, update

from .catalog import Routine
from .database import insert_for
from .extensions import db
from .inputs import CLIENT_ID, EARLIEST, ISO_DATE_TIME, InputError
from .models import Completion, User
from .stats import refresh_streaks
from .timezones import is_valid_zone, zone

FUTURE_SLACK = timedelta(minutes=5)
MAX_SESSION = timedelta(hours=6)
COMPLETIONS = Completion.__table__
# The fields that make two posts of one client id the same session.
SAME_SESSION_FIELDS = ("routine_slug", "started_at", "ended_at", "time_zone", "steps_done",
                       "steps_total", "seconds_done", "finished")


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
            raise ValueError(gettext("must be a UUID"))
        return str(uuid.UUID(value))

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_valid_zone(value):
            raise ValueError(gettext("must be an IANA time zone name such as Europe/Paris"))
        return value

    @field_validator("started_at", "ended_at", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # Only ISO 8601 text: numbers would otherwise be read as Unix timestamps.
        if not isinstance(value, str) or len(value) > 40 or not ISO_DATE_TIME.match(value):
            raise ValueError(gettext("must be an ISO 8601 date and time with a UTC offset"))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CompletionIn:
        if self.ended_at < self.started_at:
            raise ValueError(gettext("ended_at must not be before started_at"))
        if self.ended_at - self.started_at > MAX_SESSION:
            raise ValueError(gettext("a session cannot last more than 6 hours"))
        if self.steps_done > self.steps_total:
            raise ValueError(gettext("steps_done cannot exceed steps_total"))
        if self.started_at < EARLIEST:
            raise ValueError(gettext("started_at is too far in the past"))
        return self


def utc_naive(moment: datetime) -> datetime:
    """Return an aware instant as naive UTC (the storage convention)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_date_of(moment: datetime, time_zone: str) -> date:
    """Return the calendar date of an instant in a zone (fixed when recorded)."""
    return moment.astimezone(zone(time_zone)).date()


def completion_row(data: CompletionIn, user_id: int,
                   find: Callable[[str], Routine | None], now: datetime) -> dict[str, Any]:
    """Return the row to store for a posted completion, or raise InputError."""
    if data.started_at > now + FUTURE_SLACK:
        raise InputError("started_at", gettext("started_at is in the future"))
    routine = find(data.routine)
    if routine is None:
        raise InputError("routine",
                         gettext("unknown routine '%(slug)s'", slug=data.routine[:80]))
    return {
        "user_id": user_id,
        "client_id": data.id,
        "routine_slug": routine.slug,
        "routine_title": routine.title,
        "areas": ",".join(routine.areas),
        "started_at": utc_naive(data.started_at),
        "ended_at": utc_naive(data.ended_at),
        "time_zone": data.time_zone,
        "local_date": local_date_of(data.started_at, data.time_zone),
        "steps_done": data.steps_done,
        "steps_total": data.steps_total,
        "seconds_done": data.seconds_done,
        "finished": data.finished,
        "created_at": utc_naive(now),
    }


class Outcome(enum.Enum):
    """What a posted completion came to."""

    NEW = "new"
    SAME = "same"  # that client id was stored before with the same content
    CONFLICT = "conflict"  # that client id was stored before with other content


@dataclass(frozen=True)
class Recorded:
    """A posted completion's outcome and the row stored under its client id."""

    outcome: Outcome
    completion: Completion


def record_completion(user: User, row: dict[str, Any], day_was_active: bool) -> Recorded:
    """Store a completion once per (user, client id); refresh streaks for a newly active day."""
    # ON CONFLICT DO NOTHING: concurrent retries of one id neither duplicate nor error.
    # RETURNING tells whether this statement inserted the row.
    new_id = db.session.execute(
        insert_for(COMPLETIONS).values(**row)
        .on_conflict_do_nothing(index_elements=["user_id", "client_id"])
        .returning(COMPLETIONS.c.id)
    ).scalar_one_or_none()
    if new_id is None:
        stored = db.session.execute(
            select(Completion).where(Completion.user_id == user.id,
                                     Completion.client_id == row["client_id"])
        ).scalar_one()
        same = all(getattr(stored, key) == row[key] for key in SAME_SESSION_FIELDS)
        return Recorded(Outcome.SAME if same else Outcome.CONFLICT, stored)
    users = User.__table__
    db.session.execute(  # on the table: the user row in the session is expired at commit
        update(users).where(users.c.id == user.id).values(
            finished_count=users.c.finished_count + int(row["finished"]),
            seconds_total=users.c.seconds_total + row["seconds_done"])
    )
    # Runs change only when a date becomes active: at most once a day, not every session.
    if row["finished"] and not day_was_active:
        refresh_streaks(user)
    return Recorded(Outcome.NEW, Completion(id=new_id, **row))


def finished_on(user_id: int, day: date) -> bool:
    """Tell whether the user already has a finished session on a local date."""
    # Read before the write lock is taken: a stale "no" only costs a second streak refresh,
    # and a "yes" means that session's own refresh has already been committed.
    return db.session.execute(
        select(Completion.id).where(
            Completion.user_id == user_id, Completion.local_date == day,
            Completion.finished.is_(True)).limit(1)
    ).first() is not None


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


def list_completions(user: User, start: date | None, end: date | None) -> list[Completion]:
    """Return the user's completions between two local dates (inclusive), oldest first."""
    query = select(Completion).where(Completion.user_id == user.id)
    if start is not None:
        query = query.where(Completion.local_date >= start)
    if end is not None:
        query = query.where(Completion.local_date <= end)
    query = query.order_by(Completion.started_at, Completion.id)
    return list(db.session.execute(query).scalars())


def recent_completions(user_id: int, limit: int = 30) -> list[Completion]:
    """Return the user's latest sessions, newest first."""
    query = (
        select(Completion)
        .where(Completion.user_id == user_id)
        .order_by(Completion.started_at.desc(), Completion.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())
