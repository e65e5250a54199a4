"""Configuration: defaults, then the environment, then the caller's overrides."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class StartupError(RuntimeError):
    """The app cannot start; the message says why in plain lines."""


class ConfigError(StartupError):
    """The configuration cannot work; the message says what to set."""


def available_languages(folder: Path) -> list[str]:
    """Return English and every language with interface translations in the folder."""
    found = sorted(p.parent.parent.name for p in folder.glob("*/LC_MESSAGES/messages.po"))
    return ["en", *(code for code in found if code != "en")]


def defaults(instance_path: Path) -> dict[str, Any]:
    """Return the built-in defaults (development, SQLite in the instance folder)."""
    return {
        "LIMBER_ENV": "development",
        "SECRET_KEY": None,  # nosec B105 # no secret here: it comes from the environment
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'limber.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "CONTENT_DIR": str(PROJECT_ROOT / "routines"),
        "STATIC_DIR": str(PROJECT_ROOT / "static"),
        # Interface (messages.po) and content (content.po) translations, one folder per language.
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        # The languages people can choose: English, then every folder of translations.
        "LANGUAGES": available_languages(PROJECT_ROOT / "translations"),
        # Compressed copies of static/, one folder per build: made once, then reused.
        "STATIC_CACHE_DIR": str(instance_path / "static-cache"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_IMPORT_LENGTH": 16 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "limber_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_NAME": "limber_remember",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "WTF_CSRF_TIME_LIMIT": 3600,
        "WTF_CSRF_SSL_STRICT": True,
        "LOGIN_MAX_FAILURES": 10,
        "LOGIN_LOCK_SECONDS": 15 * 60,
        "PASSWORD_METHOD": "pbkdf2:sha256:1000000",  # nosec B105 # a hash method name, not a password
        "DB_BUSY_TIMEOUT_MS": 5000,
        "SQLITE_SYNCHRONOUS": "NORMAL",
        # Sessions are permanent with an absolute lifetime (auth.py): re-sending the cookie on
        # every request would not extend it.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Flask-Migrate and the `flask db` commands; the WSGI entry point turns this off.
        "LIMBER_MIGRATIONS": True,
        # Signed-out catalog, routine, player and pose pages, per worker (views/common.py).
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 600,
        "CACHE_THRESHOLD": 500,
        # Web Push (reminders/push.py): the VAPID contact, the key (None: made once in the
        # instance folder), the send timeout, and whether a local receiver may stand in.
        "VAPID_SUBJECT": "mailto:limber@localhost",
        "VAPID_PRIVATE_KEY": None,
        "PUSH_TIMEOUT_S": 10,
        "PUSH_ALLOW_LOOPBACK": True,
    }


def from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    """Return the settings the environment gives (LIMBER_*, DATABASE_URL, SECRET_KEY)."""
    out: dict[str, Any] = {}
    if env.get("LIMBER_ENV"):
        out["LIMBER_ENV"] = env["LIMBER_ENV"].strip().lower()
    if env.get("SECRET_KEY"):
        out["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
    if env.get("LIMBER_CONTENT_DIR"):
        out["CONTENT_DIR"] = env["LIMBER_CONTENT_DIR"]
    if env.get("LIMBER_MAX_CONTENT_LENGTH"):
        try:
            out["MAX_CONTENT_LENGTH"] = int(env["LIMBER_MAX_CONTENT_LENGTH"])
        except ValueError as exc:
            raise ConfigError("LIMBER_MAX_CONTENT_LENGTH must be a whole number of bytes") from exc
    if env.get("LIMBER_DB_BUSY_TIMEOUT_MS", "").isdigit():  # e.g. short, to test lock errors
        out["DB_BUSY_TIMEOUT_MS"] = int(env["LIMBER_DB_BUSY_TIMEOUT_MS"])
    if env.get("LIMBER_SQLITE_SYNCHRONOUS"):
        value = env["LIMBER_SQLITE_SYNCHRONOUS"].strip().upper()
        if value not in {"NORMAL", "FULL"}:
            raise ConfigError("LIMBER_SQLITE_SYNCHRONOUS must be NORMAL or FULL")
        out["SQLITE_SYNCHRONOUS"] = value
    if env.get("LIMBER_VAPID_SUBJECT"):
        out["VAPID_SUBJECT"] = env["LIMBER_VAPID_SUBJECT"].strip()
    if env.get("LIMBER_VAPID_PRIVATE_KEY"):
        out["VAPID_PRIVATE_KEY"] = env["LIMBER_VAPID_PRIVATE_KEY"]
    return out


def normalise_database_url(url: str) -> str:
    """Point postgres:// and postgresql:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def apply_production_rules(config: dict[str, Any]) -> None:
    """Harden cookie settings in production and insist on an explicit secret key."""
    if config["LIMBER_ENV"] != "production":
        return
    if not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set when LIMBER_ENV=production")
    config["DEBUG"] = False
    config["PUSH_ALLOW_LOOPBACK"] = False
    config["SESSION_COOKIE_SECURE"] = True
    config["REMEMBER_COOKIE_SECURE"] = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only, path /.
    config["SESSION_COOKIE_NAME"] = "__Host-limber_session"
    config["REMEMBER_COOKIE_NAME"] = "__Host-limber_remember"


def development_secret(instance_path: Path) -> str:
    """Return the instance folder's secret key, creating it once."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
