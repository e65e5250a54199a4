"""Reliability at the database: held locks, lost responses, concurrent retries, shared counts.

The same checks under gunicorn with 4 workers live in benchmarks/reliability (`make test-load`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from stretch_app.config import from_environment, normalise_database_url
from stretch_app.extensions import db
from stretch_app.models import Completion, CrampEntry, DayOff, User

from .helpers import (
    ON_POSTGRES,
    PASSWORD,
    TEST_DATABASE_URL,
    assert_schema_matches_models,
    sign_up,
)
from .helpers import completion_body as body

BUSY_MS = 200


def _rows(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.execute(select(func.count(model.id))).scalar_one()
            for model in (User, Completion, DayOff, CrampEntry)
        }


# ---- test 22: a database held locked past the busy timeout -------------------------------------


@pytest.fixture
def short_timeout_app(make_app) -> Flask:
    """A SQLite app (whatever the `app` fixture uses) that gives up on a lock after 200 ms."""
    # None: the default file in the instance folder, even when the suite runs on PostgreSQL.
    return make_app(SQLALCHEMY_DATABASE_URI=None, SQLALCHEMY_ENGINE_OPTIONS=None,
                    env={"LIMBER_DB_BUSY_TIMEOUT_MS": str(BUSY_MS)})


@contextmanager
def held_lock(app: Flask) -> Iterator[None]:
    """Hold the database as another process would: BEGIN EXCLUSIVE with a write pending."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE users SET weekly_goal = weekly_goal")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_busy_timeout_comes_from_the_environment(short_timeout_app: Flask) -> None:
    assert from_environment({"LIMBER_DB_BUSY_TIMEOUT_MS": "250"})["DB_BUSY_TIMEOUT_MS"] == 250
    assert "DB_BUSY_TIMEOUT_MS" not in from_environment({"LIMBER_DB_BUSY_TIMEOUT_MS": "soon"})
    with short_timeout_app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_MS


def test_held_lock_gives_503_with_retry_after_and_writes_nothing(
    short_timeout_app: Flask,
) -> None:
    app = short_timeout_app
    client = app.test_client()
    sign_up(client)
    data = body()
    before = _rows(app)
    with held_lock(app):
        began = time.monotonic()
        response = client.post("/api/completions", json=data)
        elapsed = time.monotonic() - began
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert response.get_json()["error"]["code"] == "busy"
        assert elapsed < 5  # gave up after the busy timeout, did not hang
        # Reads go on meanwhile (WAL).
        assert client.get("/api/stats").status_code == 200
        # A multi-row write fails whole, too.
        doc = client.get("/api/export").get_json()
        doc["completions"] = [
            {**body(), "routine_title": "x", "local_date": "2025-01-01"} for _ in range(3)
        ]
        assert client.post("/api/import", json=doc).status_code == 503
        # Forms get a page, not a traceback.
        page = client.post("/settings", data={"time_zone": "UTC", "weekly_goal": "4"})
        assert page.status_code == 503 and "Retry-After" in page.headers
        assert "Traceback" not in page.get_data(as_text=True)
    assert _rows(app) == before
    # The client kept the item queued: its retry after the lock is stored once.
    assert client.post("/api/completions", json=data).status_code == 201
    assert client.post("/api/completions", json=data).status_code == 200
    assert _rows(app)["completions"] == before["completions"] + 1


def test_a_write_of_this_app_held_past_the_busy_timeout_gives_503_too(
    short_timeout_app: Flask,
) -> None:
    """Writers of the app queue on its writer lock file before SQLite's lock: that wait ends
    at the busy timeout as well, with the same 503, and the lock is free afterwards."""
    app = short_timeout_app
    client = app.test_client()
    sign_up(client)
    data = body()
    before = _rows(app)
    with app.app_context(), db.engine.connect() as holder:
        holder.begin()  # outside a request: a write transaction, queued like any other
        holder.exec_driver_sql("UPDATE users SET weekly_goal = weekly_goal")
        began = time.monotonic()
        response = client.post("/api/completions", json=data)
        assert time.monotonic() - began < 5
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert response.get_json()["error"]["code"] == "busy"
        holder.rollback()
    assert _rows(app) == before
    assert client.post("/api/completions", json=data).status_code == 201
    assert _rows(app)["completions"] == before["completions"] + 1


