"""The JSON API under /api."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_wtf.csrf import generate_csrf

from ..catalog import FilterError, filter_routines, parse_filters, routine_detail, routine_summary
from ..errors import json_error
from ..guidance import tip_for
from .common import asset_url, catalog

bp = Blueprint("api", __name__, url_prefix="/api")


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
    return jsonify({"csrf_token": generate_csrf()})
