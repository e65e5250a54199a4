"""WSGI entry for benchmarks: the real app plus a bare Flask route, the ceiling.

`gunicorn benchmarks.bench_wsgi:app` is started exactly as `make serve` starts
`stretch_app.wsgi:app`. Requests under /__bench/ go to a bare Flask app with one route;
everything else goes to Limber, created exactly as `stretch_app/wsgi.py` creates it
(without Flask-Migrate). Both run in the same worker processes, so the ceiling is the
fastest this stack (gunicorn, sync workers, Werkzeug, Flask) can answer on this machine at
the same moment. The production app never sees this.

Limber gets one extra route here, `POST /api/__bench/signed-in` (FLOOR_PATH): signed in and
CSRF-checked exactly like `POST /api/completions`, but it writes nothing and answers 201 with
`{}`. It is the floor under any signed-in write: what the session, CSRF and user checks cost
before a write begins.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, jsonify
from flask_login import login_required

from stretch_app import create_app
from stretch_app.config import StartupError

from .server import CEILING_PATH, CEILING_PREFIX, FLOOR_PATH

ceiling = Flask("limber_bench_ceiling")


@ceiling.get(CEILING_PATH)
def hello() -> tuple[str, int, dict[str, str]]:
    return "Hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


try:
    limber = create_app({"LIMBER_MIGRATIONS": False})  # as stretch_app/wsgi.py
except StartupError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)

floor = Blueprint("bench_floor", __name__)


@floor.post(FLOOR_PATH)
@login_required
def signed_in_floor() -> tuple[Any, int]:
    return jsonify({}), 201


limber.register_blueprint(floor)


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Send /__bench/* to the bare app and everything else to Limber."""
    if environ.get("PATH_INFO", "").startswith(CEILING_PREFIX):
        return ceiling(environ, start_response)
    return limber(environ, start_response)
