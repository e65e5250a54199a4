"""The JSON API under /api."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user, login_required
from pydantic import BaseModel, ValidationError

from ..catalog import FilterError, filter_routines, parse_filters, routine_detail, routine_summary
from ..config import PROJECT_ROOT
from ..database import write_transaction
from ..errors import json_error
from ..extensions import db
from ..guidance import tip_for
from ..models import User
from ..portability import ExportDoc, ImportProblem, export_user, import_user
from ..signing import csrf_token as auth_csrf_token
from ..tracking import (
    CompletionIn,
    InputError,
    completion_json,
    completion_row,
    list_completions,
    parse_date,
    record_completion,
    stats_for,
)
from .common import asset_url, catalog

bp = Blueprint("api", __name__, url_prefix="/api")

M = TypeVar("M", bound=BaseModel)

OPENAPI_FILE = PROJECT_ROOT / "openapi.yaml"


@bp.get("/routines")
def routines() -> Any:
    try:
        filters = parse_filters(request.args)
    except FilterError as exc:
        return json_error(400, "bad_filter", str(exc))
    found = filter_routines(catalog().routines.values(), filters)
    return jsonify({"routines": [routine_summary(r) for r in found]})


@bp.get("/routines/<slug>")
def routine(slug: str) -> Any:
    cat = catalog()
    found = cat.routines.get(slug)
    if found is None:
        return json_error(404, "not_found", f"No routine called '{slug[:80]}'.")
    return jsonify(routine_detail(found, cat.poses, asset_url, tip_for(found.situations)))


@bp.get("/csrf")
def csrf_token() -> Any:
    return jsonify({"csrf_token": auth_csrf_token()})


def validated_body(model: type[M]) -> M:
    """Return the request's JSON body validated as model; raise InputError or ValidationError."""
    if not request.is_json:
        raise InputError("body", "send a JSON object with Content-Type: application/json")
    try:
        # Read and checked in one pass by pydantic (the diary's API does the same), which
        # refuses nesting too deep to read as invalid JSON rather than crashing.
        return model.model_validate_json(request.get_data(cache=True))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InputError("body", "the body is not valid JSON") from None
        if first["type"] == "model_type" and not first["loc"]:
            raise InputError("body", "the body must be a JSON object") from None
        raise


def validation_error(exc: ValidationError) -> Any:
    """Return a 422 naming the first invalid field."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"]) or "body"
    message = str(first["msg"]).removeprefix("Value error, ")
    return json_error(422, "invalid", f"{field}: {message}", field=field)


def input_error(exc: InputError) -> Any:
    """Return a 400 for an unreadable body, else a 422 naming the field."""
    status = 400 if exc.field == "body" else 422
    code = "bad_json" if status == 400 else "invalid"
    return json_error(status, code, exc.message, field=exc.field)


@bp.post("/completions")
@login_required
def post_completion() -> Any:
    try:
        data = validated_body(CompletionIn)
        row = completion_row(data, current_user.id, catalog(), datetime.now(UTC))
    except ValidationError as exc:
        return validation_error(exc)
    except InputError as exc:
        return input_error(exc)
    # One transaction of its own (no ORM session), committed at the end of the block, before
    # the answer is built: SQLite's write lock is held only until then.
    with write_transaction(db.engine) as driver:
        result = record_completion(driver, db.engine.dialect, current_user._get_current_object(),
                                   row)
    body = completion_json(result.completion)
    if result.status == 409:
        return json_error(409, "conflict", "A different session was already saved with this id.")
    return jsonify(body), result.status


@bp.get("/completions")
@login_required
def get_completions() -> Any:
    try:
        start = parse_date(request.args.get("from"), "from")
        end = parse_date(request.args.get("to"), "to")
    except InputError as exc:
        return json_error(400, "bad_filter", exc.message, field=exc.field)
    if start and end and start > end:
        return json_error(400, "bad_filter", "from must not be after to", field="from")
    rows = list_completions(current_user, start, end)
    return jsonify({"completions": [completion_json(c) for c in rows]})


@bp.get("/stats")
@login_required
def stats() -> Any:
    return jsonify(stats_for(current_user, datetime.now(UTC)).as_json())


@bp.get("/export")
@login_required
def export() -> Any:
    response = jsonify(export_user(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="limber-export.json"'
    return response


@bp.post("/import")
@login_required
def import_data() -> Any:
    try:
        doc = validated_body(ExportDoc)
        result = import_user(db.get_or_404(User, current_user.id), doc, datetime.now(UTC))
    except ValidationError as exc:
        db.session.rollback()
        return validation_error(exc)
    except (InputError, ImportProblem) as exc:
        # Unreadable, truncated or inconsistent: the whole file is refused.
        db.session.rollback()
        return json_error(422, "invalid", f"{exc.field}: {exc.message}", field=exc.field)
    db.session.commit()
    return jsonify({"imported": result})


@bp.get("/openapi.yaml")
def openapi_document() -> Any:
    """Serve the OpenAPI description of this API (openapi.yaml at the project's top level)."""
    try:
        text = OPENAPI_FILE.read_text(encoding="utf-8")
    except OSError:
        return json_error(404, "not_found", "The API description is not installed here.")
    response = Response(text, content_type="application/yaml; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response
