"""Plan pages: the list, a plan with its calendar and figures, and the forms that change it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user

from ..extensions import db
from ..forms import ConfirmForm
from ..timezones import is_valid_zone
from ..views.common import catalog
from .content import Plan
from .outcome import rows as outcome_rows
from .schedule import date_text, progress_text, span_text
from .store import (
    GuestEnrolment,
    PlanError,
    PlanState,
    all_plans,
    current_enrolment,
    latest_finished,
    leave_plan,
    pause_plan,
    plan_state,
    record_quiet_night,
    resume_plan,
    start_plan,
)
from .views import GUEST_KEY, local_today, plan_summary

bp = Blueprint("plans", __name__)


def _guest_row() -> GuestEnrolment | None:
    kept = session.get(GUEST_KEY)
    if not isinstance(kept, dict) or kept.get("plan") not in all_plans():
        return None
    try:
        start = date.fromisoformat(str(kept.get("start")))
    except ValueError:
        return None
    paused = kept.get("paused_on")
    return GuestEnrolment(kept["plan"], start, "paused" if paused else "active",
                          date.fromisoformat(paused) if paused else None, kept.get("pauses", ""))


def visitor_state() -> PlanState | None:
    """Return the plan this visitor follows (account or guest session), as of today."""
    row: Any = current_enrolment(current_user) if current_user.is_authenticated else _guest_row()
    plan = all_plans().get(row.plan_slug) if row is not None else None
    if row is None or plan is None:
        return None
    user_id = current_user.id if current_user.is_authenticated else None
    # A guest's finished plan stays in the session, so its page keeps the summary.
    return plan_state(user_id, row, plan, local_today())


def _finished_state(plan: Plan) -> PlanState | None:
    """Return the signed-in person's latest finished round of this plan, as of today."""
    if not current_user.is_authenticated:
        return None
    row = latest_finished(current_user.id, plan.slug)
    return plan_state(current_user.id, row, plan, local_today()) if row else None


def home_card() -> dict[str, Any] | None:
    """Return what the home page says about today's plan session, or None."""
    state = visitor_state()
    if state is None or state.row.status == "finished":
        return None
    p = state.progress
    routine = catalog().routines.get(p.today.routine or "") if p.today else None
    return {"plan": state.plan, "text": progress_text(p), "paused": state.row.status == "paused",
            "routine": routine, "status": p.today_status,
            "date": p.today.day.isoformat() if p.today else None,
            "url": url_for("plans.plan_page", slug=state.plan.slug)}


@bp.get("/plans")
def plans() -> Any:
    cat = catalog()
    state = visitor_state()
    db.session.commit()  # a plan past its last day is marked finished
    return render_template("plans/index.html",
                           plans=[plan_summary(p, cat) for p in all_plans().values()],
                           following=state if state and state.row.status != "finished" else None)


@bp.get("/plans/<slug>")
def plan_page(slug: str) -> Any:
    plan = all_plans().get(slug)
    if plan is None:
        abort(404, description=_("There is no plan at this address."))
    state = visitor_state()
    current = state if state is not None and state.row.status != "finished" else None
    if state is not None and state.plan.slug == slug:
        mine = state
    else:
        mine = _finished_state(plan) if current is None else None
    db.session.commit()  # a plan past its last day is marked finished
    return render_template(
        "plans/plan.html", plan=plan, summary=plan_summary(plan, catalog()), state=mine,
        other=current if mine is None else None,
        text=progress_text(mine.progress) if mine else None,
        figures=outcome_rows(mine.outcome) if mine and mine.outcome else None,
        routines=catalog().routines, form=ConfirmForm(),
        today_date=local_today(),
        week_spans=[span_text(w[0][0].day, w[-1][0].day) for w in mine.weeks] if mine else [],
        ran=(date_text(mine.progress.start), date_text(mine.progress.end, with_year=True))
        if mine else None)


def _checked() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The form expired: go back and try again."))


@bp.post("/plans/<slug>/start")
def start(slug: str) -> Any:
    _checked()
    plan: Plan | None = all_plans().get(slug)
    if plan is None:
        abort(404, description=_("There is no plan at this address."))
    if not current_user.is_authenticated:
        zone = request.form.get("time_zone", "UTC")
        session[GUEST_KEY] = {"plan": slug, "zone": zone if is_valid_zone(zone) else "UTC"}
        session[GUEST_KEY]["start"] = local_today().isoformat()
        session.modified = True
        flash(_("Plan started. It is kept in this browser: make an account to keep it for good."),
              "success")
        return redirect(url_for("plans.plan_page", slug=slug))
    try:
        start_plan(current_user, plan, local_today())
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("plans.plan_page", slug=slug))
    db.session.commit()
    flash(_("Plan started: today's session is on this page and on your home page."), "success")
    return redirect(url_for("plans.plan_page", slug=slug))


@bp.post("/plan/<action>")
def change(action: str) -> Any:
    _checked()
    if action not in ("pause", "resume", "leave"):
        abort(404)
    today = local_today()
    if not current_user.is_authenticated:
        return _change_guest(action, today)
    row = current_enrolment(current_user)
    if row is None:
        abort(404, description=_("You are not following a plan."))
    slug = row.plan_slug
    try:
        {"pause": pause_plan, "resume": resume_plan, "leave": leave_plan}[action](row, today)
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("plans.plan_page", slug=slug))
    db.session.commit()
    flash(str(_DONE[action]), "success")
    return redirect(url_for("plans.plan_page", slug=slug))


_DONE = {"pause": lazy_gettext("Plan paused: no prompts until you resume it."),
         "resume": lazy_gettext("Welcome back: the plan goes on from today."),
         "leave": lazy_gettext("You have left the plan. Your sessions stay in your history.")}


def _change_guest(action: str, today: date) -> Any:
    row = _guest_row()
    plan = all_plans().get(row.plan_slug) if row is not None else None
    if row is None or plan is None or today >= row.start + timedelta(days=plan.days):
        abort(404, description=_("You are not following a plan."))
    kept = dict(session[GUEST_KEY])
    if action == "leave":
        session.pop(GUEST_KEY)
    elif action == "pause":
        kept["paused_on"] = today.isoformat()
        session[GUEST_KEY] = kept
    else:
        resume_plan(row, today)
        kept.update(paused_on=None, pauses=row.pauses)
        session[GUEST_KEY] = kept
    flash(str(_DONE[action]), "success")
    return redirect(url_for("plans.plan_page", slug=row.plan_slug))


@bp.post("/plan/quiet-night")
def quiet_night() -> Any:
    _checked()
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.referrer or url_for("plans.plans")))
    night = local_today() - timedelta(days=1)
    added = record_quiet_night(current_user, night)
    db.session.commit()
    flash(_("Noted: no cramps last night.") if added else _("Last night was noted already."),
          "success")
    slug = request.form.get("plan")
    if slug not in all_plans():
        state = visitor_state()
        slug = state.plan.slug if state else None
    return redirect(url_for("plans.plan_page", slug=slug) if slug else url_for("diary.index"))


def carry_guest_plan(user: Any, kept: Any) -> None:
    """Move a guest's plan from the session to their new account (called on sign-up)."""
    if not isinstance(kept, dict) or kept.get("plan") not in all_plans():
        return
    try:
        start = date.fromisoformat(str(kept.get("start")))
    except ValueError:
        return
    row = start_plan(user, all_plans()[kept["plan"]], start)
    row.pauses = str(kept.get("pauses") or "")[:500]
    if kept.get("paused_on"):
        pause_plan(row, date.fromisoformat(kept["paused_on"]))
