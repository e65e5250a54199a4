"""The JSON API under /api."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from pydantic import ValidationError

from ..browse import FilterError, filter_routines, parse_filters, routine_detail, routine_summary
from ..completions import (
    CompletionIn,
    Outcome,
    completion_json,
    completion_row,
    finished_on,
    list_completions,
    record_completion,
)
from ..config import PROJECT_ROOT
from ..custom.store import find_routine
from ..database import read_before_writing
from ..errors import json_error
from ..extensions import db
from ..guidance import tip_for
from ..inputs import InputError, NotJSON, first_problem, json_body, parse_date
from ..portability import ExportDoc, ImportProblem, export_user, import_user
from ..stats import stats_for
from .common import asset_url, catalog

bp = Blueprint("api", __name__, url_prefix="/api")

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
    found = find_routine(slug, current_user, cat)
    if found is None:
        return json_error(404, "not_found",
                          gettext("No routine called '%(slug)s'.", slug=slug[:80]))
    return jsonify(routine_detail(found, cat.poses, asset_url, tip_for(found.situations)))


@bp.get("/csrf")
def csrf_token() -> Any:
    return jsonify({"csrf_token": generate_csrf()})


def input_error(exc: InputError) -> Any:
    """Return the JSON error for an input problem."""
    return json_error(exc.status, exc.code, exc.message, field=exc.field)


@bp.post("/completions")
@login_required
def post_completion() -> Any:
    try:
        data = json_body(CompletionIn)
        with read_before_writing():  # the write lock then covers only the write
            find = partial(find_routine, user=current_user, catalog=catalog())
            row = completion_row(data, current_user.id, find, datetime.now(UTC))
            active = finished_on(current_user.id, row["local_date"])
    except ValidationError as exc:
        return input_error(first_problem(exc))
    except InputError as exc:
        return input_error(exc)
    result = record_completion(current_user, row, active)
    if result.outcome is Outcome.CONFLICT:
        db.session.rollback()
        return json_error(409, "conflict",
                          gettext("A different session was already saved with this id."))
    body = completion_json(result.completion)
    db.session.commit()
    return jsonify(body), 201 if result.outcome is Outcome.NEW else 200


@bp.get("/completions")
@login_required
def get_completions() -> Any:
    try:
        start = parse_date(request.args.get("from"), "from")
        end = parse_date(request.args.get("to"), "to")
    except InputError as exc:
        return json_error(400, "bad_filter", exc.message, field=exc.field)
    if start and end and start > end:
        return json_error(400, "bad_filter", gettext("from must not be after to"),
                          field="from")
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
        doc = json_body(ExportDoc)
        result = import_user(current_user, doc, datetime.now(UTC))
    except ValidationError as exc:
        db.session.rollback()
        return input_error(first_problem(exc))
    except NotJSON as exc:
        return input_error(exc)
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
        return json_error(404, "not_found",
                          gettext("The API description is not installed here."))
    response = Response(text, content_type="application/yaml; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response
