"""Plans in the database: start, pause, resume, leave; the figures a plan's pages show."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from flask import current_app
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError
from sqlalchemy import func, select

from ..extensions import db
from ..inputs import CLIENT_ID, ISO_DATE, InputError, first_problem, parse_date
from ..models import Completion, CrampEntry, User
from .content import Plan
from .models import PlanEnrolment, QuietNight
from .outcome import Outcome, outcome
from .schedule import PlanDay, Progress, calendar_weeks, done_dates, plan_days, progress

CURRENT = ("active", "paused")
MAX_PAUSES = 20
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_PAUSES = rf"^(?:{_DAY}/{_DAY}(?:,{_DAY}/{_DAY})*)?$"


class PlanError(ValueError):
    """A plan change that cannot be made; the message says why in plain words."""


def all_plans() -> Mapping[str, Plan]:
    """Return the app's plans by slug, in this request's language."""
    from ..i18n import current_language

    sets = current_app.extensions.get("limber_plan_sets", {})
    return sets.get(current_language(), sets.get("en", {}))


def current_enrolment(user: Any) -> PlanEnrolment | None:
    """Return the plan the person is following (active or paused), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user.id,
                                    PlanEnrolment.status.in_(CURRENT))
        .order_by(PlanEnrolment.id.desc()).limit(1)
    ).scalar_one_or_none()


def latest_finished(user_id: int, slug: str) -> PlanEnrolment | None:
    """Return the person's most recent finished enrolment of a plan, if any."""
    return db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user_id,
                                    PlanEnrolment.plan_slug == slug,
                                    PlanEnrolment.status == "finished")
        .order_by(PlanEnrolment.id.desc()).limit(1)
    ).scalar_one_or_none()


def start_plan(user: User, plan: Plan, today: date) -> PlanEnrolment:
    """Start a plan today; raise PlanError while another one is being followed."""
    if current_enrolment(user) is not None:
        raise PlanError(_("You are following a plan already: leave it first to start another."))
    row = PlanEnrolment(user_id=user.id, client_id=str(uuid.uuid4()), plan_slug=plan.slug,
                        start=today, status="active")
    db.session.add(row)
    db.session.flush()
    return row


def leave_plan(row: PlanEnrolment, today: date) -> None:
    """Stop following a plan; its sessions stay in the history."""
    _close_pause(row, today)
    row.status, row.ended_on = "left", today


def pause_plan(row: PlanEnrolment, today: date) -> None:
    """Pause a plan: no prompts or reminders for it until resumed."""
    if row.status == "paused":
        return
    if len(split_pauses(row.pauses)) >= MAX_PAUSES:
        raise PlanError(_("A plan can be paused %(most)s times at most.", most=MAX_PAUSES))
    row.status, row.paused_on = "paused", today


def resume_plan(row: PlanEnrolment, today: date) -> None:
    """Go on with a paused plan from today's day; the paused days are not counted as missed."""
    _close_pause(row, today)
    row.status = "active"


def _close_pause(row: PlanEnrolment, today: date) -> None:
    if row.paused_on is None:
        return
    if today > row.paused_on:
        span = f"{row.paused_on.isoformat()}/{(today - timedelta(days=1)).isoformat()}"
        row.pauses = ",".join([*filter(None, row.pauses.split(",")), span])
    row.paused_on = None


def split_pauses(text: str) -> list[tuple[date, date]]:
    """Return the stored pauses as (first, last) day pairs."""
    spans = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("/")
        spans.append((date.fromisoformat(first), date.fromisoformat(last)))
    return spans


@dataclass
class GuestEnrolment:
    """A guest's plan, kept in their session cookie until they make an account."""

    plan_slug: str
    start: date
    status: str = "active"
    paused_on: date | None = None
    pauses: str = ""


@dataclass(frozen=True)
class PlanState:
    """Everything a plan's pages and the API show about one person's enrolment."""

    plan: Plan
    row: PlanEnrolment | GuestEnrolment
    progress: Progress
    weeks: list[list[tuple[PlanDay, str]]]
    outcome: Outcome | None


