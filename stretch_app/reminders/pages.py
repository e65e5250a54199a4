"""The reminders' pages in Settings: the list, the add and edit form, presets, calendar links."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from pydantic import ValidationError
from sqlalchemy import func, select

from ..catalog import Routine
from ..extensions import db
from ..forms import REPEAT_CHOICES, ConfirmForm, ReminderForm
from ..inputs import InputError, zone_name_of
from ..labels import AREA_LABELS
from ..models import User
from ..templating import format_duration
from ..timezones import zone
from ..views.common import catalog
from .models import Reminder
from .schedule import PLAN, day_name, describe_days, next_occurrence, parse_days
from .sending import schedule_of
from .store import (
    MAX_REMINDERS,
    PLAN_TITLE,
    ReminderIn,
    new_feed_token,
    owned_reminder,
    reminders_of,
    save_reminder,
    subscriptions_of,
)

bp = Blueprint("reminder_pages", __name__, url_prefix="/settings/reminders")

EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
WEEKDAYS = (1, 2, 3, 4, 5)
USUAL_AREA = lazy_gettext("Something short for your usual area")
# A browser's time input sends seconds only when asked to; whole minutes are kept.
WHOLE_MINUTE = re.compile(r"([0-9]{2}:[0-9]{2}):00")
FIELD_MESSAGES = {
    "days": lazy_gettext("Choose at least one day."),
    "time": lazy_gettext("Enter a time in hours and minutes, such as 21:30."),
    "routine": lazy_gettext("Choose a routine from the list."),
    "enabled": lazy_gettext("Choose whether the reminder is on."),
}


@dataclass(frozen=True)
class Preset:
    """A one-tap reminder offered on an empty page."""

    name: str
    label: object  # lazy: read in the language of the page that shows it
    days: tuple[int, ...]
    time: str
    situation: str


# The evening one first: the bedtime routines are the ones made for night leg cramps.
PRESETS = {
    "bedtime": Preset("bedtime", lazy_gettext("Bedtime stretch, every day at 21:30"), EVERY_DAY,
                      "21:30", "bedtime"),
    "desk": Preset("desk", lazy_gettext("Desk break, weekdays at 11:00"), WEEKDAYS, "11:00",
                   "desk"),
}


@dataclass(frozen=True)
class ReminderCard:
    """A reminder as its card shows it: every value ready to print."""

    id: int
    time: str
    days_text: str
    what: str
    enabled: bool
    next_text: str | None
    feed_url: str | None


# ---- pure rules ------------------------------------------------------------------------------


def days_from_form(repeat: str, ticked: Iterable[str]) -> list[int]:
    """Return the weekdays a submitted form chose (0 for a value that is not a day)."""
    if repeat == "every":
        return list(EVERY_DAY)
    if repeat == "weekdays":
        return list(WEEKDAYS)
    return [int(d) if d.isdigit() and len(d) < 3 else 0 for d in ticked]


def repeat_for(days: Iterable[int]) -> str:
    """Return the form's repeat choice that shows these weekdays."""
    chosen = tuple(sorted(set(days)))
    return {EVERY_DAY: "every", WEEKDAYS: "weekdays"}.get(chosen, "custom")


def next_text(local: datetime, today: date) -> str:
    """Return when a reminder comes next in words: "Today 21:30", "Tomorrow 07:00", "Thu 21:30"."""
    at = f"{local:%H:%M}"
    if local.date() == today:
        return _("Today %(time)s", time=at)
    if local.date() == today + timedelta(days=1):
        return _("Tomorrow %(time)s", time=at)
    return _("%(day)s %(time)s", day=day_name(local.isoweekday()), time=at)


def preset_routine(routines: Mapping[str, Routine], situation: str) -> str | None:
    """Return the shortest routine for a situation, or None for "something short"."""
    fitting = [r for r in routines.values() if situation in r.situations]
    if not fitting:
        return None
    return min(fitting, key=lambda r: (r.total_seconds, r.slug)).slug


def field_errors(exc: ValidationError | InputError) -> dict[str, str]:
    """Return the form's message for each field the reminders' rules refused."""
    if isinstance(exc, InputError):
        fields = [exc.field]
    else:
        fields = [str(e["loc"][0]) if e["loc"] else "body" for e in exc.errors(include_url=False)]
    fallback = _("Please check this reminder.")
    return {f: str(FIELD_MESSAGES.get(f, fallback)) for f in fields}


