"""Static files: a build id for cache-busting URLs, served by WhiteNoise with fitting headers."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, MutableMapping
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def build_id(static_dir: Path) -> str:
    """Return a short hash of every static file's path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(static_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def compressed_copy(static_dir: Path, cache_root: Path, build: str) -> Path:
    """Return a copy of static/ with .gz and .br files beside each asset, made once per build."""
    target = cache_root / build
    if target.is_dir():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{build}-", dir=cache_root))
    shutil.copytree(static_dir, scratch, dirs_exist_ok=True)
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in scratch.rglob("*") if p.is_file()):
        if compressor.should_compress(path.name):
            for _ in compressor.compress(str(path)):
                pass
    try:
        os.rename(scratch, target)  # atomic: another worker may have won the race
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def install_static(
    app: Flask, static_dir: Path, headers: Callable[[MutableMapping[str, str]], None]
) -> str:
    """Serve static/ under /static/<build-id>/ (cached for a year) and /static/ (short)."""
    build = build_id(static_dir)
    versioned = f"/static/{build}/"
    served = compressed_copy(static_dir, Path(app.config["STATIC_CACHE_DIR"]), build)

    def add_headers(response_headers: MutableMapping[str, str], _path: str, url: str) -> None:
        response_headers["Cache-Control"] = IMMUTABLE if url.startswith(versioned) else SHORT
        headers(response_headers)

    wn = WhiteNoise(app.wsgi_app, add_headers_function=add_headers)
    wn.add_files(str(served), prefix=versioned)
    wn.add_files(str(served), prefix="/static/")
    app.wsgi_app = wn  # type: ignore[method-assign]
    app.config["STATIC_BUILD_ID"] = build

    def asset(path: str) -> str:
        return f"{versioned}{path.lstrip('/')}"

    app.jinja_env.globals["asset"] = asset
    app.extensions["limber_asset"] = asset
    return build
