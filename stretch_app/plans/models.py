"""Following a plan, and nights the person said passed without a cramp (dates are local)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class PlanEnrolment(db.Model):
    """One person following one plan: active, paused, left or finished."""

    __tablename__ = "plan_enrolments"
    __table_args__ = (Index("ix_plan_enrolments_user_id_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A UUID that stays with the enrolment through export and import.
    client_id: Mapped[str] = mapped_column(String(36))
    plan_slug: Mapped[str] = mapped_column(String(80))
    start: Mapped[date]  # the plan's day 1 in the person's calendar
    status: Mapped[str] = mapped_column(String(10))  # active, paused, left, finished
    paused_on: Mapped[date | None] = mapped_column(default=None)
    # Earlier pauses, "YYYY-MM-DD/YYYY-MM-DD" (first and last day) joined by commas: days in
    # them show as paused rather than missed.
    pauses: Mapped[str] = mapped_column(String(500), default="")
    ended_on: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuietNight(db.Model):
    """A night the person said passed without a cramp: a record, not a missing day."""

    __tablename__ = "quiet_nights"
    __table_args__ = (UniqueConstraint("user_id", "night"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    night: Mapped[date]  # the date the night began
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
