"""Authentication services: password hashing, per-account throttling, session versions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login_manager
from .models import User, utcnow

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def normalise_login(value: str) -> str:
    """Return the canonical form of a username or email (trimmed, case-folded)."""
    return value.strip().casefold()


def hash_password(password: str) -> str:
    """Hash a password with the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_METHOD"])


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    return None


@dataclass(frozen=True)
class LoginResult:
    """What a sign-in attempt came to."""

    user: User | None
    locked: bool = False
    retry_after: int = 0


# Made ahead for the production method, so that the first unknown-name attempt on a fresh
# worker costs one hash like every other attempt (making it there took a second hash).
_READY_DUMMY_HASHES = {
    "pbkdf2:sha256:1000000": "pbkdf2:sha256:1000000$3UQKcLUW50Zg15Il$"
    "99ba574b77b06fc50ef850a4c2a2bc28805ee425546c1ebf106dce72faf6931d",
}


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("limber_dummy_hash", dict(_READY_DUMMY_HASHES))
    method = current_app.config["PASSWORD_METHOD"]
    if method not in cache:
        cache[method] = generate_password_hash("not a real password", method=method)
    return cache[method]


def authenticate(login: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check credentials, counting failures per account and refusing locked accounts."""
    now = now or utcnow()
    user = db.session.execute(
        db.select(User).where(User.login == normalise_login(login))
    ).scalar_one_or_none()
    stored = None if user is None else (user.password_hash, user.locked_until)
    # End the read before the slow hash: on SQLite a POST's transaction holds the database's
    # write lock (BEGIN IMMEDIATE), and hashing under it stalls every other write and sign-in.
    db.session.rollback()
    if user is None or stored is None:
        # Same work as a real check, so timing does not tell which accounts exist.
        check_password_hash(_dummy_hash(), password)
        return LoginResult(None)
    if stored[1] is not None and stored[1] > now:
        return LoginResult(None, locked=True, retry_after=_seconds_until(stored[1], now))
    matches = check_password_hash(stored[0], password)
    db.session.refresh(user)  # a new transaction: another worker may have locked it meanwhile
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(None, locked=True, retry_after=_seconds_until(user.locked_until, now))
    if matches:
        user.failed_logins = 0
        user.locked_until = None
        if _needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return LoginResult(user)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    # One UPDATE, so concurrent failures from several workers all count.
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
    )
    db.session.refresh(user)
    if user.failed_logins >= limit:
        user.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
        user.failed_logins = 0
    return LoginResult(None)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()))


def _needs_rehash(stored: str) -> bool:
    return not stored.startswith(current_app.config["PASSWORD_METHOD"] + "$")


def end_all_sessions(user: User) -> None:
    """Invalidate every cookie issued for this user (it must be committed to take effect)."""
    user.session_version = user.session_version + 1


def start_session() -> None:
    """Mark the session's start, for the absolute lifetime check."""
    session["started"] = int(time.time())
    session.permanent = True


def init_auth(app: Flask) -> None:
    """Wire Flask-Login: user loading with session versions, and the absolute lifetime."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        try:
            raw_id, raw_version = user_id.split(":", 1)
            uid, version = int(raw_id), int(raw_version)
        except ValueError:
            return None
        user = db.session.get(User, uid)
        if user is None or user.session_version != version:
            return None
        return user

    @login_manager.unauthorized_handler
    def _unauthorized() -> Any:
        if request.path.startswith("/api/"):
            body = {"error": {"code": "unauthorized", "message": "Sign in first."}}
            return jsonify(body), 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _absolute_lifetime() -> None:
        started = session.get("started")
        limit = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        if started is not None and (not isinstance(started, int) or time.time() - started > limit):
            logout_user()
            session.clear()
        elif started is None and current_user.is_authenticated:
            # Restored from a remember cookie: a new session starts now.
            start_session()