# ---- building the pages ----------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _card(reminder: Reminder, user: User, now: datetime) -> ReminderCard:
    schedule = schedule_of(reminder, user.time_zone)
    upcoming = next_occurrence(schedule, now) if reminder.enabled else None
    today = now.astimezone(schedule.zone).date()
    routine = catalog().routines.get(reminder.routine_slug or "")
    feed = (url_for("reminders.feed", token=reminder.feed_token, _external=True)
            if reminder.feed_token else None)
    return ReminderCard(
        id=reminder.id,
        time=reminder.local_time,
        days_text=describe_days(parse_days(reminder.days)),
        what=str(PLAN_TITLE) if reminder.routine_slug == PLAN else routine.title if routine
        else str(USUAL_AREA),
        enabled=reminder.enabled,
        next_text=next_text(upcoming.astimezone(schedule.zone), today) if upcoming else None,
        feed_url=feed,
    )


def _count(user: User) -> int:
    return db.session.execute(
        select(func.count()).select_from(Reminder).where(Reminder.user_id == user.id)
    ).scalar_one()


def _routine_choices() -> list[tuple[str, str, str]]:
    """Return each choice's value, its name in the list, and the line shown once it is chosen."""
    routines = sorted(catalog().routines.values(), key=lambda r: r.title.lower())
    # A closed list cuts a long title short on a phone, so the line under it names the
    # chosen routine in full, with its length and areas.
    return [("", _("Something short for my area"), ""), (PLAN, _("My plan’s session"), ""),
            *((r.slug, r.title, _routine_line(r)) for r in routines)]


def _routine_line(routine: Routine) -> str:
    """Return a routine's title, length and areas on one line."""
    areas = ", ".join(str(AREA_LABELS.get(a, a)) for a in routine.areas)
    return "\u00a0· ".join((routine.title, format_duration(routine.total_seconds), areas))


def _not_found() -> Any:
    return render_template("error.html", status=404, title=_("Not found"),
                           message=_("There is no reminder at this address.")), 404


def _back_to(reminder_id: int | None = None) -> Any:
    anchor = f"reminder-{reminder_id}" if reminder_id else None
    return redirect(url_for("reminder_pages.index", _anchor=anchor), 303)


def _form_page(form: ReminderForm, reminder: Reminder | None, problem: str | None,
               status: int) -> Any:
    return render_template(
        "reminders/form.html",
        form=form,
        reminder=reminder,
        problem=problem,
        zone_name=zone_name_of(current_user),
        chosen_days=set(form.days.data or []),
        repeat_choices=REPEAT_CHOICES,
        day_choices=[(str(n), day_name(n)) for n in EVERY_DAY],
        routine_choices=_routine_choices(),
    ), status


def _submitted(form: ReminderForm, reminder: Reminder | None) -> Reminder | None:
    """Save a valid form (nothing on failure: the reasons go on the form); return the row."""
    if not form.validate_on_submit():
        return None
    time_text = form.time.data or ""
    if match := WHOLE_MINUTE.fullmatch(time_text):
        time_text = match.group(1)
    try:
        data = ReminderIn.model_validate({
            "enabled": bool(form.enabled.data),
            "days": days_from_form(form.repeat.data or "", form.days.data or []),
            "time": time_text,
            "routine": form.routine.data or None,
        })
        return save_reminder(current_user, data, catalog(), reminder)
    except (ValidationError, InputError) as exc:
        db.session.rollback()
        for name, message in field_errors(exc).items():
            target = getattr(form, name, None)
            if target is not None and name != "body":
                target.errors = [*target.errors, message]
        return None


def _said(reminder: Reminder) -> str:
    return _("%(days)s at %(time)s", days=describe_days(parse_days(reminder.days)),
             time=reminder.local_time)


# ---- routes ----------------------------------------------------------------------------------


