"""Reminders and push subscriptions: validating input, saving, and the shapes the API shows."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator
from sqlalchemy import delete, func, select

from ..catalog import Catalog
from ..extensions import db
from ..inputs import InputError
from ..models import User
from .models import PushSubscription, Reminder
from .schedule import LOCAL_TIME, PLAN, describe_days, format_days, next_occurrence, parse_days
from .sending import schedule_of

MAX_REMINDERS = 10
MAX_SUBSCRIPTIONS = 20
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL
PLAN_TITLE = lazy_gettext("Your plan’s session for the day")


class ReminderIn(BaseModel):
    """The body of POST /api/reminders and PUT /api/reminders/<id>."""

    model_config = ConfigDict(extra="forbid")

    enabled: StrictBool = True
    days: Annotated[list[Annotated[StrictInt, Field(ge=1, le=7)]],
                    Field(min_length=1, max_length=7)]
    time: StrictStr
    routine: Annotated[StrictStr, Field(min_length=1, max_length=80)] | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not LOCAL_TIME.fullmatch(value):
            raise ValueError(_("must be a 24-hour time written HH:MM, such as 21:30"))
        return value


class SubscriptionKeys(BaseModel):
    """The keys of a browser's push subscription."""

    model_config = ConfigDict(extra="ignore")

    p256dh: Annotated[StrictStr, Field(min_length=20, max_length=200)]
    auth: Annotated[StrictStr, Field(min_length=8, max_length=100)]


class SubscriptionIn(BaseModel):
    """A browser's PushSubscription.toJSON()."""

    model_config = ConfigDict(extra="ignore")

    endpoint: Annotated[StrictStr, Field(min_length=10, max_length=1000)]
    keys: SubscriptionKeys


class EndpointIn(BaseModel):
    """The body of DELETE /api/push-subscriptions."""

    model_config = ConfigDict(extra="ignore")

    endpoint: Annotated[StrictStr, Field(min_length=1, max_length=1000)]


def owned_reminder(user: User, reminder_id: int) -> Reminder | None:
    """Return the user's reminder with this id; another person's is as good as missing."""
    if not 0 < reminder_id <= MAX_ID:
        return None  # the database cannot hold it (a 64-bit overflow error otherwise)
    return db.session.execute(
        select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user.id)
    ).scalar_one_or_none()


def reminders_of(user: User) -> list[Reminder]:
    """Return a user's reminders by time of day."""
    return list(db.session.execute(
        select(Reminder).where(Reminder.user_id == user.id)
        .order_by(Reminder.local_time, Reminder.id)
    ).scalars())


def save_reminder(user: User, data: ReminderIn, catalog: Catalog,
                  reminder: Reminder | None = None) -> Reminder:
    """Create or replace a reminder; raise InputError for an unknown routine or too many."""
    if data.routine not in (None, PLAN) and data.routine not in catalog.routines:
        raise InputError("routine", _("routine: no routine called “%(slug)s”",
                                       slug=data.routine))
    if reminder is None:
        count = db.session.execute(
            select(func.count()).select_from(Reminder).where(Reminder.user_id == user.id)
        ).scalar_one()
        if count >= MAX_REMINDERS:
            raise InputError("body", _("At most %(most)s reminders per person.",
                                       most=MAX_REMINDERS), 422)
        reminder = Reminder(user_id=user.id)
        db.session.add(reminder)
    reminder.enabled = data.enabled
    reminder.days = format_days(data.days)
    reminder.local_time = data.time
    reminder.routine_slug = data.routine
    db.session.flush()
    return reminder


def new_feed_token() -> str:
    """Return an unguessable token for a private calendar feed."""
    return secrets.token_urlsafe(32)


def reminder_json(reminder: Reminder, user: User, catalog: Catalog,
                  urls: dict[str, str | None], now: datetime | None = None) -> dict[str, Any]:
    """Return a reminder as the API shows it; `urls` holds its calendar and feed links."""
    schedule = schedule_of(reminder, user.time_zone)
    upcoming = next_occurrence(schedule, now or datetime.now(UTC)) if reminder.enabled else None
    routine = catalog.routines.get(reminder.routine_slug or "")
    title = str(PLAN_TITLE) if reminder.routine_slug == PLAN else routine.title if routine else None
    return {
        "id": reminder.id,
        "enabled": reminder.enabled,
        "days": sorted(parse_days(reminder.days)),
        "days_text": describe_days(parse_days(reminder.days)),
        "time": reminder.local_time,
        "time_zone": schedule.zone.key,
        "routine": reminder.routine_slug,
        "routine_title": title,
        "next_at": upcoming.isoformat().replace("+00:00", "Z") if upcoming else None,
        "calendar_url": urls["calendar"],
        "feed_url": urls["feed"],
    }


def store_subscription(user: User, data: SubscriptionIn) -> bool:
    """Keep a browser's subscription for this user; True when it is new to them."""
    existing = db.session.execute(
        select(PushSubscription).where(PushSubscription.endpoint == data.endpoint)
    ).scalar_one_or_none()
    if existing is not None:
        new_to_user = existing.user_id != user.id
        # One browser, one subscription: whoever subscribed last on it gets its reminders.
        existing.user_id = user.id
        existing.p256dh = data.keys.p256dh
        existing.auth = data.keys.auth
        return new_to_user
    count = db.session.execute(
        select(func.count()).select_from(PushSubscription)
        .where(PushSubscription.user_id == user.id)
    ).scalar_one()
    if count >= MAX_SUBSCRIPTIONS:
        raise InputError("body", _("At most %(most)s devices per person.",
                                   most=MAX_SUBSCRIPTIONS), 422)
    db.session.add(PushSubscription(user_id=user.id, endpoint=data.endpoint,
                                    p256dh=data.keys.p256dh, auth=data.keys.auth))
    return True


def drop_subscription(user: User, endpoint: str) -> bool:
    """Forget one of the user's subscriptions; False when they had none at that endpoint."""
    result = db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == user.id,
                                       PushSubscription.endpoint == endpoint)
    )
    return bool(result.rowcount)


def subscriptions_of(user: User) -> list[dict[str, str]]:
    """Return the user's subscriptions in the shape the sender takes."""
    return [
        {"endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth, "id": str(s.id)}
        for s in db.session.execute(
            select(PushSubscription).where(PushSubscription.user_id == user.id)
        ).scalars()
    ]
