"""Send the reminders that fell due: once per reminder and local date, quiet when done or off."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from ..catalog import Catalog, Routine
from ..database import insert_for
from ..extensions import db
from ..models import Completion, DayOff, User
from ..plans.schedule import PlanDay
from ..plans.store import active_plan_day
from ..templating import format_duration
from ..timezones import is_valid_zone, zone
from .models import PushSubscription, Reminder, ReminderSend
from .schedule import (
    PLAN,
    WINDOW,
    Schedule,
    due_between,
    parse_days,
    parse_time,
    quiet_reason,
    suggest_routine,
    usual_area,
)

SENDS = ReminderSend.__table__
RECENT_SESSIONS = 20  # how many recent sessions decide a person's usual area

Sender = Callable[[Mapping[str, str], Mapping[str, Any]], Any]


@dataclass
class SendReport:
    """What one `send` run did, counted per reminder and local date."""

    sent: int = 0
    quiet: int = 0
    no_device: int = 0
    failed: int = 0
    already: int = 0
    gone_subscriptions: int = 0
    lines: list[str] = field(default_factory=list)


def schedule_of(reminder: Reminder, zone_name: str) -> Schedule:
    """Return a stored reminder's schedule in its owner's zone."""
    name = zone_name if is_valid_zone(zone_name) else "UTC"
    return Schedule(parse_days(reminder.days), parse_time(reminder.local_time), zone(name))


def owner_language(chosen: str | None) -> str:
    """Return the language to write to a person in when no request of theirs is open."""
    languages = current_app.config["LANGUAGES"]
    # None means "the browser's choice", which no browser is there to make now.
    return chosen if chosen in languages else current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def catalog_in(language: str, english: Catalog) -> Catalog:
    """Return the content catalog in a language (the given English one for English)."""
    if language == "en":
        return english
    return current_app.extensions["limber_catalogs"].get(language, english)


def routine_for(reminder: Reminder, catalog: Catalog, day: date) -> Routine:
    """Return the reminder's routine (the plan's for the day), or a short one for the usual area."""
    if reminder.routine_slug == PLAN:
        plan_day = active_plan_day(reminder.user_id, day)
        chosen = catalog.routines.get(plan_day.routine or "") if plan_day else None
    else:
        chosen = catalog.routines.get(reminder.routine_slug or "")
    if chosen is not None:
        return chosen
    recent = db.session.execute(
        select(Completion.areas).where(Completion.user_id == reminder.user_id)
        .order_by(Completion.started_at.desc()).limit(RECENT_SESSIONS)
    ).scalars()
    area = usual_area(areas.split(",")[0] for areas in recent if areas)
    return suggest_routine(catalog.routines, area, day)


def payload_for(routine: Routine, reminder_id: int, day: date,
                plan_day: PlanDay | None = None) -> dict[str, str]:
    """Return the notification: what to do (and the plan's day), and the player to open."""
    length = format_duration(routine.total_seconds)
    if plan_day:
        body = _("Day %(day)s of your plan: %(routine)s · %(length)s. Tap to start.",
                 day=plan_day.number, routine=routine.title, length=length)
    else:
        body = _("%(routine)s · %(length)s. Tap to start.", routine=routine.title, length=length)
    return {
        "title": _("Time to stretch"),
        "body": body,
        "url": url_for("pages.play", slug=routine.slug),
        "tag": f"reminder-{reminder_id}-{day.isoformat()}",
    }


def _quiet(reminder: Reminder, day: date, plan_day: PlanDay | None) -> str | None:
    day_off = db.session.execute(
        select(DayOff.id).where(DayOff.user_id == reminder.user_id, DayOff.day == day).limit(1)
    ).first() is not None
    done_query = select(Completion.id).where(
        Completion.user_id == reminder.user_id, Completion.local_date == day,
        Completion.finished.is_(True))
    # Following a plan, only the day's planned routine counts as done, as on the plan's page.
    slug = plan_day.routine if plan_day else reminder.routine_slug
    if slug and slug != PLAN:
        done_query = done_query.where(Completion.routine_slug == slug)
    done = db.session.execute(done_query.limit(1)).first() is not None
    rest = plan_day is not None and plan_day.routine is None
    return quiet_reason(day_off=day_off, done=done, rest=rest)


def _claim(reminder_id: int, day: date, outcome: str, now: datetime) -> bool:
    """Insert the (reminder, date) claim; False when another run already holds it."""
    # The insert is the transaction's first statement: on SQLite it takes the write lock
    # before reading anything, so racing runs wait for each other instead of failing.
    new_id = db.session.execute(
        insert_for(SENDS).values(reminder_id=reminder_id, local_date=day, outcome=outcome,
                                 sent_at=now.replace(tzinfo=None))
        .on_conflict_do_nothing(index_elements=["reminder_id", "local_date"])
        .returning(SENDS.c.id)
    ).scalar_one_or_none()
    return new_id is not None


def _lock_reminder(reminder_id: int) -> bool:
    """On PostgreSQL, lock the reminder's row for this claim; False when another run holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: the claim's insert takes the database's one write lock
    return db.session.execute(
        select(Reminder.id).where(Reminder.id == reminder_id).with_for_update(skip_locked=True)
    ).first() is not None


def send_due(now: datetime, catalog: Catalog, sender: Sender) -> SendReport:
    """Send every reminder due in the window up to `now` that was not sent for its date."""
    report = SendReport()
    rows = db.session.execute(
        select(Reminder, User.time_zone, User.language).join(User, User.id == Reminder.user_id)
        .where(Reminder.enabled.is_(True)).order_by(Reminder.id)
    ).all()
    db.session.commit()  # each claim below starts its own transaction with its insert
    for reminder, zone_name, chosen in rows:
        language = owner_language(chosen)
        # Written in the owner's language: no request of theirs is there to choose it.
        with force_locale(language):
            for day, _instant in due_between(schedule_of(reminder, zone_name), now - WINDOW,
                                             now):
                _send_one(reminder, day, now, catalog_in(language, catalog), sender, report)
    return report


def _send_one(reminder: Reminder, day: date, now: datetime, catalog: Catalog, sender: Sender,
              report: SendReport) -> None:
    # A reminder that follows the plan falls back to the usual one while no plan is active.
    plan_day = active_plan_day(reminder.user_id, day) if reminder.routine_slug == PLAN else None
    quiet = _quiet(reminder, day, plan_day)
    routine = None if quiet else routine_for(reminder, catalog, day)
    db.session.commit()
    if not _lock_reminder(reminder.id) or not _claim(reminder.id, day, quiet or "sending", now):
        db.session.rollback()
        report.already += 1
        return
    subscriptions = [
        ({"endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth}, s.id)
        for s in db.session.execute(
            select(PushSubscription).where(PushSubscription.user_id == reminder.user_id)
        ).scalars()
    ]
    db.session.commit()
    if quiet or routine is None:
        report.quiet += 1
        report.lines.append(f"reminder {reminder.id} {day}: quiet ({quiet})")
        return
    followed = plan_day if plan_day and plan_day.routine == routine.slug else None
    payload = payload_for(routine, reminder.id, day, followed)
    results = [(sid, sender(sub, payload)) for sub, sid in subscriptions]
    gone = [sid for sid, result in results if result.status == "gone"]
    outcome = ("no-device" if not results
               else "sent" if any(r.status == "sent" for _, r in results) else "failed")
    db.session.execute(
        update(SENDS).where(SENDS.c.reminder_id == reminder.id, SENDS.c.local_date == day)
        .values(outcome=outcome)
    )
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    db.session.commit()
    report.gone_subscriptions += len(gone)
    if outcome == "sent":
        report.sent += 1
    elif outcome == "no-device":
        report.no_device += 1
    else:
        report.failed += 1
    report.lines.append(f"reminder {reminder.id} {day}: {outcome} ({len(results)} device(s))")
