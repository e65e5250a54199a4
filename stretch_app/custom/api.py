"""Custom routines over JSON: the pose library, the builder's CRUD, share links, generation."""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from flask import Blueprint, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from ..browse import routine_detail
from ..catalog import Routine
from ..errors import json_error
from ..extensions import db
from ..guidance import tip_for
from ..inputs import InputError, first_problem, json_body
from ..views.common import asset_url, catalog
from .generated import MAX_MINUTES, MAX_SEED, MIN_MINUTES, choices, generated_routine
from .generator import GeneratorError
from .models import CustomRoutine
from .routines import SHARED_PREFIX, CustomRoutineIn
from .store import new_share_token, owned_routine, routine_of, routines_of, save_routine

bp = Blueprint("custom_api", __name__, url_prefix="/api")


def pose_json(pose: Any) -> dict[str, Any]:
    """Return a pose as the builder lists it."""
    return {
        "id": pose.id, "name": pose.name, "sanskrit": pose.sanskrit,
        "areas": list(pose.areas), "targets": list(pose.targets), "kind": pose.kind,
        "position": pose.position, "positions": list(getattr(pose, "positions", ())),
        "per_side": pose.per_side, "hold_seconds": pose.hold_seconds, "level": pose.level,
        "image": asset_url(pose.image), "image_alt": pose.image_alt,
        "cue": pose.cue, "cautions": list(pose.cautions),
    }


def share_url(token: str) -> str:
    """Return the address a share token opens."""
    return url_for("pages.routine", slug=SHARED_PREFIX + token, _external=True)


def detail_json(routine: Routine) -> dict[str, Any]:
    """Return any routine in the shape of GET /api/routines/<slug>."""
    return routine_detail(routine, catalog().poses, asset_url, tip_for(routine.situations))


def custom_json(row: CustomRoutine) -> dict[str, Any]:
    """Return a custom routine: the routine's shape plus its id, note, steps as written, link."""
    body = detail_json(routine_of(row, catalog()))
    body.update({
        "id": row.id,
        "note": row.note or None,
        "written_steps": [{"pose": s["pose"], "seconds": s["seconds"], "note": s.get("note")}
                          for s in row.steps],
        "share_url": share_url(row.share_token) if row.share_token else None,
    })
    return body


def _bad_input(exc: ValidationError | InputError) -> Any:
    db.session.rollback()
    problem = first_problem(exc) if isinstance(exc, ValidationError) else exc
    return json_error(problem.status, problem.code, problem.message, field=problem.field)


def _missing() -> Any:
    return json_error(404, "not_found", _("No such routine of yours."))


@bp.get("/poses")
def poses() -> Any:
    found = sorted(catalog().poses.values(), key=lambda p: p.name)
    return jsonify({"poses": [pose_json(p) for p in found]})


@bp.get("/my-routines")
@login_required
def list_routines() -> Any:
    return jsonify({"routines": [custom_json(r) for r in routines_of(current_user)]})


@bp.post("/my-routines")
@login_required
def create_routine() -> Any:
    try:
        row = save_routine(current_user, json_body(CustomRoutineIn), catalog())
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    body = custom_json(row)
    db.session.commit()
    return jsonify(body), 201


@bp.get("/my-routines/<int:routine_id>")
@login_required
def get_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    return _missing() if row is None else jsonify(custom_json(row))


@bp.put("/my-routines/<int:routine_id>")
@login_required
def replace_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        return _missing()
    try:
        save_routine(current_user, json_body(CustomRoutineIn), catalog(), row)
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    body = custom_json(row)
    db.session.commit()
    return jsonify(body)


@bp.delete("/my-routines/<int:routine_id>")
@login_required
def delete_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        return _missing()
    db.session.delete(row)
    db.session.commit()
    return "", 204


@bp.post("/my-routines/<int:routine_id>/share")
@login_required
def share_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        return _missing()
    if row.share_token is None:
        row.share_token = new_share_token()
    url = share_url(row.share_token)
    db.session.commit()
    return jsonify({"url": url})


@bp.delete("/my-routines/<int:routine_id>/share")
@login_required
def unshare_routine(routine_id: int) -> Any:
    row = owned_routine(current_user, routine_id)
    if row is None:
        return _missing()
    row.share_token = None
    db.session.commit()
    return "", 204


class GenerateIn(BaseModel):
    """The body of POST /api/routines/generate."""

    model_config = ConfigDict(extra="forbid")

    areas: Annotated[list[Literal["legs", "abdomen", "back"]], Field(min_length=1, max_length=3)]
    minutes: Annotated[StrictInt, Field(ge=MIN_MINUTES, le=MAX_MINUTES)]
    positions: Annotated[list[Literal["standing", "chair", "floor", "bed"]],
                         Field(min_length=1, max_length=4)]
    level: Literal["gentle", "moderate"] | None = None
    seed: Annotated[StrictInt, Field(ge=0, le=MAX_SEED)] | None = None


@bp.post("/routines/generate")
def generate_routine() -> Any:
    try:
        data = json_body(GenerateIn)
    except (ValidationError, InputError) as exc:
        return _bad_input(exc)
    seed = data.seed if data.seed is not None else secrets.randbelow(MAX_SEED + 1)
    try:
        picked = choices(data.areas, data.minutes, data.positions, data.level, seed)
        routine = generated_routine(picked, catalog())
    except GeneratorError as exc:
        return json_error(422, "no_fit", str(exc), field="positions")
    body = detail_json(routine)
    body["seed"] = seed
    return jsonify(body)
