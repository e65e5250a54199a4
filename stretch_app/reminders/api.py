"""Reminders over HTTP: the JSON API, push subscriptions, and the calendar files."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import ValidationError
from sqlalchemy import select

from ..errors import json_error
from ..extensions import db
from ..i18n import current_language
from ..inputs import InputError, first_problem, json_body
from ..models import User
from ..views.common import catalog
from .models import Reminder
from .push import UnsafeEndpoint, check_endpoint, public_key, send_push
from .schedule import PLAN
from .sending import owner_language, payload_for, routine_for, schedule_of
from .store import (
    EndpointIn,
    ReminderIn,
    SubscriptionIn,
    drop_subscription,
    new_feed_token,
    owned_reminder,
    reminder_json,
    reminders_of,
    save_reminder,
    store_subscription,
    subscriptions_of,
)

bp = Blueprint("reminders", __name__)
# What new_feed_token makes (base64url); anything else is not looked up (PostgreSQL refuses NUL).
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _urls(reminder: Reminder) -> dict[str, str | None]:
    feed = (url_for("reminders.feed", token=reminder.feed_token, _external=True)
            if reminder.feed_token else None)
    return {"calendar": url_for("reminders.calendar_file", reminder_id=reminder.id),
            "feed": feed}


def _shown(reminder: Reminder) -> dict[str, Any]:
    return reminder_json(reminder, current_user, catalog(), _urls(reminder))


def _bad_input(exc: ValidationError | InputError) -> Any:
    problem = first_problem(exc) if isinstance(exc, ValidationError) else exc
    return json_error(problem.status, problem.code, problem.message, field=problem.field)


def _missing() -> Any:
    return json_error(404, "not_found", _("No such reminder."))


@bp.get("/api/reminders")
@login_required
def list_reminders() -> Any:
    return jsonify({"reminders": [_shown(r) for r in reminders_of(current_user)]})


@bp.post("/api/reminders")
@login_required
def create_reminder() -> Any:
    try:
        reminder = save_reminder(current_user, json_body(ReminderIn), catalog())
    except (ValidationError, InputError) as exc:
        db.session.rollback()
        return _bad_input(exc)
    body = _shown(reminder)
    db.session.commit()
    return jsonify(body), 201


@bp.put("/api/reminders/<int:reminder_id>")
@login_required
def replace_reminder(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _missing()
    try:
        save_reminder(current_user, json_body(ReminderIn), catalog(), reminder)
    except (ValidationError, InputError) as exc:
        db.session.rollback()
        return _bad_input(exc)
    body = _shown(reminder)
    db.session.commit()
    return jsonify(body)


@bp.delete("/api/reminders/<int:reminder_id>")
@login_required
def delete_reminder(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _missing()
    db.session.delete(reminder)
    db.session.commit()
    return "", 204


@bp.post("/api/reminders/<int:reminder_id>/feed")
@login_required
def make_feed(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _missing()
    reminder.feed_token = new_feed_token()  # a new link; any older one stops working
    body = _shown(reminder)
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/api/reminders/<int:reminder_id>/feed")
@login_required
def revoke_feed(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _missing()
    reminder.feed_token = None
    db.session.commit()
    return "", 204


@bp.get("/api/push/public-key")
def push_public_key() -> Any:
    return jsonify({"public_key": public_key(current_app)})


@bp.post("/api/push-subscriptions")
@login_required
def subscribe() -> Any:
    try:
        data = json_body(SubscriptionIn)
        check_endpoint(data.endpoint, current_app.config["PUSH_ALLOW_LOOPBACK"])
        created = store_subscription(current_user, data)
    except UnsafeEndpoint as exc:
        return json_error(422, "invalid", str(exc), field="endpoint")
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    db.session.commit()
    return jsonify({"endpoint": data.endpoint}), 201 if created else 200


@bp.delete("/api/push-subscriptions")
@login_required
def unsubscribe() -> Any:
    try:
        data = json_body(EndpointIn)
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    drop_subscription(current_user, data.endpoint)
    db.session.commit()
    return "", 204


@bp.post("/api/push/test")
@login_required
def send_test() -> Any:
    devices = subscriptions_of(current_user)
    db.session.commit()  # no transaction held while the push services answer
    if not devices:
        return json_error(409, "no_device", _("Turn on notifications on this device first."))
    first = next(iter(reminders_of(current_user)), None)
    today = datetime.now(UTC).date()
    if first is not None:
        routine = routine_for(first, catalog(), today)
    else:
        routine = min(catalog().routines.values(), key=lambda r: (r.total_seconds, r.slug))
    payload = payload_for(routine, 0, today)
    payload["title"] = _("Limber reminders are on")
    results = [send_push(device, payload, current_app) for device in devices]
    sent = sum(1 for r in results if r.status == "sent")
    return jsonify({"sent": sent, "failed": len(results) - sent})


@bp.get("/reminders/<int:reminder_id>.ics")
@login_required
def calendar_file(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        abort(404)
    return _ics(reminder, current_user, f"limber-reminder-{reminder.id}.ics", current_language())


@bp.get("/reminders/feed/<token>.ics")
def feed(token: str) -> Any:
    # Anyone holding the link reads this one schedule; a revoked or made-up token is a 404.
    row = db.session.execute(
        select(Reminder, User).join(User, User.id == Reminder.user_id)
        .where(Reminder.feed_token == token)
    ).first() if FEED_TOKEN.fullmatch(token) else None
    if row is None:
        abort(404)
    reminder, owner = row
    # A calendar app fetches this, not its owner's browser: write in the owner's language.
    return _ics(reminder, owner, None, owner_language(owner.language))


def _ics(reminder: Reminder, owner: User, filename: str | None, language: str) -> Response:
    with force_locale(language):
        body = _calendar_body(reminder, owner)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _calendar_body(reminder: Reminder, owner: User) -> bytes:
    """Return the reminder's calendar file, its words in the locale in force."""
    # Imported here: icalendar costs each web worker memory, and few requests need it.
    from .calendar import calendar_of, reminder_event, zone_component

    # A plan's routine changes from day to day: the home page shows the day's session.
    if reminder.routine_slug == PLAN:
        what, url = _("Today's session of your plan"), url_for("pages.home", _external=True)
    else:
        routine = routine_for(reminder, catalog(), datetime.now(UTC).date())
        what = routine.title if reminder.routine_slug else _("Something short for your usual area")
        url = url_for("pages.play", slug=routine.slug, _external=True)
    schedule = schedule_of(reminder, owner.time_zone)
    event = reminder_event(
        uid=f"reminder-{reminder.id}@limber",
        schedule=schedule,
        title=_("Time to stretch"),
        description=_("%(what)s. Open Limber to start.", what=what),
        url=url,
        created=reminder.created_at.date(),
        stamp=datetime.now(UTC),
    )
    zone = zone_component(schedule, reminder.created_at.date())
    return calendar_of([event], [zone], _("Limber reminders"))
