"""Where the time goes: per-request CPU cost in-process, and pyinstrument profiles.

    python -m benchmarks.profile                      # CPU ms per request, every hot path
    python -m benchmarks.profile --profile /api/stats --days 3650
    python -m benchmarks.profile --profile /routines/cool-down-after-exercise/play

CPU time (time.thread_time) is barely touched by other processes, so the ratios here show
what the app itself costs next to the bare route even on a busy machine: the load test's
ratio can only be worse (wrk, the kernel and gunicorn share the same cores).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .load import completion_body
from .seed import TIME_ZONE, apply_env, build_database, instance_env, seed_users
from .server import CEILING_PATH


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=365, help="history of the signed-in user")
    ap.add_argument("--runs", type=int, default=300, help="requests per endpoint")
    ap.add_argument("--profile", metavar="PATH", action="append", default=[],
                    help="profile this path with pyinstrument (POST for /api/completions)")
    args = ap.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="limber-profile-"))
    try:
        apply_env(instance_env(scratch))
        from stretch_app import create_app

        from . import bench_wsgi

        build_database(create_app())  # with Flask-Migrate, as `flask db upgrade` runs it
        app = bench_wsgi.limber
        today = datetime.now(ZoneInfo(TIME_ZONE)).date()
        seed_users(app, {"profiled": args.days}, today)
        catalog = app.extensions["limber_catalog"]
        routine = max(catalog.routines.values(), key=lambda r: (len(r.expanded_steps), r.slug))
        from werkzeug.test import Client

        # Public pages: signed out and without cookies, exactly as wrk sends them.
        anon = Client(bench_wsgi.app, use_cookies=False)
        client = _client(bench_wsgi.app)
        token = client.get("/api/csrf").get_json()["csrf_token"]
        body = completion_body(routine.slug, len(routine.expanded_steps), routine.total_seconds)

        def post() -> Any:
            return client.post("/api/completions", data=body[0] + str(uuid.uuid4()) + body[1],
                               headers={"X-CSRFToken": token,
                                        "Content-Type": "application/json"})

        calls = {
            CEILING_PATH: lambda: anon.get(CEILING_PATH),
            "/": lambda: anon.get("/"),
            "/routines": lambda: anon.get("/routines"),
            f"/routines/{routine.slug}": lambda: anon.get(f"/routines/{routine.slug}"),
            f"/routines/{routine.slug}/play":
                lambda: anon.get(f"/routines/{routine.slug}/play"),
            "/api/routines": lambda: anon.get("/api/routines"),
            "/api/stats": lambda: client.get("/api/stats"),
            "/history": lambda: client.get("/history"),
            "/api/completions": post,
        }
        if args.profile:
            for path in args.profile:
                _pyinstrument(path, calls[path], args.runs)
            return 0
        base = None
        print(f"CPU ms per request, median of {args.runs} (signed in, {args.days} days):")
        for path, call in calls.items():
            ms = _cpu_ms(call, args.runs)
            base = base or ms
            print(f"  {path:45s} {ms:7.3f} ms   ceiling/this = {base / ms:5.2f}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _client(wsgi: Any) -> Any:
    from werkzeug.test import Client

    from .client import page_csrf
    from .seed import PASSWORD

    client = Client(wsgi)
    page = client.get("/login")
    done = client.post("/login", data={"login": "profiled", "password": PASSWORD,
                                       "csrf_token": page_csrf(page.data)})
    if done.status_code not in (302, 303):
        raise RuntimeError(f"sign-in answered {done.status_code}")
    return client


def _cpu_ms(call: Any, runs: int, warmup: int = 30) -> float:
    samples = []
    for i in range(warmup + runs):
        start = time.thread_time()
        resp = call()
        elapsed = time.thread_time() - start
        if resp.status_code >= 400:
            raise RuntimeError(f"answered {resp.status_code}")
        if i >= warmup:
            samples.append(elapsed * 1000)
    return statistics.median(samples)


def _pyinstrument(path: str, call: Any, runs: int) -> None:
    from pyinstrument import Profiler

    for _ in range(30):
        call()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(runs):
        call()
    profiler.stop()
    print(f"=== {path}: {runs} requests ===")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    raise SystemExit(main())
