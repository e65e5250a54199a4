"""Fixtures: a make_app factory on a temporary database, the app, its client and runner, a user."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from stretch_app import create_app
from stretch_app.config import normalise_database_url
from stretch_app.extensions import db

from .helpers import ON_POSTGRES, TEST_DATABASE_URL, make_config, sign_up

sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="SQLite-only behaviour (pragmas, BEGIN IMMEDIATE, file database)"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: tests of SQLite-specific behaviour")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("sqlite_only") is not None:
            item.add_marker(sqlite_only)


def _postgres_settings() -> dict[str, object]:
    """Return settings putting this pytest process's tables in a schema of its own."""
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    schema = f"limber_test_{worker}_{os.getpid()}"
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(TEST_DATABASE_URL),
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-c search_path={schema}"}},
        "LIMBER_TEST_SCHEMA": schema,
    }


_schemas_ready: set[str] = set()


def _fresh_postgres_tables(app: Flask) -> None:
    """Create this process's schema and tables once, then empty them before every test."""
    schema = app.config["LIMBER_TEST_SCHEMA"]
    with db.engine.begin() as conn:
        if schema not in _schemas_ready:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        else:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    if schema not in _schemas_ready:
        db.create_all()
        _schemas_ready.add(schema)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema() -> Iterator[None]:
    yield
    if not ON_POSTGRES or not _schemas_ready:
        return
    from sqlalchemy import create_engine

    engine = create_engine(normalise_database_url(TEST_DATABASE_URL))
    with engine.begin() as conn:
        for schema in _schemas_ready:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any],
            env: dict[str, str], tables: bool) -> Flask:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "LIMBER_ENV", "LIMBER_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    postgres = ON_POSTGRES and "SQLALCHEMY_DATABASE_URI" not in settings
    overrides = _postgres_settings() if postgres else {}
    config = make_config(tmp_path, **overrides)
    config.update(settings)
    app = create_app({k: v for k, v in config.items() if v is not None})
    if tables:
        with app.app_context():
            if postgres:
                _fresh_postgres_tables(app)
            else:
                db.create_all()
    return app


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """Return a factory of test apps: make_app(**config, env={...}, tables=True).

    A setting given as None is left to the app's own defaults and environment; tables=False
    leaves the database empty (for migrations).
    """
    made: list[Flask] = []

    def factory(env: dict[str, str] | None = None, tables: bool = True, **settings: Any) -> Flask:
        app = _create(tmp_path, monkeypatch, settings, env or {}, tables)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def csrf_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with CSRF checks on, as in production (the other fixtures turn them off)."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def production(make_app: Callable[..., Flask]) -> Flask:
    """The app as `LIMBER_ENV=production` configures it (a test database, fast hashing)."""
    return make_app(SECRET_KEY=None, env={
        "LIMBER_ENV": "production",
        "SECRET_KEY": "a production secret for tests",
        "FLASK_DEBUG": "1",  # must not win over production
    })


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as client:
        yield client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def user_client(client: FlaskClient) -> Iterator[FlaskClient]:
    """A client signed in as a fresh user 'sam' in Europe/London."""
    sign_up(client)
    yield client
