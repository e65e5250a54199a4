"""Authentication services: password hashing, per-name sign-in throttling, session versions."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import case, delete, or_, update
from werkzeug.security import check_password_hash, generate_password_hash

from .database import insert_for, read_before_writing
from .extensions import db, login_manager
from .models import LoginThrottle, User, utcnow

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# How long a name's failures are remembered after its last one (see _count_failure).
THROTTLE_MEMORY = timedelta(days=1)


def normalise_login(value: str) -> str:
    """Return the canonical form of a username or email (trimmed, case-folded)."""
    return value.strip().casefold()


def hash_password(password: str) -> str:
    """Hash a password with the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_METHOD"])


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return _("Use at least %(num)s characters.", num=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("Use at most %(num)s characters.", num=MAX_PASSWORD)
    return None


@dataclass(frozen=True)
class LoginResult:
    """What a sign-in attempt came to."""

    user: User | None
    locked: bool = False
    retry_after: int = 0


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("limber_dummy_hash", {})
    method = current_app.config["PASSWORD_METHOD"]
    if method not in cache:
        cache[method] = generate_password_hash("not a real password", method=method)
    return cache[method]


def authenticate(login: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check credentials, counting failures per name (known or not) and refusing locked names."""
    now = now or utcnow()
    key = throttle_key(login)
    user = db.session.execute(
        db.select(User).where(User.login == normalise_login(login))
    ).scalar_one_or_none()
    stored = None if user is None else user.password_hash
    locked_until = db.session.execute(
        db.select(LoginThrottle.locked_until).where(LoginThrottle.key == key)
    ).scalar()
    # End the read before the slow hash: on SQLite a POST's transaction holds the database's
    # write lock (BEGIN IMMEDIATE), and hashing under it stalls every other write and sign-in.
    db.session.rollback()
    if locked_until is not None and locked_until > now:
        return _locked(locked_until, now)
    # An unknown name is checked against a dummy hash: the same work as a real check, so
    # timing does not tell which accounts exist.
    matches = check_password_hash(_dummy_hash() if stored is None else stored, password)
    if user is None or stored is None or not matches:
        return _count_failure(key, now)
    new_hash = hash_password(password) if _needs_rehash(stored) else None
    # A new (write) transaction from here. Another worker may have locked the name while this
    # one hashed: only an unlocked row is cleared, and a lock still there wins.
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key, _lock_over(now)))
    locked_until = db.session.execute(
        db.select(LoginThrottle.locked_until).where(LoginThrottle.key == key)
    ).scalar()
    if locked_until is not None and locked_until > now:
        return _locked(locked_until, now)
    if new_hash is not None:
        user.password_hash = new_hash
    return LoginResult(user)


def throttle_key(login: str) -> str:
    """Return the key sign-in failures are counted under: a keyed hash of the normalised name."""
    # Whatever was typed in the name box is counted, known name or not, and that is sometimes a
    # password typed in the wrong box: the table keeps only an HMAC, so its rows do not reveal
    # what was typed, and without the secret key nobody can test guesses against them. A new
    # secret key starts every count afresh, which loses at most one lock period.
    secret = current_app.config["SECRET_KEY"]
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret_bytes, normalise_login(login).encode(), hashlib.sha256).hexdigest()


def _lock_over(now: datetime) -> Any:
    return or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now)


def _count_failure(key: str, now: datetime) -> LoginResult:
    """Record a failed sign-in for a name, locking it at the limit; prune forgotten names."""
    # Unknown names are counted too, so the table would grow with every name ever tried:
    # a name whose last failure is a day old (and whose lock is over) is forgotten. The table
    # thus holds at most a day's worth of failing names, and a count below the limit decays
    # after a quiet day. This name's own stale row goes as well, so the decay does not hang on
    # other names failing; the upsert below then starts it again at one.
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.updated_at < now - THROTTLE_MEMORY, _lock_over(now)
        )
    )
    failures, locked_until = db.session.execute(_failure_upsert(key, now)).one()
    if locked_until is not None and locked_until > now:
        # Another worker locked the name while this one hashed.
        return _locked(locked_until, now)
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        lock = now + timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=0, locked_until=lock)
        )
    return LoginResult(None)


def _failure_upsert(key: str, now: datetime) -> Any:
    """Return one INSERT ... ON CONFLICT DO UPDATE counting a failure, RETURNING the row."""
    # One statement, so concurrent failures from several workers all count (no read first).
    table = LoginThrottle.__table__
    insert = insert_for(table).values(key=key, failures=1, locked_until=None, updated_at=now)
    return insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            # A failure racing a lock set meanwhile does not count towards the next one.
            "failures": case(
                (table.c.locked_until > now, table.c.failures), else_=table.c.failures + 1
            ),
            "updated_at": now,
        },
    ).returning(table.c.failures, table.c.locked_until)


def _locked(until: datetime, now: datetime) -> LoginResult:
    return LoginResult(None, locked=True, retry_after=_seconds_until(until, now))


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


def load_user(user_id: str) -> User | None:
    """Return the user a session belongs to, or None when gone or on an ended session version."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    with read_before_writing():
        user = db.session.get(User, uid)
        if user is None or user.session_version != version:
            return None
    return user


def init_auth(app: Flask) -> None:
    """Wire Flask-Login: user loading with session versions, and the absolute lifetime."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    # Flashed as text: a session cannot store a lazy string, so it is read in the request first.
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    # Made now: the first unknown name in a worker would otherwise also pay for making it, and
    # answer measurably slower than a wrong password does.
    with app.app_context():
        _dummy_hash()

    @login_manager.unauthorized_handler
    def _unauthorized() -> Any:
        if request.path.startswith("/api/"):
            body = {"error": {"code": "unauthorized", "message": _("Sign in first.")}}
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
