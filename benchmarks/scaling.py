"""History scaling: GET /api/stats and /history timed in-process for short and long histories."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask

from .client import page_csrf
from .seed import PASSWORD

ENDPOINTS = ("/api/stats", "/history")


@dataclass
class Timing:
    endpoint: str
    days: int
    median_ms: float
    p90_ms: float
    min_ms: float
    runs: int
    budget: bool = True  # False: shown for information, no budget applies


def _timing(name: str, days: int, values: list[float], budget: bool = True) -> Timing:
    values = sorted(values)
    return Timing(name, days, statistics.median(values), values[int(len(values) * 0.9) - 1],
                  values[0], len(values), budget)


def signed_in_client(app: Flask, login: str) -> Any:
    """Return a test client signed in through the real login form."""
    client = app.test_client()
    page = client.get("/login")
    done = client.post("/login", data={"login": login, "password": PASSWORD,
                                       "csrf_token": page_csrf(page.data)})
    if done.status_code not in (302, 303):
        raise RuntimeError(f"in-process sign-in as {login} answered {done.status_code}")
    return client


def time_histories(app: Flask, users: dict[str, int], runs: int, warmup: int = 20
                   ) -> list[Timing]:
    """Time each endpoint for each user; users and endpoints take turns so noise hits all alike.

    `users` maps a login to its days of history. Every response must be a 200.
    """
    clients = {login: signed_in_client(app, login) for login in users}
    samples: dict[tuple[str, str], list[float]] = {
        (login, ep): [] for login in users for ep in ENDPOINTS}
    for round_no in range(warmup + runs):
        for login, client in clients.items():
            for ep in ENDPOINTS:
                start = time.perf_counter()
                resp = client.get(ep)
                elapsed = time.perf_counter() - start
                if resp.status_code != 200:
                    raise RuntimeError(f"GET {ep} as {login} answered {resp.status_code}")
                if round_no >= warmup:
                    samples[(login, ep)].append(elapsed * 1000)
    return [_timing(f"GET {ep}", users[login], values) for (login, ep), values in samples.items()]


REFRESH = "streak refresh (first session of a day)"


def time_refresh(app: Flask, users: dict[str, int], runs: int, warmup: int = 5) -> list[Timing]:
    """Time stats.refresh_streaks, which a day's first finished session runs (rolled back)."""
    from stretch_app.extensions import db
    from stretch_app.models import User
    from stretch_app.stats import refresh_streaks

    samples: dict[str, list[float]] = {login: [] for login in users}
    with app.app_context():
        ids = {login: db.session.execute(db.select(User.id).where(User.login == login)
                                         ).scalar_one() for login in users}
        for round_no in range(warmup + runs):
            for login, uid in ids.items():
                user = db.session.get(User, uid)
                start = time.perf_counter()
                refresh_streaks(user)
                elapsed = time.perf_counter() - start
                db.session.rollback()
                if round_no >= warmup:
                    samples[login].append(elapsed * 1000)
        db.session.remove()
    return [_timing(REFRESH, users[login], values, budget=False)
            for login, values in samples.items()]