@bp.get("")
@login_required
def index() -> Any:
    now = _now()
    rows = reminders_of(current_user)
    user_zone = zone(zone_name_of(current_user))
    devices = subscriptions_of(current_user)
    return render_template(
        "reminders/index.html",
        cards=[_card(r, current_user, now) for r in rows],
        at_most=MAX_REMINDERS,
        full=len(rows) >= MAX_REMINDERS,
        presets=list(PRESETS.values()),
        zone_name=user_zone.key,
        action_form=ConfirmForm(),
        devices=len(devices),
        push_data={
            "publicKey": url_for("reminders.push_public_key"),
            "subscriptions": url_for("reminders.subscribe"),
            "test": url_for("reminders.send_test"),
            "csrf": url_for("api.csrf_token"),
            # So the page can tell whether this browser's subscription is this person's.
            "endpoints": [d["endpoint"] for d in devices],
        },
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    posted = request.method == "POST"
    form = ReminderForm() if posted else ReminderForm(
        data={"enabled": True, "repeat": "every", "days": [str(d) for d in EVERY_DAY],
              "time": "21:30"})
    if _count(current_user) >= MAX_REMINDERS:
        problem = _("You have %(most)s reminders, the most there can be. Delete one to add "
                    "another.", most=MAX_REMINDERS)
        if posted:
            return _form_page(form, None, problem, 422)
        flash(problem, "error")
        return _back_to()
    if not posted:
        return _form_page(form, None, None, 200)
    reminder = _submitted(form, None)
    if reminder is None:
        return _form_page(form, None, _("Please check the marked fields below."), 422)
    said = _said(reminder)
    db.session.commit()
    flash(_("Reminder added: %(said)s.", said=said), "success")
    return _back_to(reminder.id)


@bp.route("/<int:reminder_id>/edit", methods=["GET", "POST"])
@login_required
def edit(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _not_found()
    if request.method != "POST":  # GET, or HEAD
        days = sorted(parse_days(reminder.days))
        return _form_page(ReminderForm(data={
            "enabled": reminder.enabled, "repeat": repeat_for(days),
            "days": [str(d) for d in days], "time": reminder.local_time,
            "routine": reminder.routine_slug or "",
        }), reminder, None, 200)
    form = ReminderForm()
    if _submitted(form, reminder) is None:
        return _form_page(form, reminder, _("Please check the marked fields below."), 422)
    said = _said(reminder)
    db.session.commit()
    flash(_("Reminder saved: %(said)s.", said=said), "success")
    return _back_to(reminder.id)


@bp.route("/<int:reminder_id>/delete", methods=["GET", "POST"])
@login_required
def delete(reminder_id: int) -> Any:
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _not_found()
    form = ConfirmForm()
    if request.method != "POST":  # GET, or HEAD
        return render_template("reminders/delete.html", form=form,
                               card=_card(reminder, current_user, _now()))
    if not form.validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return _back_to(reminder_id)
    said = _said(reminder)
    db.session.delete(reminder)
    db.session.commit()
    flash(_("Reminder deleted (%(said)s).", said=said), "info")
    return _back_to()


def _owned_action(reminder_id: int) -> Reminder | Any:
    """Return the user's reminder for a one-button form, or the page to answer instead."""
    reminder = owned_reminder(current_user, reminder_id)
    if reminder is None:
        return _not_found()
    if not ConfirmForm().validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return _back_to(reminder_id)
    return reminder


@bp.post("/<int:reminder_id>/switch")
@login_required
def switch(reminder_id: int) -> Any:
    reminder = _owned_action(reminder_id)
    if not isinstance(reminder, Reminder):
        return reminder
    reminder.enabled = not reminder.enabled
    db.session.commit()
    said = _said(reminder)
    flash(_("Reminder on: %(said)s.", said=said) if reminder.enabled
          else _("Reminder off: %(said)s.", said=said), "success")
    return _back_to(reminder_id)


@bp.post("/<int:reminder_id>/feed")
@login_required
def make_feed(reminder_id: int) -> Any:
    reminder = _owned_action(reminder_id)
    if not isinstance(reminder, Reminder):
        return reminder
    renewed = reminder.feed_token is not None
    reminder.feed_token = new_feed_token()  # a new link; any older one stops working
    db.session.commit()
    flash(_("New calendar link made; the old one no longer works.") if renewed
          else _("Calendar link made: copy it into your calendar app."), "success")
    return _back_to(reminder_id)


@bp.post("/<int:reminder_id>/feed/revoke")
@login_required
def revoke_feed(reminder_id: int) -> Any:
    reminder = _owned_action(reminder_id)
    if not isinstance(reminder, Reminder):
        return reminder
    reminder.feed_token = None
    db.session.commit()
    flash(_("Calendar link revoked: calendars using it stop getting this reminder."), "info")
    return _back_to(reminder_id)


@bp.post("/presets/<name>")
@login_required
def add_preset(name: str) -> Any:
    preset = PRESETS.get(name)
    if preset is None:
        return render_template("error.html", status=404, title=_("Not found"),
                               message=_("There is no such suggested reminder.")), 404
    if not ConfirmForm().validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return _back_to()
    data = ReminderIn(days=list(preset.days), time=preset.time,
                      routine=preset_routine(catalog().routines, preset.situation))
    try:
        reminder = save_reminder(current_user, data, catalog())
    except InputError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to()
    said = _said(reminder)
    db.session.commit()
    flash(_("Reminder added: %(said)s.", said=said), "success")
    return _back_to(reminder.id)
