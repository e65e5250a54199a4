"""Configuration: defaults, environment, test overrides, and the production rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from stretch_app import create_app
from stretch_app.config import ConfigError, normalise_database_url

from .helpers import make_config


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "LIMBER_ENV", "LIMBER_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LIMBER_ENV", "production")
    config = make_config(tmp_path)
    del config["SECRET_KEY"]
    with pytest.raises(ConfigError, match="^SECRET_KEY must be set when LIMBER_ENV=production$"):
        create_app(config)


def test_production_hardens_cookies(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LIMBER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    config = make_config(tmp_path)
    del config["SECRET_KEY"]
    app = create_app(config)
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.debug is False


def test_development_secret_is_generated_once(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    del config["SECRET_KEY"]
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(dict(config)).config["SECRET_KEY"]
    assert len(first) == 64 and first == second
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_environment_then_overrides(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    config = make_config(tmp_path)
    del config["SQLALCHEMY_DATABASE_URI"]
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.db'}"
    app = create_app(make_config(tmp_path))  # an explicit override wins over the environment
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'test.db'}"


def test_default_database_is_in_instance_folder(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    del config["SQLALCHEMY_DATABASE_URI"]
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'limber.db'}"
    )


def test_request_body_limit_is_set(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path))
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_database_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_bad_content_stops_the_app(tmp_path: Path) -> None:
    from stretch_app.catalog import ContentError

    with pytest.raises(ContentError, match="folder: not found"):
        create_app(make_config(tmp_path, CONTENT_DIR=str(tmp_path / "missing")))
