"""Plans over JSON: the plans, and the one the signed-in person follows."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..errors import json_error
from ..extensions import db
from ..inputs import InputError, first_problem, json_body, parse_date
from ..views.common import catalog
from .store import (
    PlanError,
    all_plans,
    current_enrolment,
    leave_plan,
    pause_plan,
    plan_state,
    record_quiet_night,
    resume_plan,
    start_plan,
)
from .views import local_today, plan_detail, plan_summary, state_json

bp = Blueprint("plans_api", __name__, url_prefix="/api")


class StartIn(BaseModel):
    """The body of POST /api/plan."""

    model_config = ConfigDict(extra="forbid")

    plan: Annotated[StrictStr, Field(min_length=1, max_length=80)]


class QuietNightIn(BaseModel):
    """The body of POST /api/quiet-nights."""

    model_config = ConfigDict(extra="forbid")

    night: Annotated[StrictStr, Field(min_length=10, max_length=10)]


def _bad_input(exc: ValidationError | InputError) -> Any:
    problem = first_problem(exc) if isinstance(exc, ValidationError) else exc
    return json_error(problem.status, problem.code, problem.message, field=problem.field)


def _state() -> Any:
    row = current_enrolment(current_user)
    plan = all_plans().get(row.plan_slug) if row else None
    if row is None or plan is None:
        return None
    return plan_state(current_user.id, row, plan, local_today())


@bp.get("/plans")
def list_plans() -> Any:
    cat = catalog()
    return jsonify({"plans": [plan_summary(p, cat) for p in all_plans().values()]})


@bp.get("/plans/<slug>")
def get_plan(slug: str) -> Any:
    plan = all_plans().get(slug)
    if plan is None:
        return json_error(404, "not_found", _("No plan called “%(slug)s”.", slug=slug[:80]))
    return jsonify(plan_detail(plan, catalog()))


@bp.get("/plan")
@login_required
def my_plan() -> Any:
    state = _state()
    body = {"plan": None} if state is None else state_json(state, catalog())
    db.session.commit()  # a plan past its last day is marked finished
    return jsonify(body)


@bp.post("/plan")
@login_required
def start() -> Any:
    try:
        data = json_body(StartIn)
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    plan = all_plans().get(data.plan)
    if plan is None:
        return json_error(422, "invalid", _("plan: no plan called “%(slug)s”", slug=data.plan[:80]),
                          field="plan")
    try:
        start_plan(current_user, plan, local_today())
    except PlanError as exc:
        db.session.rollback()
        return json_error(409, "conflict", str(exc))
    body = state_json(_state(), catalog())
    db.session.commit()
    return jsonify(body), 201


@bp.delete("/plan")
@login_required
def leave() -> Any:
    row = current_enrolment(current_user)
    if row is None:
        return json_error(404, "not_found", _("You are not following a plan."))
    leave_plan(row, local_today())
    db.session.commit()
    return "", 204


@bp.post("/plan/pause")
@login_required
def pause() -> Any:
    return _change(pause_plan)


@bp.post("/plan/resume")
@login_required
def resume() -> Any:
    return _change(resume_plan)


def _change(change: Any) -> Any:
    row = current_enrolment(current_user)
    if row is None:
        return json_error(404, "not_found", _("You are not following a plan."))
    try:
        change(row, local_today())
    except PlanError as exc:
        db.session.rollback()
        return json_error(409, "conflict", str(exc))
    body = state_json(_state(), catalog())
    db.session.commit()
    return jsonify(body)


@bp.post("/quiet-nights")
@login_required
def quiet_night() -> Any:
    try:
        night = parse_date(json_body(QuietNightIn).night, "night")
        if night is None or night.year < 2000 or night >= local_today():
            raise InputError("night", _("night: the date the night began (YYYY-MM-DD), "
                                        "before today"))
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    added = record_quiet_night(current_user, night)
    db.session.commit()
    return jsonify({"night": night.isoformat()}), 201 if added else 200
