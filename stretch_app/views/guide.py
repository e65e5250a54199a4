"""Guidance pages: the cramp guide, "before you start" safety, and "Cramp now" (no sign-in)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..browse import Filters, filter_routines
from ..diary.entries import DOCTOR_SIGNS
from ..diary.patterns import fitting_routines
from ..diary.relief import CRAMP_NOW_LOCATIONS, cramp_now_data, relief_plan
from ..guidance import GUIDE_LINKS
from .common import asset_url, catalog

bp = Blueprint("guide", __name__)

ROUTINES_PER_SECTION = 3


def _section_links() -> dict[str, list[dict[str, Any]]]:
    """Return each guide section's routine links that have routines, with their counts."""
    routines = list(catalog().routines.values())
    out: dict[str, list[dict[str, Any]]] = {}
    for section, links in GUIDE_LINKS.items():
        shown = []
        for link in links:
            found = filter_routines(routines, Filters(area=link.area, situation=link.situation))
            if not found:
                continue
            params = {k: v for k, v in (("area", link.area), ("situation", link.situation)) if v}
            shown.append({"label": gettext(link.label), "count": len(found),
                          "url": url_for("pages.routines", **params), "first": found[0]})
        out[section] = shown
    return out


@bp.get("/guide")
def guide() -> Any:
    routines = list(catalog().routines.values())
    picks = {
        # Short, gentle starting points for the prevention section.
        "prevent": fitting_routines(routines, ("warm-up", "desk", "anytime"), None,
                                    ROUTINES_PER_SECTION),
    }
    return render_template(
        "guide.html",
        links=_section_links(),
        picks=picks,
        doctor_signs=DOCTOR_SIGNS,
    )


@bp.get("/safety")
def safety() -> Any:
    return render_template("safety.html", doctor_signs=DOCTOR_SIGNS)


@bp.get("/cramp-now")
def cramp_now() -> Any:
    poses = catalog().poses
    data = cramp_now_data(poses, asset_url, current_user.is_authenticated)
    # Without JavaScript, ?where=calf shows that stretch (no timer) straight from the server.
    where = request.args.get("where")
    chosen = relief_plan(where, poses, asset_url) if where in CRAMP_NOW_LOCATIONS else None
    return render_template("cramp_now.html", data=data, chosen=chosen)
