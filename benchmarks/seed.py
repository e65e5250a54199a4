"""A throwaway instance for benchmarks: schema by migration, users seeded straight into SQL."""

from __future__ import annotations

import os
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, select

PASSWORD = "bench-password-not-secret"
TIME_ZONE = "Europe/Paris"
DIARY_EVERY = 3  # a cramp diary entry every third day
LOCATIONS = ("calf", "foot", "thigh", "abdomen", "back")
TRIGGERS = ("night", "sitting", "dehydration", "standing", "")


@dataclass(frozen=True)
class SeededUser:
    login: str
    days: int
    user_id: int


def instance_env(root: Path) -> dict[str, str]:
    """Return the environment that points the app at a fresh instance folder (SQLite)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        LIMBER_INSTANCE_PATH=str(root / "instance"),
        LIMBER_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
    )
    return env


def apply_env(env: dict[str, str]) -> None:
    """Make this process use the benchmark instance (for the in-process app)."""
    os.environ.pop("DATABASE_URL", None)
    for key in ("LIMBER_INSTANCE_PATH", "LIMBER_ENV", "SECRET_KEY"):
        os.environ[key] = env[key]


def build_database(app: Flask) -> None:
    """Create the schema through the migrations, once, before any server starts."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _password_hash(app: Flask) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method=app.config["PASSWORD_METHOD"])


def seed_users(app: Flask, plan: dict[str, int], today: date) -> dict[str, SeededUser]:
    """Create one user per (login, days of daily history) and return them by login."""
    from stretch_app.extensions import db
    from stretch_app.models import User
    from stretch_app.stats import recount_totals, refresh_streaks

    pw_hash = _password_hash(app)  # one slow hash, shared: every user has the same password
    out = {}
    with app.app_context():
        routines = sorted(app.extensions["limber_catalog"].routines.values(),
                          key=lambda r: r.slug)
        for login, days in plan.items():
            user_id = db.session.execute(
                insert(User).values(login=login, password_hash=pw_hash, time_zone=TIME_ZONE,
                                    weekly_goal=3).returning(User.id)
            ).scalar_one()
            _seed_history(user_id, days, today, routines, random.Random(login))
            db.session.flush()
            # Derived data the app keeps (totals, streak runs), rebuilt as after an import.
            user = db.session.get(User, user_id)
            recount_totals(user)
            refresh_streaks(user)
            out[login] = SeededUser(login, days, user_id)
        db.session.commit()
        for seeded in out.values():
            _check(seeded, today)
        db.session.remove()
    return out


def _local(day: date, at: time) -> datetime:
    from stretch_app.timezones import zone

    return datetime.combine(day, at, tzinfo=zone(TIME_ZONE))


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _seed_history(user_id: int, days: int, today: date, routines: list[Any],
                  rng: random.Random) -> None:
    """One finished session every day for `days` days ending today, a diary entry every 3rd."""
    from stretch_app.extensions import db
    from stretch_app.models import Completion, CrampEntry

    sessions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for back in range(days):
        day = today - timedelta(days=back)
        routine = routines[rng.randrange(len(routines))]
        start = _local(day, time(7, rng.randrange(60)))
        end = start + timedelta(seconds=routine.total_seconds)
        steps = len(routine.expanded_steps)
        sessions.append({
            "user_id": user_id,
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "routine_slug": routine.slug,
            "routine_title": routine.title,
            "areas": ",".join(routine.areas),
            "started_at": _utc_naive(start),
            "ended_at": _utc_naive(end),
            "time_zone": TIME_ZONE,
            "local_date": day,
            "steps_done": steps,
            "steps_total": steps,
            "seconds_done": routine.total_seconds,
            "finished": True,
            "created_at": _utc_naive(end),
        })
        if back % DIARY_EVERY == 0:
            occurred = _local(day, time(2, rng.randrange(60)))
            trigger = TRIGGERS[rng.randrange(len(TRIGGERS))]
            entries.append({
                "user_id": user_id,
                "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "occurred_at": _utc_naive(occurred),
                "time_zone": TIME_ZONE,
                "local_date": day,
                "location": LOCATIONS[rng.randrange(len(LOCATIONS))],
                "strength": rng.randint(1, 10),
                "duration_minutes": rng.randint(1, 10),
                "woke_me": True,
                "triggers": trigger,
                "red_flags": "",
                "note": "",
                "created_at": _utc_naive(occurred),
                "updated_at": _utc_naive(occurred),
            })
    if sessions:
        db.session.execute(insert(Completion), sessions)
    if entries:
        db.session.execute(insert(CrampEntry), entries)


def _check(seeded: SeededUser, today: date) -> None:
    """The app must see what was seeded: N sessions and an N-day streak ending today."""
    from stretch_app.extensions import db
    from stretch_app.models import User
    from stretch_app.stats import stats_for

    user = db.session.get(User, seeded.user_id)
    now = _local(today, time(12)) if seeded.days else datetime.now(UTC)
    stats = stats_for(user, now).as_json()
    if (stats["total_finished"], stats["current_streak"]) != (seeded.days, seeded.days):
        raise RuntimeError(f"seeding {seeded.login}: the app sees {stats['total_finished']} "
                           f"sessions and a {stats['current_streak']}-day streak, "
                           f"expected {seeded.days} of each")


def count_by_id_prefix(app: Flask, user_id: int, prefixes: list[str]) -> dict[str, int]:
    """Return how many sessions a user has whose client id starts with each prefix."""
    from sqlalchemy import func

    from stretch_app.extensions import db
    from stretch_app.models import Completion

    out = {}
    with app.app_context():
        for prefix in prefixes:
            out[prefix] = int(db.session.execute(
                select(func.count()).select_from(Completion).where(
                    Completion.user_id == user_id, Completion.client_id.like(f"{prefix}-%"))
            ).scalar_one())
        db.session.remove()
    return out
