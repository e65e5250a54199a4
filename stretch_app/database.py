"""Database engine set-up: SQLite pragmas, BEGIN IMMEDIATE for writes, lock errors."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from .extensions import db

logger = logging.getLogger(__name__)

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_sqlite(app: Flask) -> bool:
    """Tell whether the app's database is SQLite."""
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")


WRITER_LOCK_SUFFIX = ".writer-lock"
_FIRST_PAUSE = 0.00005  # seconds; doubled after each try up to _LONGEST_PAUSE
_LONGEST_PAUSE = 0.001


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions wait their turn on a lock file."""

    # SQLite's busy handler sleeps 1, 2, 5, 10 ... ms between tries, while a write here holds
    # the lock for a fraction of a millisecond: under a write load, waiting workers slept and
    # a quarter of the CPU sat idle (benchmarks/README.md). Writers of this app first take an
    # exclusive flock on a file beside the database and try it again after 0.05, 0.1, 0.2 ...
    # (at most 1) ms, so they start soon after the one before them commits. The kernel drops
    # the flock of a killed process. SQLite's own locks still decide correctness: a program
    # that skips the file meets SQLite's busy timeout as before.
    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        name = os.fspath(database)
        memory = name in ("", ":memory:") or kwargs.get("uri") or name.startswith("file:")
        self._lock_path = None if memory else name + WRITER_LOCK_SUFFIX
        self._lock_fd = -1
        self._holding = False

    def take_writer_lock(self, timeout: float) -> None:
        """Wait up to timeout seconds for the writer lock, else raise a lock error."""
        if self._lock_path is None or self._holding:
            return
        if self._lock_fd < 0:
            try:
                # Read-only is enough for flock, so a file another account created still opens.
                self._lock_fd = os.open(self._lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC,
                                        0o644)
            except OSError as exc:
                logger.warning("writer queue off for this connection: %s", exc)
                self._lock_path = None  # SQLite's busy handler alone, as without the queue
                return
        deadline = time.monotonic() + timeout
        pause = _FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError(
                        "database is locked (another write held it past the busy timeout)"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)
            else:
                self._holding = True
                return

    def give_back_writer_lock(self) -> None:
        """Release the writer lock if this connection holds it."""
        if self._holding:
            self._holding = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        """Commit, then let the next writer in."""
        try:
            super().commit()
        finally:
            self.give_back_writer_lock()

    def rollback(self) -> None:
        """Roll back, then let the next writer in."""
        try:
            super().rollback()
        finally:
            self.give_back_writer_lock()

    def close(self) -> None:
        """Close the connection and its lock file."""
        self.give_back_writer_lock()
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1
        super().close()


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
        # (or loses updates) when another writer got in between; writes must lock up front.
        # Requests that cannot change state keep cheap deferred reads, and so does the error
        # page after a lock error (it reads the signed-in user; WAL lets reads through).
        driver = connection.connection.driver_connection
        if has_request_context() and (
            request.method in READ_ONLY_METHODS or g.get("limber_reads_only")
        ):
            _run(driver, "BEGIN")
            return
        begin_immediate(driver, busy_timeout_ms)


def begin_immediate(driver: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Wait for the writer lock (connections of this app), then BEGIN IMMEDIATE."""
    queued = isinstance(driver, QueuedWriterConnection)
    try:
        if queued:
            try:
                driver.take_writer_lock(busy_timeout_ms / 1000)
            except sqlite3.OperationalError as exc:
                raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc
        _run(driver, "BEGIN IMMEDIATE")
    except BaseException:
        if queued:
            driver.give_back_writer_lock()
        raise


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Any]:
    """Yield a pooled driver connection in a write transaction; commit at the end, or roll back."""
    # For the hottest write (a finished routine), without SQLAlchemy's Connection, whose
    # transaction and events cost 0.02-0.03 ms a write here. Begun as every write through
    # SQLAlchemy is (configure_sqlite: the writer queue, then BEGIN IMMEDIATE; PostgreSQL's
    # driver begins by itself); errors come out as SQLAlchemy's classes, so a lock is a 503.
    dialect = engine.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    try:
        raw = engine.raw_connection()
    except dbapi_error as exc:
        raise DBAPIError.instance("connect", None, exc, dbapi_error, dialect=dialect) from exc
    try:
        driver = raw.driver_connection
        if dialect.name == "sqlite":
            begin_immediate(driver, current_app.config["DB_BUSY_TIMEOUT_MS"])
        try:
            yield driver
            try:
                driver.commit()
            except dbapi_error as exc:
                raise DBAPIError.instance("COMMIT", None, exc, dbapi_error,
                                          dialect=dialect) from exc
        except BaseException:
            with suppress(dbapi_error):  # the error that got here is the one to report
                driver.rollback()
            raise
    finally:
        raw.close()


def _run(driver: sqlite3.Connection, statement: str) -> None:
    # Straight to the driver: through exec_driver_sql each BEGIN cost an execution context
    # (about 0.02 ms of every write). Errors are SQLAlchemy's classes, as the handlers expect.
    try:
        driver.execute(statement)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc


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
    if is_sqlite(app):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"factory": QueuedWriterConnection,
                                   **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    if is_sqlite(app):
        with app.app_context():
            configure_sqlite(
                db.engine, app.config["DB_BUSY_TIMEOUT_MS"], app.config["SQLITE_SYNCHRONOUS"]
            )
