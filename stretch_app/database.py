"""Database set-up: SQLite by SQLAlchemy's pysqlite recipe, dialect-aware inserts, lock errors."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_read_first: ContextVar[bool] = ContextVar("read_first", default=False)


def is_sqlite(app: Flask) -> bool:
    """Tell whether the app's database is SQLite."""
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")


def configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    """Apply WAL, busy timeout and foreign keys on every connection; BEGIN IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not _is_memory(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails with "database is locked"
        # (or loses updates) when another writer got in between, so requests that may write
        # take the write lock up front; reads stay deferred and run beside a writer (WAL).
        writing = (has_request_context() and request.method not in READ_ONLY_METHODS
                   and not _read_first.get())
        if writing:
            _begin_immediate(connection, busy_timeout_ms)
        else:
            connection.exec_driver_sql(BEGIN_READ)


BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN"
WRITE_LOCK_POLL_S = 0.001


def _begin_immediate(connection: Any, busy_timeout_ms: int) -> None:
    """Take the write lock, asking for it every millisecond until the busy timeout."""
    # SQLite's own busy handler backs off to 100 ms sleeps, so under a steady stream of
    # writes a waiting worker keeps missing the moments the lock is free.
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + busy_timeout_ms / 1000
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute(BEGIN_WRITE)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
            time.sleep(WRITE_LOCK_POLL_S)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    connection.exec_driver_sql(BEGIN_WRITE)  # one last try, raising SQLAlchemy's lock error


@contextmanager
def read_before_writing() -> Iterator[None]:
    """Run a writing request's opening reads in their own transaction, without the write lock."""
    # Waiting writers poll SQLite's lock with growing sleeps, so a lock held for the whole
    # request starves them; holding it only for the request's own work keeps waits short.
    writing = has_request_context() and request.method not in READ_ONLY_METHODS
    if not writing or db.session().in_transaction():
        yield
        return
    token = _read_first.set(True)
    try:
        yield
        db.session.commit()  # ends the read; what it loaded stays loaded
    finally:
        _read_first.reset(token)


def insert_for(table: Any) -> Any:
    """Return an INSERT for the session's dialect, which has on_conflict_do_* methods."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def _is_memory(engine: Engine) -> bool:
    database = engine.url.database
    return not database or database == ":memory:" or "mode=memory" in str(engine.url)


def is_lock_error(exc: BaseException) -> bool:
    """Tell whether an error means the database stayed locked past the busy timeout."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy to the app and configure its engine for the chosen database."""
    db.init_app(app)
    if is_sqlite(app):
        with app.app_context():
            configure_sqlite(
                db.engine, app.config["DB_BUSY_TIMEOUT_MS"], app.config["SQLITE_SYNCHRONOUS"]
            )
