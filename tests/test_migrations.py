"""Migrations on a database with history: data steps fill what the app keeps, and round trips."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from stretch_app.auth import throttle_key
from stretch_app.config import normalise_database_url
from stretch_app.extensions import db
from stretch_app.models import LoginThrottle, StreakRun, User
from stretch_app.stats import recount_totals, refresh_streaks

from .helpers import ON_POSTGRES, TEST_DATABASE_URL, assert_schema_matches_models

# The tables as revision 0002 has them (not the models, which describe the newest revision).
USERS = sa.table(
    "users", sa.column("id", sa.Integer), sa.column("login", sa.String),
    sa.column("password_hash", sa.String), sa.column("time_zone", sa.String),
    sa.column("weekly_goal", sa.Integer), sa.column("cue_speech", sa.Boolean),
    sa.column("cue_beep", sa.Boolean), sa.column("cue_vibrate", sa.Boolean),
    sa.column("session_version", sa.Integer), sa.column("failed_logins", sa.Integer),
    sa.column("locked_until", sa.DateTime), sa.column("created_at", sa.DateTime),
)
COMPLETIONS = sa.table(
    "completions", sa.column("user_id", sa.Integer), sa.column("client_id", sa.String),
    sa.column("routine_slug", sa.String), sa.column("routine_title", sa.String),
    sa.column("areas", sa.String), sa.column("started_at", sa.DateTime),
    sa.column("ended_at", sa.DateTime), sa.column("time_zone", sa.String),
    sa.column("local_date", sa.Date), sa.column("steps_done", sa.Integer),
    sa.column("steps_total", sa.Integer), sa.column("seconds_done", sa.Integer),
    sa.column("finished", sa.Boolean), sa.column("created_at", sa.DateTime),
)
DAYS_OFF = sa.table(
    "days_off", sa.column("user_id", sa.Integer), sa.column("day", sa.Date),
    sa.column("kind", sa.String), sa.column("created_at", sa.DateTime),
)
CREATED = datetime(2025, 1, 1, 8, 0)
LOCKED_UNTIL = datetime(2099, 1, 1)


@pytest.fixture
def empty_app(tmp_path: Path, make_app) -> Iterator[Flask]:
    """An app on an empty database: a SQLite file, or a fresh schema on PostgreSQL."""
    if not ON_POSTGRES:
        yield make_app(tables=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
        return
    schema = f"limber_history_{os.getpid()}"
    url = normalise_database_url(TEST_DATABASE_URL)
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    app = make_app(
        tables=False, SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-c search_path={schema}"}},
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _user(uid: int, login: str, goal: int, failed: int = 0,
          locked: datetime | None = None) -> dict[str, Any]:
    return {"id": uid, "login": login, "password_hash": "x", "time_zone": "UTC",
            "weekly_goal": goal, "cue_speech": True, "cue_beep": True, "cue_vibrate": True,
            "session_version": 1, "failed_logins": failed, "locked_until": locked,
            "created_at": CREATED}


def _session(uid: int, n: int, day: date, seconds: int, finished: bool) -> dict[str, Any]:
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=7, minutes=n % 60)
    return {"user_id": uid, "client_id": f"00000000-0000-4000-8000-{n:012d}",
            "routine_slug": "calf-care", "routine_title": "Calf care", "areas": "calves",
            "started_at": start, "ended_at": start + timedelta(seconds=seconds),
            "time_zone": "UTC", "local_date": day, "steps_done": 4 if finished else 1,
            "steps_total": 4, "seconds_done": seconds, "finished": finished,
            "created_at": start}


def _history() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Return users, sessions and days off: hand-picked edge cases, then random histories."""
    users = [_user(1, "ann", 3, failed=4), _user(2, "bob", 1, locked=LOCKED_UNTIL),
             _user(3, "cat", 3), _user(4, "dee", 2)]
    d = date.fromisoformat
    sessions: list[tuple[int, date, int, bool]] = [
        # ann: two sessions on one day, a partial day bridged by a day off, a week wholly off
        # between two met weeks, an island of days off only, and a partial-only day.
        (1, d("2025-03-03"), 600, True), (1, d("2025-03-03"), 300, True),
        (1, d("2025-03-04"), 420, True), (1, d("2025-03-05"), 120, False),
        (1, d("2025-03-06"), 480, True), (1, d("2025-03-10"), 300, True),
        (1, d("2025-03-11"), 300, True), (1, d("2025-03-12"), 300, True),
        (1, d("2025-03-24"), 300, True), (1, d("2025-03-25"), 300, True),
        (1, d("2025-03-26"), 300, True), (1, d("2025-04-01"), 90, False),
        # bob: a goal of one, Sundays and the turn of the year.
        (2, d("2024-12-29"), 200, True), (2, d("2024-12-30"), 200, True),
        (2, d("2025-01-05"), 200, True), (2, d("2025-01-13"), 200, True),
        # dee: unfinished sessions only.
        (4, d("2025-02-01"), 100, False), (4, d("2025-02-02"), 50, False),
    ]
    off: list[tuple[int, date, str]] = [(1, d("2025-03-05"), "rest"), (1, d("2025-04-10"), "sick")]
    off += [(1, d("2025-03-17") + timedelta(days=i), "rest") for i in range(7)]
    rng = random.Random(20250303)
    first = d("2024-10-01")
    for uid in range(5, 13):
        users.append(_user(uid, f"u{uid}", rng.randint(1, 7)))
        for _ in range(rng.randint(0, 60)):
            sessions.append((uid, first + timedelta(days=rng.randint(0, 90)),
                             rng.randint(0, 1800), rng.random() < 0.8))
        for day in {first + timedelta(days=rng.randint(0, 95)) for _ in range(rng.randint(0, 12))}:
            off.append((uid, day, "rest"))
    completions = [_session(uid, n, day, secs, done)
                   for n, (uid, day, secs, done) in enumerate(sessions)]
    days_off = [{"user_id": uid, "day": day, "kind": kind, "created_at": CREATED}
                for uid, day, kind in off]
    return users, completions, days_off


