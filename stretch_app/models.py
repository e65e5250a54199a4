"""Database models: users, sign-in throttles, completions, goals, days off, diary (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    """Return the current instant as a naive UTC datetime (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    weekly_goal: Mapped[int] = mapped_column(default=3)
    cue_speech: Mapped[bool] = mapped_column(default=True)
    cue_beep: Mapped[bool] = mapped_column(default=True)
    cue_vibrate: Mapped[bool] = mapped_column(default=True)
    # None: follow the browser's languages.
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    # Bumped to end every existing session (logout everywhere, password change).
    session_version: Mapped[int] = mapped_column(default=1)
    # Totals kept current on every write, so stats never scan the whole history.
    finished_count: Mapped[int] = mapped_column(default=0, server_default="0")
    seconds_total: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    completions: Mapped[list[Completion]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    days_off: Mapped[list[DayOff]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    cramp_entries: Mapped[list[CrampEntry]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session: user id and session version."""
        return f"{self.id}:{self.session_version}"


class LoginThrottle(db.Model):
    """Failed sign-ins for one normalised name, whether or not an account holds it.

    Keyed by the name rather than the account, so an unknown name locks exactly like a real
    one and a 429 does not tell which accounts exist. The key is a keyed hash of the name
    (auth.throttle_key), never the name itself, which may be a password typed in the wrong box.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (Index("ix_login_throttles_updated_at", "updated_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # The last failure: rows quiet for a day are pruned (see auth.authenticate).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Completion(db.Model):
    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_completions_user_local_date", "user_id", "local_date"),
        Index("ix_completions_user_started_at", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    routine_slug: Mapped[str] = mapped_column(String(80))
    routine_title: Mapped[str] = mapped_column(String(120))
    # Comma-separated snapshot of the routine's areas, so stats survive content changes.
    areas: Mapped[str] = mapped_column(String(40), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date]
    steps_done: Mapped[int]
    steps_total: Mapped[int]
    seconds_done: Mapped[int]
    finished: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="completions")


class StreakRun(db.Model):
    """A precomputed run: consecutive days (kind "day") or ISO weeks (kind "week").

    Day runs are islands of active days and days off, `length` counting the active days;
    week runs are weeks meeting the goal or wholly off, `length` counting the weeks met.
    Rebuilt for a user on every write that can change them (see tracking.refresh_streaks).
    """

    __tablename__ = "streak_runs"
    __table_args__ = (
        Index("ix_streak_runs_user_kind_last", "user_id", "kind", "last"),
        Index("ix_streak_runs_user_kind_length", "user_id", "kind", "length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(4))
    first: Mapped[date]
    last: Mapped[date]
    length: Mapped[int]


class WeeklyGoal(db.Model):
    """A weekly goal and the ISO week (its Monday) from which it holds, until the next one.

    Past weeks stay judged by the goal that held then; a user whose goal never changed has no
    rows, and their current goal holds for every week.
    """

    __tablename__ = "weekly_goals"
    __table_args__ = (UniqueConstraint("user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week: Mapped[date]
    goal: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DayOff(db.Model):
    __tablename__ = "days_off"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="days_off")


class CrampEntry(db.Model):
    """One cramp diary line. Lists are stored comma-separated (values are fixed slugs)."""

    __tablename__ = "cramp_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_cramp_entries_user_local_date", "user_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Set by the browser for entries queued offline, so a resend never doubles them.
    client_id: Mapped[str | None] = mapped_column(String(36), default=None)
    occurred_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date]
    location: Mapped[str] = mapped_column(String(20))
    strength: Mapped[int]
    duration_minutes: Mapped[int | None] = mapped_column(default=None)
    woke_me: Mapped[bool] = mapped_column(default=False)
    triggers: Mapped[str] = mapped_column(String(200), default="")
    red_flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="cramp_entries")
