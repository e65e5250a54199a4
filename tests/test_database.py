"""SQLite settings, write transactions, and migrations matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, text

from stretch_app import create_app
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

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.test_request_context("/", method=method):
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
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
