"""The diary's JSON API: GET|POST /api/cramps and GET|PUT|DELETE /api/cramps/<id>."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import ValidationError

from ..errors import json_error
from ..extensions import db
from ..inputs import InputError, json_body, parse_date
from ..models import CrampEntry
from . import bp, queries
from .entries import CrampBody, CrampData, NewCrampBody, body_problem, entry_from_body, entry_json


def _input_error(exc: InputError) -> Any:
    return json_error(exc.status, exc.code, exc.message, field=exc.field)


def _read_entry(model: type[CrampBody]) -> tuple[str | None, CrampData]:
    """Return the request's cramp body as (client id, entry); raise InputError if unfit."""
    try:
        body = json_body(model)
    except ValidationError as exc:
        raise body_problem(exc) from None
    return entry_from_body(body, datetime.now(UTC))


def _created(entry: CrampEntry) -> Any:
    response = jsonify(entry_json(entry))
    response.status_code = 201
    response.headers["Location"] = url_for("diary.api_entry", entry_id=entry.id)
    return response


@bp.get("/api/cramps")
@login_required
def api_list() -> Any:
    try:
        start = parse_date(request.args.get("from"), "from")
        end = parse_date(request.args.get("to"), "to")
    except InputError as exc:
        return _input_error(exc)
    rows = queries.entries_between(current_user.id, start, end, newest_first=True)
    return jsonify({"cramps": [entry_json(r) for r in rows]})


@bp.post("/api/cramps")
@login_required
def api_create() -> Any:
    try:
        client_id, data = _read_entry(NewCrampBody)
    except InputError as exc:
        return _input_error(exc)
    entry, saved = queries.add_entry(current_user.id, data, client_id)
    db.session.commit()
    if saved == "new":
        return _created(entry)
    if saved == "same":
        return jsonify(entry_json(entry)), 200
    return json_error(409, "conflict",
                      _("An entry with this id was already saved with other content."),
                      field="id")


@bp.route("/api/cramps/<int:entry_id>", methods=["GET", "PUT", "DELETE"])
@login_required
def api_entry(entry_id: int) -> Any:
    entry = queries.own_entry(current_user.id, entry_id)
    if entry is None:
        return json_error(404, "not_found", _("There is no diary entry with this id."))
    if request.method == "GET":
        return jsonify(entry_json(entry))
    if request.method == "DELETE":
        db.session.delete(entry)
        db.session.commit()
        return "", 204
    try:
        _client_id, data = _read_entry(CrampBody)
    except InputError as exc:
        return _input_error(exc)
    queries.update_entry(entry, data)
    db.session.commit()
    return jsonify(entry_json(entry))