def test_a_lock_that_stops_reads_gives_a_signed_in_request_503_not_500(
    short_timeout_app: Flask,
) -> None:
    """The signed-in user's row is read outside the ORM: when even that read is locked out (a
    process holding the database in exclusive locking mode as a worker starts), the request
    still gets the contract's 503, not a server error."""
    app = short_timeout_app
    client = app.test_client()
    sign_up(client)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with app.app_context():
        db.engine.dispose()  # exclusive locking needs the file to itself: a worker starting up
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE users SET weekly_goal = weekly_goal")
        response = client.get("/api/stats")
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "busy"
        assert int(response.headers["Retry-After"]) > 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/api/stats").status_code == 200


def test_held_lock_at_sign_in_is_503_not_a_failed_attempt(short_timeout_app: Flask) -> None:
    app = short_timeout_app
    client = app.test_client()
    sign_up(client)
    client.post("/logout", data={})
    with held_lock(app):
        response = client.post("/login", data={"login": "sam", "password": "wrong password"})
        assert response.status_code == 503 and "Retry-After" in response.headers
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM login_throttles")).scalar_one() == 0
    assert client.post("/login", data={"login": "sam", "password": PASSWORD}).status_code == 302


# ---- test 21: the response is lost after the commit; the client retries -----------------------


def test_lost_response_retry_is_200_and_one_row(app: Flask, user_client: FlaskClient) -> None:
    data = body()
    user_client.post("/api/completions", json=data)  # committed; the answer never arrives
    for _ in range(3):
        retry = user_client.post("/api/completions", json=data)
        assert retry.status_code == 200
        assert retry.get_json()["id"] == data["id"]
    with app.app_context():
        rows = db.session.execute(
            select(func.count(Completion.id)).where(Completion.client_id == data["id"])
        ).scalar_one()
    assert rows == 1


# ---- test 18 in miniature: concurrent retries of the same ids ----------------------------------


def test_concurrent_posts_of_the_same_ids_make_one_row_each(app: Flask) -> None:
    client = app.test_client()
    sign_up(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    items = [body(id=str(uuid.uuid4())) for _ in range(25)]
    statuses: Counter[int] = Counter()
    barrier = threading.Barrier(4)
    lock = threading.Lock()

    def post_all() -> None:
        mine = app.test_client()
        mine.set_cookie(cookie.key, cookie.value)
        barrier.wait(timeout=30)
        for item in items:
            code = mine.post("/api/completions", json=item).status_code
            with lock:
                statuses[code] += 1

    threads = [threading.Thread(target=post_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses[201] == 25 and statuses[200] == 75, statuses
    assert _rows(app)["completions"] == 25


# ---- test 4 in miniature: failed sign-ins are counted in the database, not per worker ----------


def test_failed_sign_ins_count_across_workers(app: Flask, make_app) -> None:
    # A second app on the same database plays a second gunicorn worker.
    other = make_app(
        tables=False,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    try:
        sign_up(app.test_client(), "ann")
        sign_up(app.test_client(), "bob")
        workers = [app.test_client(), other.test_client()]
        for attempt in range(10):
            response = workers[attempt % 2].post(
                "/login", data={"login": "ann", "password": "wrong password"})
            assert response.status_code == 401
        for worker in workers:
            locked = worker.post("/login", data={"login": "ann", "password": PASSWORD})
            assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
            fine = worker.post("/login", data={"login": "bob", "password": PASSWORD})
            assert fine.status_code == 302
            worker.post("/logout", data={})
    finally:
        with other.app_context():
            db.engine.dispose()


# ---- test 25: the migrations build the models' schema on PostgreSQL too -----------------------


@pytest.mark.skipif(not ON_POSTGRES, reason="needs LIMBER_TEST_DATABASE_URL (make test-postgres)")
def test_migrations_match_the_models_on_postgres(tmp_path: Path, make_app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine

    schema = f"limber_migrate_{os.getpid()}"
    url = normalise_database_url(TEST_DATABASE_URL)
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    app = make_app(
        tables=False, SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-c search_path={schema}"}},
    )
    try:
        with app.app_context():
            upgrade()
            assert_schema_matches_models()
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
