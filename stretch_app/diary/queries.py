"""The diary's database reads and writes, shared by its pages and its API (the views commit)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import case, func

from ..database import insert_for
from ..extensions import db
from ..models import Completion, CrampEntry, utcnow
from .entries import CrampData, same_content
from .summary import Adherence, CrampTotals

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL
Saved = Literal["new", "same", "conflict"]


def own_entry(user_id: int, entry_id: int) -> CrampEntry | None:
    """Return the user's entry with this id, or None (also for anyone else's)."""
    if not 0 < entry_id <= MAX_ID:
        return None
    return db.session.execute(
        db.select(CrampEntry).where(CrampEntry.id == entry_id, CrampEntry.user_id == user_id)
    ).scalar_one_or_none()


def newest_entries(user_id: int, limit: int, offset: int) -> list[CrampEntry]:
    """Return a slice of the user's entries, newest first."""
    return list(db.session.execute(
        db.select(CrampEntry)
        .where(CrampEntry.user_id == user_id)
        .order_by(CrampEntry.occurred_at.desc(), CrampEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars())


def entries_between(
    user_id: int, start: date | None, end: date | None, *, newest_first: bool = False
) -> list[CrampEntry]:
    """Return the user's entries on local dates start..end (either end may be open)."""
    query = db.select(CrampEntry).where(CrampEntry.user_id == user_id)
    if start is not None:
        query = query.where(CrampEntry.local_date >= start)
    if end is not None:
        query = query.where(CrampEntry.local_date <= end)
    order = (
        (CrampEntry.occurred_at.desc(), CrampEntry.id.desc()) if newest_first
        else (CrampEntry.occurred_at, CrampEntry.id)
    )
    return list(db.session.execute(query.order_by(*order)).scalars())


def first_entry_date(user_id: int) -> date | None:
    """Return the local date of the user's first diary entry, or None for an empty diary."""
    return db.session.execute(
        db.select(func.min(CrampEntry.local_date)).where(CrampEntry.user_id == user_id)
    ).scalar_one()


def cramps_by_day(user_id: int, first: date, last: date) -> dict[date, int]:
    """Return how many cramps the user logged on each local date first..last."""
    rows = db.session.execute(
        db.select(CrampEntry.local_date, func.count())
        .where(CrampEntry.user_id == user_id, CrampEntry.local_date.between(first, last))
        .group_by(CrampEntry.local_date)
    ).all()
    return {day: int(count) for day, count in rows}


def active_days(user_id: int, first: date, last: date) -> list[date]:
    """Return the local dates first..last on which the user finished a routine."""
    return list(db.session.execute(
        db.select(Completion.local_date)
        .where(Completion.user_id == user_id, Completion.finished.is_(True),
               Completion.local_date.between(first, last))
        .group_by(Completion.local_date)
    ).scalars())


@dataclass(frozen=True)
class PeriodFacts:
    """A period's diary and stretching aggregates, as the patterns and the summary use them."""

    totals: CrampTotals
    triggers: list[tuple[str, int]]
    flags: list[tuple[str, int]]
    locations: list[tuple[str, int]]
    adherence: Adherence


def period_facts(user_id: int, start: date, end: date) -> PeriodFacts:
    """Aggregate a user's diary and stretching over local dates start..end (in SQL)."""
    in_period = (CrampEntry.user_id == user_id, CrampEntry.local_date.between(start, end))
    row = db.session.execute(
        db.select(
            func.count(CrampEntry.id),
            func.count(func.distinct(CrampEntry.local_date)),
            func.coalesce(func.sum(CrampEntry.strength), 0),
            func.max(CrampEntry.strength),
            func.count(CrampEntry.duration_minutes),
            func.coalesce(func.sum(CrampEntry.duration_minutes), 0),
            func.max(CrampEntry.duration_minutes),
            func.coalesce(func.sum(case((CrampEntry.woke_me.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((CrampEntry.red_flags != "", 1), else_=0)), 0),
        ).where(*in_period)
    ).one()
    totals = CrampTotals(*(int(v) if v is not None else None for v in row))

    def grouped(column: Any) -> list[tuple[str, int]]:
        result = db.session.execute(
            db.select(column, func.count()).where(*in_period).group_by(column)
        ).all()
        return [(str(value), int(count)) for value, count in result]

    finished = Completion.finished.is_(True)
    adherence = db.session.execute(
        db.select(
            func.count(func.distinct(case((finished, Completion.local_date)))),
            func.coalesce(func.sum(case((finished, 1), else_=0)), 0),
            func.coalesce(func.sum(case((finished, 0), else_=1)), 0),
            func.coalesce(func.sum(Completion.seconds_done), 0),
        ).where(Completion.user_id == user_id, Completion.local_date.between(start, end))
    ).one()
    return PeriodFacts(
        totals=totals,
        triggers=grouped(CrampEntry.triggers),
        flags=grouped(CrampEntry.red_flags),
        locations=grouped(CrampEntry.location),
        adherence=Adherence(*(int(v) for v in adherence)),
    )


def add_entry(
    user_id: int, data: CrampData, client_id: str | None = None
) -> tuple[CrampEntry, Saved]:
    """Add an entry; a client id already used keeps the stored one ("same" or "conflict")."""
    values = {"user_id": user_id, **data.columns()}
    if client_id is None:
        entry = CrampEntry(client_id=str(uuid.uuid4()), **values)
        db.session.add(entry)
        db.session.flush()
        return entry, "new"
    stamp = utcnow()
    # One statement, so two sends of the same queued entry racing each other store one row.
    new_id = db.session.execute(
        insert_for(CrampEntry)
        .values(created_at=stamp, updated_at=stamp, client_id=client_id, **values)
        .on_conflict_do_nothing(index_elements=["user_id", "client_id"])
        .returning(CrampEntry.id)
    ).scalar_one_or_none()
    entry = db.session.execute(
        db.select(CrampEntry).where(CrampEntry.user_id == user_id,
                                    CrampEntry.client_id == client_id)
    ).scalar_one()
    if new_id is not None:
        return entry, "new"
    return entry, "same" if same_content(entry, data) else "conflict"


def update_entry(entry: CrampEntry, data: CrampData) -> None:
    """Replace an entry's values with validated ones."""
    for name, value in data.columns().items():
        setattr(entry, name, value)
