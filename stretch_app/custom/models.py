"""A person's own routines, stored with their steps and an optional share link (UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class CustomRoutine(db.Model):
    """A routine someone made: ordered steps of built-in poses, played like any routine."""

    __tablename__ = "custom_routines"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_custom_routines_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A UUID that stays with the routine through export and import, so importing twice
    # updates it instead of adding a copy.
    client_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(String(280), default="")
    level: Mapped[str] = mapped_column(String(10))
    prep_seconds: Mapped[int]
    transition_seconds: Mapped[int]
    # [{"pose": slug, "seconds": int, "note": str | null}, …] in order.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The read-only share link's token; None when not shared (or revoked).
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