def _at_0002_with_history(app: Flask) -> None:
    with app.app_context():
        upgrade(revision="0002")
        users, completions, days_off = _history()
        with db.engine.begin() as conn:
            conn.execute(sa.insert(USERS), users)
            conn.execute(sa.insert(COMPLETIONS), completions)
            conn.execute(sa.insert(DAYS_OFF), days_off)
        db.engine.dispose()


def _stored() -> dict[int, tuple[int, int, list[tuple[str, date, date, int]]]]:
    """Return each user's totals and streak runs as stored."""
    out = {}
    for user in db.session.execute(sa.select(User).order_by(User.id)).scalars():
        runs = db.session.execute(
            sa.select(StreakRun.kind, StreakRun.first, StreakRun.last, StreakRun.length)
            .where(StreakRun.user_id == user.id)
            .order_by(StreakRun.kind, StreakRun.first)
        ).all()
        out[user.id] = (user.finished_count, user.seconds_total, [tuple(r) for r in runs])
    return out


def _recomputed_by_the_app() -> dict[int, tuple[int, int, list[tuple[str, date, date, int]]]]:
    for user in db.session.execute(sa.select(User)).scalars():
        recount_totals(user)
        refresh_streaks(user)
    db.session.flush()
    return _stored()


def _assert_filled_like_the_app() -> None:
    stored = _stored()
    expected = _recomputed_by_the_app()
    db.session.rollback()
    assert stored == expected
    d = date.fromisoformat
    assert stored[1] == (10, 3810, [
        ("day", d("2025-03-03"), d("2025-03-06"), 3),
        ("day", d("2025-03-10"), d("2025-03-12"), 3),
        ("day", d("2025-03-17"), d("2025-03-26"), 3),
        ("week", d("2025-03-03"), d("2025-03-24"), 3),
    ])
    assert stored[3] == (0, 0, [])
    assert stored[4] == (0, 150, [])
    assert sum(len(runs) for _, _, runs in stored.values()) > 20  # the random users have runs


def test_upgrade_from_0002_fills_totals_and_runs_like_the_app(empty_app: Flask) -> None:
    _at_0002_with_history(empty_app)
    with empty_app.app_context():
        upgrade()
        _assert_filled_like_the_app()
        # Counts and locks are not carried over: a migration cannot compute the keyed hashes.
        assert db.session.execute(sa.select(LoginThrottle)).all() == []
        db.session.remove()
        db.engine.dispose()


def test_downgrade_to_0002_and_back_up(empty_app: Flask) -> None:
    _at_0002_with_history(empty_app)
    runner = empty_app.test_cli_runner()
    with empty_app.app_context():
        upgrade()
        # A lock taken after the upgrade is not matched back to its account on the way down.
        db.session.add(LoginThrottle(key=throttle_key("ann"), failures=0,
                                     locked_until=LOCKED_UNTIL, updated_at=CREATED))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    result = runner.invoke(args=["db", "downgrade", "0002"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        assert "streak_runs" not in names and "login_throttles" not in names
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT login, failed_logins, locked_until IS NOT NULL FROM users "
                "WHERE login IN ('ann', 'bob', 'cat') ORDER BY login")).all()
        assert [tuple(r) for r in rows] == [("ann", 0, False), ("bob", 0, False), ("cat", 0, False)]
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert_schema_matches_models()
        _assert_filled_like_the_app()
        db.session.remove()
        db.engine.dispose()