def plan_state(user_id: int | None, row: PlanEnrolment | GuestEnrolment, plan: Plan,
               today: date) -> PlanState:
    """Return the state of an enrolment as of today (frozen at the pause while paused)."""
    if row.status == "active" and today > row.start + timedelta(days=plan.weeks * 7 - 1):
        row.status, row.ended_on = "finished", today  # the caller commits
    days = plan_days(plan, row.start)
    end = days[-1].day
    as_of = row.paused_on if row.paused_on else today
    # A guest's sessions wait in their browser, which marks them on the page itself.
    finished = _finished_sessions(user_id, row.start, end) if user_id else []
    done = done_dates(days, finished)
    pauses = split_pauses(row.pauses)
    if row.paused_on:
        pauses.append((row.paused_on, today))
    # The calendar runs to the real today, so the days spent paused show as paused.
    weeks = [[(day, _paused(day, status, pauses)) for day, status in week]
             for week in calendar_weeks(plan, row.start, today, done)]
    figures = None
    if plan.aims_at_cramps and user_id:
        cramps, quiet, first = _diary(user_id)
        figures = outcome(cramps, quiet, first, row.start, end, today)
    return PlanState(plan, row, progress(plan, row.start, as_of, finished), weeks, figures)


def _paused(day: PlanDay, status: str, pauses: list[tuple[date, date]]) -> str:
    if status in ("missed", "today") and any(first <= day.day <= last for first, last in pauses):
        return "paused"
    return status


def _finished_sessions(user_id: int, first: date, last: date) -> list[tuple[date, str]]:
    rows = db.session.execute(
        select(Completion.local_date, Completion.routine_slug)
        .where(Completion.user_id == user_id, Completion.finished.is_(True),
               Completion.local_date.between(first, last))
    ).all()
    return [(row.local_date, row.routine_slug) for row in rows]


def _diary(user_id: int) -> tuple[list[tuple[date, int]], set[date], date | None]:
    cramps = [(r.local_date, r.strength) for r in db.session.execute(
        select(CrampEntry.local_date, CrampEntry.strength).where(CrampEntry.user_id == user_id)
    )]
    quiet = set(db.session.execute(
        select(QuietNight.night).where(QuietNight.user_id == user_id)).scalars())
    firsts = [d for d in (min((c[0] for c in cramps), default=None),
                          min(quiet, default=None)) if d is not None]
    return cramps, quiet, min(firsts, default=None)


def record_quiet_night(user: User, night: date) -> bool:
    """Record a night without cramps; return False when it was recorded before."""
    found = db.session.execute(
        select(func.count()).select_from(QuietNight)
        .where(QuietNight.user_id == user.id, QuietNight.night == night)
    ).scalar_one()
    if found:
        return False
    db.session.add(QuietNight(user_id=user.id, night=night))
    db.session.flush()
    return True


def today_entry(state: PlanState) -> tuple[PlanDay, str] | None:
    """Return today's plan day and its status, when today is a day of the plan."""
    p = state.progress
    return (p.today, p.today_status) if p.today is not None else None


def export_plans(user: User) -> tuple[list[dict[str, Any]], list[str]]:
    """Return a user's plan enrolments and quiet nights for the export."""
    rows = db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user.id).order_by(PlanEnrolment.id)
    ).scalars()
    plans = [{"id": r.client_id, "plan": r.plan_slug, "start": r.start.isoformat(),
              "status": r.status, "paused_on": r.paused_on and r.paused_on.isoformat(),
              "pauses": r.pauses, "ended_on": r.ended_on and r.ended_on.isoformat()}
             for r in rows]
    nights = db.session.execute(
        select(QuietNight.night).where(QuietNight.user_id == user.id).order_by(QuietNight.night)
    ).scalars()
    return plans, [n.isoformat() for n in nights]


