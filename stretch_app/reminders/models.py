"""Reminder schedules, the claim that a reminder went out on a date, push subscriptions (UTC)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class Reminder(db.Model):
    """A weekly schedule: on these ISO weekdays, at this wall-clock time in the user's zone."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(default=True)
    # ISO weekday numbers, comma-separated and sorted ("1,2,3,4,5" for weekdays).
    days: Mapped[str] = mapped_column(String(13))
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", 24-hour
    # A routine's slug, "plan" to follow the person's plan, or None for "something short for
    # my usual area".
    routine_slug: Mapped[str | None] = mapped_column(String(80), default=None)
    # The private calendar feed's token; None when no feed was made or it was revoked.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSend(db.Model):
    """The claim that a reminder was sent for a local date: unique, so it goes out once."""

    __tablename__ = "reminder_sends"
    __table_args__ = (UniqueConstraint("reminder_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    # "sending" while in flight, then "sent", "failed" or "no-device"; or why it stayed
    # quiet: "done" (a finished session that day), "day-off" or "rest" (the plan's rest day).
    outcome: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(db.Model):
    """One browser's push subscription: the endpoint the server posts to and its keys."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (Index("ix_push_subscriptions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
