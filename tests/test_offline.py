"""Installable and offline, over HTTP: the service worker script, the manifest, the offline page."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from stretch_app.config import PROJECT_ROOT

ICONS = PROJECT_ROOT / "static" / "icons"
VERSIONED = re.compile(r"^/static/[0-9a-f]{10}/")


def _get(client: FlaskClient, url: str) -> Any:
    """Fetch a URL and close it (WhiteNoise streams static files from an open file)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _plan(client: FlaskClient) -> dict[str, Any]:
    body = client.get("/sw.js").get_data(as_text=True)
    match = re.search(r"^const PLAN = (\{.*\});$", body, re.M)
    assert match, "the worker is handed its plan as one JSON line"
    return json.loads(match.group(1))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# ---- the service worker ----------------------------------------------------------------------


def test_service_worker_is_served_from_the_root_and_never_cached_stale(
    client: FlaskClient,
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    # The app's security headers reach the worker script too.
    csp = response.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data(as_text=True)
    for event in ("install", "activate", "fetch", "message", "sync"):
        assert f'addEventListener("{event}"' in body
    assert "{{" not in body and "{%" not in body


def test_precache_plan_covers_shell_pictures_catalog_and_pages(
    app: Flask, client: FlaskClient
) -> None:
    plan = _plan(client)
    build = app.config["STATIC_BUILD_ID"]
    assert plan["build"] == build
    assert re.fullmatch(r"[0-9a-f]{12}", plan["version"])
    assets = plan["assets"]
    assert assets and all(a.startswith(f"/static/{build}/") for a in assets)
    for needed in ("css/app.css", "css/player.css", "js/queue.js", "js/player.js",
                   "js/cramp-now.js", "icons/favicon.svg"):
        assert f"/static/{build}/{needed}" in assets, needed
    assert not [a for a in assets if not a.endswith((".css", ".js", ".svg"))]
    catalog = app.extensions["limber_catalog"]
    for pose in catalog.poses.values():
        assert f"/static/{build}/{pose.image.lstrip('/')}" in assets, pose.id
    slugs = sorted(catalog.routines)
    assert plan["data"] == ["/api/routines", *(f"/api/routines/{s}" for s in slugs)]
    pages = set(plan["pages"])
    assert {"/", "/routines", "/offline", "/cramp-now", "/guide", "/safety"} <= pages
    for slug in slugs:
        assert {f"/routines/{slug}", f"/routines/{slug}/play"} <= pages
    assert plan["offline"] == "/offline"
    # Everything in the plan is there: one failed URL would stop the worker installing.
    for url in (*assets, *plan["data"], *plan["pages"]):
        assert _get(client, url).status_code == 200, url


def test_precache_version_is_stable_between_requests(client: FlaskClient) -> None:
    assert _plan(client)["version"] == _plan(client)["version"]


def test_pages_say_whether_they_were_made_for_a_signed_in_visitor(
    client: FlaskClient,
) -> None:
    assert client.get("/routines").headers["X-Limber-Session"] == "guest:en"
    assert "X-Limber-Session" not in client.get("/api/routines").headers
    client.post("/signup", data={"login": "kim", "password": "correct horse battery",
                                 "time_zone": "Europe/London"})
    assert client.get("/routines").headers["X-Limber-Session"] == "user:en"


# ---- the manifest and icons ------------------------------------------------------------------


def test_manifest_has_what_installing_needs(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"].startswith("Limber") and manifest["short_name"] == "Limber"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    hexcolour = re.compile(r"^#[0-9a-f]{6}$")
    assert hexcolour.match(manifest["theme_color"])
    assert hexcolour.match(manifest["background_color"])
    dark = manifest["user_preferences"]["color_scheme_dark"]
    assert hexcolour.match(dark["theme_color"]) and hexcolour.match(dark["background_color"])
    assert dark["background_color"] != manifest["background_color"]

    pngs = {(i["sizes"], i["purpose"]): i for i in manifest["icons"] if i["type"] == "image/png"}
    assert set(pngs) == {("192x192", "any"), ("512x512", "any"),
                         ("192x192", "maskable"), ("512x512", "maskable")}
    for (sizes, _purpose), icon in pngs.items():
        assert VERSIONED.match(icon["src"]), icon
        served = _get(client, icon["src"])
        assert served.status_code == 200 and served.mimetype == "image/png"
        width, height = _png_size(served.data)
        assert f"{width}x{height}" == sizes


def test_pages_link_the_manifest_icons_and_worker(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
    assert touch and VERSIONED.match(touch.group(1))
    assert _png_size(_get(client, touch.group(1)).data) == (180, 180)
    # queue.js, on every page, registers the worker: no module of its own (one request less).
    assert re.search(r'<script type="module" src="/static/[0-9a-f]{10}/js/queue\.js">', html)
    assert "sw-register" not in html
    queue = _get(client, re.search(r'src="(/static/[0-9a-f]{10}/js/queue\.js)"', html).group(1))
    assert 'serviceWorker.register("/sw.js"' in queue.get_data(as_text=True)
    assert '<meta name="theme-color" content="#0f766e" media="(prefers-color-scheme: light)">' \
        in html


def test_png_icons_are_committed_beside_their_svg_sources() -> None:
    expected = {"icon-192.png": 192, "icon-512.png": 512, "icon-maskable-192.png": 192,
                "icon-maskable-512.png": 512, "apple-touch-icon.png": 180}
    for name, size in expected.items():
        assert _png_size(Path(ICONS / name).read_bytes()) == (size, size), name
    for source in ("icon.svg", "icon-maskable.svg"):
        assert (ICONS / source).read_text().startswith("<svg")
    assert (PROJECT_ROOT / "tools" / "make_icons.py").is_file()  # outside static/: never served


# ---- the offline page ------------------------------------------------------------------------


def test_offline_page_lists_every_routine_and_is_not_indexed(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "You are offline" in html
    assert '<meta name="robots" content="noindex">' in html
    for slug in app.extensions["limber_catalog"].routines:
        assert f'href="/routines/{slug}"' in html
