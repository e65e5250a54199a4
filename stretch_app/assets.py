"""Static files: a build id for cache-busting URLs, served by WhiteNoise with fitting headers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def build_id(static_dir: Path) -> str:
    """Return a short hash of every static file's path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(static_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def install_static(
    app: Flask, static_dir: Path, headers: Callable[[MutableMapping[str, str]], None]
) -> str:
    """Serve static/ under /static/<build-id>/ (cached for a year) and /static/ (short)."""
    build = build_id(static_dir)
    versioned = f"/static/{build}/"

    def add_headers(response_headers: MutableMapping[str, str], _path: str, url: str) -> None:
        response_headers["Cache-Control"] = IMMUTABLE if url.startswith(versioned) else SHORT
        headers(response_headers)

    wn = WhiteNoise(app.wsgi_app, add_headers_function=add_headers, autorefresh=app.debug)
    wn.add_files(str(static_dir), prefix=versioned)
    wn.add_files(str(static_dir), prefix="/static/")
    app.wsgi_app = wn  # type: ignore[method-assign]
    app.config["STATIC_BUILD_ID"] = build

    def asset(path: str) -> str:
        return f"{versioned}{path.lstrip('/')}"

    app.jinja_env.globals["asset"] = asset
    app.extensions["limber_asset"] = asset
    return build
