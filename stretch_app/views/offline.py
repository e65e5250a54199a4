"""Installable and offline: the web app manifest, the service worker and the offline page.

The service worker is served from the root (``/sw.js``) so that its scope is the whole app.
It is rendered from ``templates/sw.js`` with everything it needs to know handed to it by the
server: a version (a hash of the static build, the templates and the content, so any change
installs a fresh worker and drops the old caches), the versioned asset URLs to precache, the
catalog JSON and the pages to keep for offline use.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..config import PROJECT_ROOT
from .common import asset_url, catalog

bp = Blueprint("offline", __name__)

# Static files the worker precaches, by folder and suffix (never scripts or other stray files).
PRECACHED_STATIC = (("css", ".css"), ("js", ".js"), ("icons", ".svg"), ("poses", ".svg"))
SESSION_HEADER = "X-Limber-Session"
THEME_LIGHT = {"theme_color": "#0f766e", "background_color": "#f7f5f0"}
THEME_DARK = {"theme_color": "#0b1f1d", "background_color": "#101715"}


def _static_paths(static_dir: Path) -> list[str]:
    paths: set[str] = set()
    for folder, suffix in PRECACHED_STATIC:
        base = static_dir / folder
        if base.is_dir():
            paths.update(
                p.relative_to(static_dir).as_posix()
                for p in base.rglob(f"*{suffix}")
                if p.is_file()
            )
    # Every pose illustration the catalog names, wherever it lives.
    paths.update(pose.image.lstrip("/") for pose in catalog().poses.values() if pose.image)
    return sorted(paths)


def precache_plan() -> dict[str, Any]:
    """Return what the service worker keeps for offline use, and a version naming it all."""
    cached = current_app.extensions.get("limber_precache")
    if cached is not None:
        return cached
    static_dir = Path(current_app.config["STATIC_DIR"])
    slugs = sorted(catalog().routines)
    assets = [asset_url(p) for p in _static_paths(static_dir)]
    data = ["/api/routines", *(f"/api/routines/{slug}" for slug in slugs)]
    pages = [
        url_for("pages.home"),
        url_for("pages.routines"),
        url_for("offline.offline_page"),
        url_for("guide.cramp_now"),
        url_for("guide.guide"),
        url_for("guide.safety"),
        *(url_for("pages.routine", slug=slug) for slug in slugs),
        *(url_for("pages.play", slug=slug) for slug in slugs),
    ]
    digest = hashlib.sha256()
    digest.update(str(current_app.config.get("STATIC_BUILD_ID", "")).encode())
    digest.update(json.dumps([assets, data, pages]).encode())
    for root in (PROJECT_ROOT / "templates", Path(current_app.config["CONTENT_DIR"])):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    plan = {
        "version": digest.hexdigest()[:12],
        "build": current_app.config.get("STATIC_BUILD_ID", ""),
        "assets": assets,
        "data": data,
        "pages": pages,
        "offline": url_for("offline.offline_page"),
        "session_header": SESSION_HEADER,
    }
    current_app.extensions["limber_precache"] = plan
    return plan


@bp.after_app_request
def _mark_session(response: Response) -> Response:
    """Say on each HTML page whether it was made for a signed-in visitor, and in which language.

    The service worker compares this with the page in front of the user, so that pages kept
    for offline use are fetched again after signing in or out, or switching language.
    """
    # A busy page (503) is never kept, and reading the user then would wait on the lock again.
    if response.mimetype == "text/html" and response.status_code != 503:
        from ..i18n import current_language

        who = "user" if current_user.is_authenticated else "guest"
        response.headers[SESSION_HEADER] = f"{who}:{current_language()}"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    plan = precache_plan()
    body = render_template("sw.js", plan_json=json.dumps(plan, separators=(",", ":")))
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def manifest_data() -> dict[str, Any]:
    from ..i18n import html_lang

    icon = asset_url
    return {
        "id": "/",
        "name": gettext("Limber: guided stretching"),
        "short_name": "Limber",
        "description": gettext(
            "Short guided stretching and gentle yoga routines for legs, abdomen and back "
            "that help prevent mild muscle cramps."
        ),
        "lang": html_lang(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "categories": ["health", "fitness", "lifestyle"],
        **THEME_LIGHT,
        # Chromium reads the dark-scheme colours from here; other browsers use the meta tags.
        "user_preferences": {"color_scheme_dark": dict(THEME_DARK)},
        "icons": [
            {"src": icon("icons/icon-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": icon("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": icon("icons/icon-maskable-192.png"), "sizes": "192x192",
             "type": "image/png", "purpose": "maskable"},
            {"src": icon("icons/icon-maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
            {"src": icon("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml",
             "purpose": "any"},
        ],
        "shortcuts": [
            {"name": gettext("Cramp now"), "short_name": gettext("Cramp now"),
             "description": gettext("One relief stretch for a cramp right now"),
             "url": "/cramp-now",
             "icons": [{"src": icon("icons/icon-192.png"), "sizes": "192x192",
                        "type": "image/png"}]},
            {"name": gettext("All routines"), "short_name": gettext("Routines"),
             "url": "/routines",
             "icons": [{"src": icon("icons/icon-192.png"), "sizes": "192x192",
                        "type": "image/png"}]},
        ],
    }


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    response = Response(
        json.dumps(manifest_data(), indent=1), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    # Written in the visitor's language: a shared cache must key on what chose it.
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/offline")
def offline_page() -> Any:
    routines = sorted(catalog().routines.values(), key=lambda r: r.title)
    return render_template("offline.html", routines=routines)
