"""Values and request bodies the test modules share (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from stretch_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "correct horse battery"
STATIC_CACHE = Path(tempfile.gettempdir()) / "limber-test-static-cache"
HTTPS = "https://localhost"

# Set to a PostgreSQL URL to run every test that uses the `app` fixture against that server
# (`make test-postgres` starts a throwaway one). Each pytest process gets its own schema.
TEST_DATABASE_URL = os.environ.get("LIMBER_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))


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
        # Shared by every test app: compressing static/ once per build, not once per test.
        "STATIC_CACHE_DIR": str(STATIC_CACHE),
    }
    config.update(overrides)
    return config


def sign_up(client: FlaskClient, login: str = "sam", password: str = PASSWORD,
            time_zone: str = "Europe/London") -> None:
    """Create an account through the sign-up form (which also signs in)."""
    response = client.post("/signup", data={"login": login, "password": password,
                                            "time_zone": time_zone})
    assert response.status_code == 302, response.get_data(as_text=True)


def completion_body(**changes: Any) -> dict[str, Any]:
    """Return a valid completion: ten minutes ago, in Europe/London, finished."""
    start = datetime.now(UTC) - timedelta(minutes=10)
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "routine": "calf-reset",
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(seconds=70)).isoformat(),
        "time_zone": "Europe/London",
        "steps_done": 2,
        "steps_total": 2,
        "seconds_done": 70,
        "finished": True,
    }
    data.update(changes)
    return data


def cramp_body(**change: Any) -> dict[str, Any]:
    """Return a valid cramp diary entry for the JSON API."""
    values: dict[str, Any] = {
        "occurred_at": "2025-02-01T22:15:00+01:00",
        "time_zone": "Europe/Paris",
        "location": "calf",
        "strength": 6,
        "duration_minutes": 2,
        "woke_me": True,
        "triggers": ["night"],
        "red_flags": [],
        "note": "a note",
    }
    values.update(change)
    return values


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, in a stable order (a checksum of the whole database)."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
        db.session.rollback()
        return out


def assert_schema_matches_models() -> None:
    """Assert the migrated database (in the app context) has exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    names = set(inspect(db.engine).get_table_names())
    assert {"users", "completions", "days_off", "cramp_entries"} <= names
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
