"""SQLite settings, BEGIN IMMEDIATE for writing requests, and migrations matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, text

from stretch_app.extensions import db

from .helpers import assert_schema_matches_models


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


def test_migrations_create_the_schema_the_models_describe(tmp_path: Path, make_app) -> None:
    app = make_app(tables=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    with app.app_context():
        upgrade()
        assert_schema_matches_models()
        db.engine.dispose()


def test_healthz_answers_503_when_database_is_unreachable(tmp_path: Path, make_app) -> None:
    missing = tmp_path / "no-such-dir" / "x.db"
    app = make_app(tables=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
