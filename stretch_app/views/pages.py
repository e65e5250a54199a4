"""HTML pages: home, the routine catalog, routine and player pages, the pose library."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy import text

from ..browse import (
    CAN_PRESETS,
    FilterError,
    Filters,
    active_filters,
    filter_routines,
    parse_can,
    parse_filters,
    pose_fits,
)
from ..browse import routine_detail as build_detail
from ..catalog import AREAS, SITUATIONS
from ..custom.pages import ownership
from ..custom.store import find_routine
from ..extensions import db
from ..guidance import tip_for
from ..plans.pages import home_card
from ..stats import stats_for
from .common import asset_url, catalog, public_page

bp = Blueprint("pages", __name__)

AREA_BLURBS = {
    "legs": lazy_gettext("Calves, hamstrings, thighs, hips and feet"),
    "abdomen": lazy_gettext("Gentle core, belly and side body"),
    "back": lazy_gettext("Lower and upper back, spine mobility"),
}
MINUTE_CHOICES = (5, 10, 15, 25)


@bp.get("/")
@public_page
def home() -> Any:
    cat = catalog()
    counts = {area: sum(area in r.areas for r in cat.routines.values()) for area in AREAS}
    quick = filter_routines(cat.routines.values(), Filters(max_minutes=5))[:3]
    stats = stats_for(current_user, datetime.now(UTC)) if current_user.is_authenticated else None
    return render_template("home.html", counts=counts, blurbs=AREA_BLURBS, quick=quick,
                           stats=stats, plan=home_card())


@bp.get("/routines")
@public_page
def routines() -> Any:
    cat = catalog()
    error = None
    try:
        filters = parse_filters(request.args)
    except FilterError as exc:
        error = str(exc)
        filters = Filters()
    found = filter_routines(cat.routines.values(), filters)
    status = 400 if error else 200
    return (
        render_template(
            "routines.html",
            routines=found,
            filters=filters,
            active=active_filters(filters, _filters_url),
            error=error,
            situations=SITUATIONS,
            minute_choices=MINUTE_CHOICES,
            can_presets=CAN_PRESETS,
            chip_url=_chip_url,
        ),
        status,
    )


def _filters_url(filters: Filters) -> str:
    """Return the /routines URL showing these filters."""
    return _chip_url(filters)


def _chip_url(filters: Filters, **change: Any) -> str:
    """Return the /routines URL for these filters with one changed (None removes it)."""
    values = {"area": filters.area, "situation": filters.situation,
              "max_minutes": filters.max_minutes, "can": filters.can_places}
    values.update(change)
    return url_for("pages.routines", **{k: v for k, v in values.items() if v is not None})


@bp.app_template_global()
def routine_url(slug: str) -> str:
    """Return the URL of a routine's page."""
    return url_for("pages.routine", slug=slug)


def _routine_or_404(slug: str) -> Any:
    routine = find_routine(slug, current_user, catalog())
    if routine is None:
        abort(404, description=gettext("There is no routine at this address."))
    return routine


@bp.get("/routines/<slug>")
@public_page
def routine(slug: str) -> Any:
    found = _routine_or_404(slug)
    cat = catalog()
    poses = [cat.poses[s.pose_id] for s in found.steps]
    holds = [(cat.poses[h.pose_id], h) for h in found.expanded_steps]
    return render_template("routine.html", routine=found, poses=poses, holds=holds,
                           tip=tip_for(found.situations), mine=ownership(found.slug))


@bp.get("/routines/<slug>/play")
@public_page
def play(slug: str) -> Any:
    found = _routine_or_404(slug)
    data = build_detail(found, catalog().poses, asset_url, tip_for(found.situations))
    if current_user.is_authenticated:
        data["cue_defaults"] = {"speech": current_user.cue_speech,
                                "beeps": current_user.cue_beep,
                                "vibration": current_user.cue_vibrate}
    data["next_routine"] = _next_routine(found)
    return render_template("play.html", routine=found, routine_data=data)


def _next_routine(found: Any) -> dict[str, Any] | None:
    """Suggest another routine for the done screen: most areas in common, then the shortest."""
    others = [r for r in catalog().routines.values() if r.slug != found.slug]
    if not others:
        return None
    best = min(others, key=lambda r: (-len(set(r.areas) & set(found.areas)), r.total_seconds,
                                      r.slug))
    return {"url": url_for("pages.routine", slug=best.slug), "title": best.title,
            "total_seconds": best.total_seconds}


@bp.get("/poses")
@public_page
def poses() -> Any:
    cat = catalog()
    area = request.args.get("area") or None
    query = (request.args.get("q") or "").strip()[:60]
    error = None
    if area is not None and area not in AREAS:
        error = gettext("area must be one of %(values)s", values=", ".join(AREAS))
        area = None
    try:
        can = parse_can(request.args)
    except FilterError as exc:
        error, can = str(exc), None
    found = [
        p
        for p in sorted(cat.poses.values(), key=lambda p: p.name)
        if (area is None or area in p.areas)
        and (not query or query.casefold() in _searchable(p))
        and pose_fits(p, can)
    ]
    return (
        render_template("poses.html", poses=found, area=area, query=query, error=error,
                        can=Filters(can=can).can_places, can_presets=CAN_PRESETS),
        400 if error else 200,
    )


def _searchable(pose: Any) -> str:
    return " ".join((pose.name, pose.sanskrit or "", *pose.targets, pose.position)).casefold()


@bp.get("/poses/<pose_id>")
@public_page
def pose(pose_id: str) -> Any:
    cat = catalog()
    found = cat.poses.get(pose_id)
    if found is None:
        abort(404, description=gettext("There is no pose at this address."))
    return render_template("pose.html", pose=found, used_in=cat.routines_using(pose_id))


@bp.get("/healthz")
def healthz() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy", never a 500 page
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})
