"""Shared fixtures: an app on a temporary database, its client and CLI runner, a user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from stretch_app import create_app
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


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "LIMBER_ENV", "LIMBER_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(make_config(tmp_path))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