class PlanDoc(BaseModel):
    """One exported plan enrolment."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[StrictStr, Field(pattern=CLIENT_ID.pattern)]
    plan: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    start: Annotated[StrictStr, Field(pattern=ISO_DATE.pattern)]
    status: Literal["active", "paused", "left", "finished"]
    paused_on: Annotated[StrictStr, Field(pattern=ISO_DATE.pattern)] | None = None
    pauses: Annotated[StrictStr, Field(max_length=500, pattern=_PAUSES)] = ""
    ended_on: Annotated[StrictStr, Field(pattern=ISO_DATE.pattern)] | None = None


def import_plans(user: User, items: list[dict[str, Any]], nights: list[str]) -> dict[str, int]:
    """Add the enrolments (by id) and quiet nights the user lacks; raise InputError if bad."""
    known = {r.client_id for r in db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user.id)).scalars()}
    added = 0
    for index, item in enumerate(items):
        try:
            doc = PlanDoc.model_validate(item)
            values = {"start": date.fromisoformat(doc.start),
                      "paused_on": doc.paused_on and date.fromisoformat(doc.paused_on),
                      "ended_on": doc.ended_on and date.fromisoformat(doc.ended_on)}
            split_pauses(doc.pauses)
        except ValidationError as exc:
            problem = first_problem(exc)
            raise InputError(f"plans[{index}].{problem.field}", problem.message) from None
        except ValueError:
            raise InputError(f"plans[{index}]", _("has a date that does not exist")) from None
        if doc.plan not in all_plans():
            raise InputError(f"plans[{index}].plan",
                             _("no plan called “%(slug)s”", slug=doc.plan[:80]))
        client_id = str(uuid.UUID(doc.id))
        if client_id in known:
            continue
        status = doc.status
        if status in CURRENT and current_enrolment(user) is not None:
            status = "left"  # one plan at a time: the one already followed here stays
        db.session.add(PlanEnrolment(user_id=user.id, client_id=client_id, plan_slug=doc.plan,
                                     status=status, pauses=doc.pauses, **values))
        db.session.flush()
        known.add(client_id)
        added += 1
    have = set(db.session.execute(
        select(QuietNight.night).where(QuietNight.user_id == user.id)).scalars())
    nights_added = 0
    for index, text in enumerate(nights):
        night = parse_date(text if isinstance(text, str) else "", f"quiet_nights[{index}]")
        if night is not None and night not in have:
            db.session.add(QuietNight(user_id=user.id, night=night))
            have.add(night)
            nights_added += 1
    return {"plans_added": added, "quiet_nights_added": nights_added}


def active_plan_day(user_id: int, day: date) -> PlanDay | None:
    """Return the day of the person's active (not paused) plan that falls on a local date."""
    row = db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user_id,
                                    PlanEnrolment.status == "active")
        .order_by(PlanEnrolment.id.desc()).limit(1)
    ).scalar_one_or_none()
    plan = all_plans().get(row.plan_slug) if row is not None else None
    if row is None or plan is None or not 0 <= (day - row.start).days < plan.days:
        return None
    return plan_days(plan, row.start)[(day - row.start).days]


def enrolments_in(user_id: int, first: date, last: date,
                  limit: int = 3) -> list[tuple[PlanEnrolment, Plan]]:
    """Return the person's plans whose days overlap first..last, the latest start first."""
    rows = db.session.execute(
        select(PlanEnrolment).where(PlanEnrolment.user_id == user_id,
                                    PlanEnrolment.start <= last)
        .order_by(PlanEnrolment.start.desc(), PlanEnrolment.id.desc())
    ).scalars()
    found: list[tuple[PlanEnrolment, Plan]] = []
    for row in rows:
        plan = all_plans().get(row.plan_slug)
        if plan is None:
            continue
        end = row.start + timedelta(days=plan.days - 1)
        if row.status == "left" and row.ended_on is not None:
            end = min(end, row.ended_on)
        if end >= first:
            found.append((row, plan))
        if len(found) == limit:
            break
    return found
