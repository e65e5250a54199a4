"""SQLite settings, write transactions, and migrations matching the models."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from stretch_app import create_app
from stretch_app.database import WRITER_LOCK_SUFFIX, is_lock_error, write_transaction
from stretch_app.extensions import db

from .conftest import assert_schema_matches_models, make_config, sign_up


@pytest.mark.sqlite_only
def test_pragmas_on_every_connection(app: Flask) -> None:
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _begins(app: Flask, method: str) -> list[str]:
    seen: list[str] = []

    def trace(dbapi_connection, _record) -> None:  # noqa: ANN001
        # At the driver: the BEGIN is sent there, not through SQLAlchemy's statement events.
        dbapi_connection.set_trace_callback(
            lambda sql: seen.append(sql) if sql.startswith("BEGIN") else None)

    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "connect", trace)
    try:
        with app.test_request_context("/", method=method):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    finally:
        with app.app_context():
            event.remove(db.engine, "connect", trace)
            db.engine.dispose()
    return seen


@pytest.mark.sqlite_only
def test_writes_begin_immediate_and_reads_stay_deferred(app: Flask) -> None:
    assert _begins(app, "POST") == ["BEGIN IMMEDIATE"]
    assert _begins(app, "DELETE") == ["BEGIN IMMEDIATE"]
    assert _begins(app, "GET") == ["BEGIN"]


@pytest.mark.sqlite_only
def test_a_signed_in_write_takes_the_lock_only_for_its_writes(app: Flask) -> None:
    """The signed-in user is read outside the write transaction, so the write lock (BEGIN
    IMMEDIATE) is not held through the CSRF check, parsing and validation before the writes."""
    from .test_api_completions import body

    client = app.test_client()
    sign_up(client)
    seen: list[str] = []

    def record(statement: str) -> None:
        words = statement.split()
        if words[0] in ("BEGIN", "INSERT", "COMMIT") or "FROM users" in statement:
            seen.append(" ".join(words[:3]) if words[0] != "SELECT" else "SELECT user")

    def trace(dbapi_connection, _record) -> None:  # noqa: ANN001
        # At the driver: the user's row is read with a driver-level query SQLAlchemy's
        # statement events do not see.
        dbapi_connection.set_trace_callback(record)

    with app.app_context():
        db.engine.dispose()  # every connection from here on is a new, traced one
        event.listen(db.engine, "connect", trace)
    try:
        assert client.post("/api/completions", json=body()).status_code == 201
    finally:
        with app.app_context():
            event.remove(db.engine, "connect", trace)
            db.engine.dispose()
    assert seen[:3] == ["SELECT user", "BEGIN IMMEDIATE", "INSERT INTO completions"]
    assert seen[-1] == "COMMIT"


def _lock_is_free(engine: Engine) -> bool:
    fd = os.open(str(engine.url.database) + WRITER_LOCK_SUFFIX, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also drops the lock if it was taken
    return True


@pytest.fixture
def traced_engine(app: Flask) -> Iterator[tuple[Engine, list[tuple[int, str]]]]:
    """The app's engine with every statement its connections run logged at the driver."""
    log: list[tuple[int, str]] = []

    def trace(dbapi_connection, _record) -> None:  # noqa: ANN001
        key = id(dbapi_connection)
        dbapi_connection.set_trace_callback(lambda sql: log.append((key, sql.split()[0])))

    with app.app_context():
        engine = db.engine
        engine.dispose()
        event.listen(engine, "connect", trace)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (n INTEGER)")
        log.clear()
        yield engine, log
        event.remove(engine, "connect", trace)
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_second_writer_waits_its_turn_before_beginning(traced_engine) -> None:  # noqa: ANN001
    """The second writer does not start BEGIN IMMEDIATE (and sleep in SQLite's busy handler,
    1, 2, 5 ... ms at a time) while the first holds the write: it begins after the commit."""
    engine, log = traced_engine
    first = engine.connect()
    first.begin()  # outside a request: a write transaction
    first.exec_driver_sql("INSERT INTO scratch VALUES (1)")
    assert not _lock_is_free(engine)
    waiting = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            waiting.set()
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO scratch VALUES (2)")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    waiting.wait(5)
    time.sleep(0.2)
    assert thread.is_alive()  # still waiting ...
    assert [sql for _, sql in log].count("BEGIN") == 1  # ... before its own BEGIN
    first.commit()
    first.close()
    thread.join(10)
    assert not thread.is_alive() and errors == []
    first_id = log[0][0]
    second_begin = next(i for i, (key, sql) in enumerate(log) if sql == "BEGIN" and key != first_id)
    assert log.index((first_id, "COMMIT")) < second_begin
    assert _lock_is_free(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM scratch ORDER BY n").scalars().all() == [1, 2]


@pytest.mark.sqlite_only
def test_the_writer_lock_is_given_back_on_rollback_error_and_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(make_config(tmp_path, DB_BUSY_TIMEOUT_MS=100))
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
        # A failed statement, then the rollback: the lock is free again.
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO scratch VALUES (1), (1)")
        assert _lock_is_free(engine)
        # A writer that waited past the busy timeout gets a lock error and holds nothing.
        holder = engine.connect()
        holder.begin()
        holder.exec_driver_sql("INSERT INTO scratch VALUES (2)")
        with pytest.raises(OperationalError) as waited, engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO scratch VALUES (3)")
        assert is_lock_error(waited.value)
        holder.rollback()
        holder.close()
        assert _lock_is_free(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO scratch VALUES (4)")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM scratch").scalars().all() == [4]
        engine.dispose()


@pytest.mark.sqlite_only
def test_writes_go_on_when_the_lock_file_cannot_be_opened(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """The queue only saves waiting: without its file, SQLite's busy handler is left."""
    with app.app_context():
        engine = db.engine
        engine.dispose()
        lock = Path(str(engine.url.database) + WRITER_LOCK_SUFFIX)
        lock.unlink(missing_ok=True)
        lock.mkdir()  # cannot be opened as a file
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (n INTEGER)")
            conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM scratch").scalars().all() == [1]
        engine.dispose()
    assert "writer queue off" in caplog.text


def test_migrations_create_the_schema_the_models_describe(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db"))
    with app.app_context():
        upgrade()
        assert_schema_matches_models()
        db.engine.dispose()


def test_healthz_answers_503_when_database_is_unreachable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    missing = tmp_path / "no-such-dir" / "x.db"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


@pytest.mark.sqlite_only
def test_write_transaction_commits_or_rolls_back_and_lets_the_next_writer_in(app: Flask) -> None:
    """The completion's own transaction: all or nothing, and the writer lock given back."""
    with app.app_context():
        app.config["DB_BUSY_TIMEOUT_MS"] = 300  # a lock kept by mistake would fail the last write
        with write_transaction(db.engine) as driver:
            driver.cursor().execute("CREATE TABLE scratch (n INTEGER)")
            driver.cursor().execute("INSERT INTO scratch VALUES (1)")
        with pytest.raises(RuntimeError), write_transaction(db.engine) as driver:
            driver.cursor().execute("INSERT INTO scratch VALUES (2)")
            raise RuntimeError("the request failed half-way")
        with write_transaction(db.engine) as driver:
            driver.cursor().execute("INSERT INTO scratch VALUES (3)")
        with db.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT n FROM scratch ORDER BY n").scalars().all()
        assert stored == [1, 3]
