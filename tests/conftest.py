"""Shared fixtures: an app on a temporary database, its client and CLI runner, a user."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from stretch_app import create_app
from stretch_app.config import normalise_database_url
from stretch_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "correct horse battery"


def make_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    """Return test settings: a file database in tmp_path, fixture content, fast hashing."""
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "WTF_CSRF_ENABLED": False,
        # Production uses 1,000,000 iterations; tests that care set it back.
        "PASSWORD_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return config


# Set to a PostgreSQL URL to run every test that uses the `app` fixture against that server
# (`make test-postgres` starts a throwaway one). Each pytest process gets its own schema.
TEST_DATABASE_URL = os.environ.get("LIMBER_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))

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


def _test_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> Iterator[Flask]:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "LIMBER_ENV", "LIMBER_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    overrides = _postgres_settings() if ON_POSTGRES else {}
    app = create_app(make_config(tmp_path, **overrides, **settings))
    with app.app_context():
        if ON_POSTGRES:
            _fresh_postgres_tables(app)
        else:
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    yield from _test_app(tmp_path, monkeypatch)


@pytest.fixture
def csrf_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app with CSRF checks on, as in production (the other fixtures turn them off)."""
    yield from _test_app(tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as client:
        yield client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def sign_up(client: FlaskClient, login: str = "sam", password: str = PASSWORD,
            time_zone: str = "Europe/London") -> None:
    """Create an account through the sign-up form (which also signs in)."""
    response = client.post("/signup", data={"login": login, "password": password,
                                            "time_zone": time_zone})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def user_client(client: FlaskClient) -> Iterator[FlaskClient]:
    """A client signed in as a fresh user 'sam' in Europe/London."""
    sign_up(client)
    yield client


def assert_schema_matches_models() -> None:
    """Assert the migrated database (in the app context) has exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    names = set(inspect(db.engine).get_table_names())
    assert {"users", "completions", "days_off", "cramp_entries"} <= names
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
