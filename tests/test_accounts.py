"""Accounts: sign-up, sign-in, throttling, sessions that really end, settings, deletion."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from stretch_app import auth
from stretch_app.auth import LoginResult, authenticate, throttle_key
from stretch_app.extensions import db
from stretch_app.models import Completion, LoginThrottle, User
from stretch_app.views import accounts

from .helpers import PASSWORD, sign_up
from .helpers import completion_body as body


def user(app: Flask, login: str = "sam") -> User:
    with app.app_context():
        return db.session.execute(select(User).where(User.login == login)).scalar_one()


def login(client: FlaskClient, name: str = "sam", password: str = PASSWORD, **extra: str):
    return client.post("/login", data={"login": name, "password": password, **extra})


@pytest.mark.parametrize("password", ["1234567", "", "short"])
def test_short_passwords_are_refused(app: Flask, client: FlaskClient, password: str) -> None:
    response = client.post("/signup", data={"login": "sam", "password": password,
                                            "time_zone": "UTC"})
    assert response.status_code == 422
    assert "at least 8 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 0


@pytest.mark.parametrize("length", [8, 64, 128])
def test_long_passwords_work_without_truncation(app: Flask, client: FlaskClient,
                                                length: int) -> None:
    password = ("pässwörd " * 20)[:length]
    sign_up(client, password=password)
    client.post("/logout", data={})
    assert login(client, password=password).status_code == 302
    client.post("/logout", data={})
    assert login(client, password=password[:-1]).status_code == 401


def test_signup_rejects_bad_zone_and_duplicate_name(client: FlaskClient) -> None:
    response = client.post("/signup", data={"login": "sam", "password": PASSWORD,
                                            "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Choose a time zone" in response.get_data(as_text=True)
    sign_up(client)
    client.post("/logout", data={})
    response = client.post("/signup", data={"login": " SAM ", "password": PASSWORD,
                                            "time_zone": "UTC"})
    assert response.status_code == 422
    assert "That name is taken" in response.get_data(as_text=True)


def test_production_hash_parameters(make_app) -> None:
    app = make_app(PASSWORD_METHOD=None)
    client = app.test_client()
    sign_up(client)
    assert user(app).password_hash.startswith("pbkdf2:sha256:1000000$")


def test_old_hashes_are_upgraded_at_sign_in(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    client.post("/logout", data={})
    with app.app_context():
        row = db.session.execute(select(User)).scalar_one()
        row.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
    assert login(client).status_code == 302
    assert user(app).password_hash.startswith("pbkdf2:sha256:1000$")


def test_wrong_password_and_unknown_user_look_the_same(client: FlaskClient) -> None:
    sign_up(client)
    client.post("/logout", data={})
    wrong = login(client, password="wrong password")
    unknown = login(client, name="nobody")
    assert wrong.status_code == unknown.status_code == 401
    text = "That name and password do not match."
    assert text in wrong.get_data(as_text=True) and text in unknown.get_data(as_text=True)


def test_ten_failures_lock_the_account_not_others(app: Flask, client: FlaskClient) -> None:
    sign_up(client, "ann")
    client.post("/logout", data={})
    sign_up(client, "bob")
    client.post("/logout", data={})
    for _ in range(10):
        assert login(client, "ann", "wrong password").status_code == 401
    locked = login(client, "ann", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert login(client, "bob").status_code == 302


def test_an_unknown_name_locks_like_an_account(client: FlaskClient) -> None:
    """a 429 after ten failures must not tell which names are accounts."""
    sign_up(client, "ann")
    client.post("/logout", data={})
    for _ in range(10):
        assert login(client, "ann", "wrong password").status_code == 401
        assert login(client, "nobody", "wrong password").status_code == 401
    real, unknown = login(client, "ann", PASSWORD), login(client, " NoBody ", "wrong password")
    assert real.status_code == unknown.status_code == 429
    assert int(real.headers["Retry-After"]) > 0 and int(unknown.headers["Retry-After"]) > 0
    assert real.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "account" not in real.get_data(as_text=True)


def test_a_successful_sign_in_clears_the_count(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    client.post("/logout", data={})
    for _ in range(9):
        assert login(client, password="wrong password").status_code == 401
    assert login(client).status_code == 302
    client.post("/logout", data={})
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(LoginThrottle)).scalar() == 0
    for _ in range(9):
        assert login(client, password="wrong password").status_code == 401
    assert login(client).status_code == 302


def test_a_lock_ends_after_its_time_and_counting_starts_again(app: Flask) -> None:
    start = datetime(2026, 1, 5, 12, 0)
    lock = timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"])
    with app.app_context():
        for i in range(10):
            failed = authenticate("nobody", "wrong", start + timedelta(seconds=i))
            assert failed == LoginResult(None)
            db.session.commit()
        locked = authenticate("Nobody", "wrong", start + timedelta(seconds=10))
        assert locked.locked and 0 < locked.retry_after <= lock.total_seconds()
        later = start + timedelta(seconds=9) + lock + timedelta(seconds=1)
        assert authenticate("nobody", "wrong", later) == LoginResult(None)
        db.session.commit()
        row = db.session.get(LoginThrottle, throttle_key("nobody"))
        assert row is not None and row.failures == 1


def test_names_quiet_for_a_day_are_forgotten(app: Flask) -> None:
    now = datetime(2026, 1, 5, 12, 0)
    day = timedelta(days=1)
    with app.app_context():
        names = {throttle_key(n): n for n in ("stale", "recent", "still-locked", "sam")}
        key = {n: k for k, n in names.items()}
        db.session.add_all([
            LoginThrottle(key=key["stale"], failures=3,
                          updated_at=now - day - timedelta(minutes=1)),
            LoginThrottle(key=key["recent"], failures=3,
                          updated_at=now - day + timedelta(minutes=1)),
            # A lock still running is kept however old its last failure (a long lock setting).
            LoginThrottle(key=key["still-locked"], failures=0, locked_until=now + day,
                          updated_at=now - 2 * day),
            LoginThrottle(key=key["sam"], failures=9, updated_at=now - 2 * day),
        ])
        db.session.commit()
        assert authenticate("sam", "wrong", now) == LoginResult(None)
        db.session.commit()
        rows = db.session.execute(select(LoginThrottle.key, LoginThrottle.failures)).all()
    # The name's own stale count decays too: this failure is its first, not its tenth.
    assert sorted((names[k], f) for k, f in rows) == [("recent", 3), ("sam", 1),
                                                      ("still-locked", 0)]


def test_the_throttle_table_never_holds_what_was_typed(app: Flask, client: FlaskClient) -> None:
    """A password typed into the name box is stored only as a keyed hash, never in clear."""
    typed = "  My Secret Password "
    assert login(client, typed, "wrong password").status_code == 401
    with app.app_context():
        expected = throttle_key(typed)
        rows = db.session.execute(select(LoginThrottle.__table__)).all()
    assert [(r.key, r.failures) for r in rows] == [(expected, 1)]
    assert re.fullmatch(r"[0-9a-f]{64}", expected)
    stored = " ".join(str(value) for row in rows for value in row).casefold()
    for text in (typed, "my secret password", "secret", "password"):
        assert text.casefold() not in stored


@pytest.mark.parametrize("other", ["another-secret", b"test-secret", b"another-secret"])
def test_the_throttle_key_depends_on_the_secret_key(app: Flask, other: str | bytes) -> None:
    """The same name gives another key under another SECRET_KEY; str and bytes agree."""
    with app.app_context():
        mine = throttle_key("Sam")
        assert mine == throttle_key(" sam ")  # the normalised name
        app.config["SECRET_KEY"] = other
        theirs = throttle_key("Sam")
    assert re.fullmatch(r"[0-9a-f]{64}", mine) and re.fullmatch(r"[0-9a-f]{64}", theirs)
    assert (mine == theirs) == (other == b"test-secret")


@pytest.fixture
def hashing_probe(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool, bool]]:
    """Record, for every password hash or check, whether a transaction or the lock was held."""
    calls: list[tuple[str, bool, bool]] = []
    database = app.config["SQLALCHEMY_DATABASE_URI"]

    def write_lock_free() -> bool:
        if not database.startswith("sqlite:///"):
            return True
        probe = sqlite3.connect(database.removeprefix("sqlite:///"), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()

    def watched(name: str, real: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, db.session().in_transaction(), write_lock_free()))
            return real(*args, **kwargs)
        return run

    monkeypatch.setattr(auth, "check_password_hash", watched("check", auth.check_password_hash))
    monkeypatch.setattr(auth, "generate_password_hash",
                        watched("hash", auth.generate_password_hash))
    monkeypatch.setattr(accounts, "check_password_hash",
                        watched("check", accounts.check_password_hash))
    return calls


def test_passwords_are_hashed_outside_write_transactions(
    app: Flask, client: FlaskClient, hashing_probe: list[tuple[str, bool, bool]]
) -> None:
    sign_up(client)
    client.post("/logout", data={})
    assert login(client, password="wrong password").status_code == 401
    assert login(client, name="nobody").status_code == 401
    with app.app_context():
        row = db.session.execute(select(User)).scalar_one()
        row.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:999")
        db.session.commit()
    hashing_probe.clear()
    assert login(client).status_code == 302  # a check, then the upgraded hash
    assert [name for name, *_ in hashing_probe] == ["check", "hash"]
    changed = client.post("/settings/password", data={"pw-current": PASSWORD,
                                                       "pw-new": "a brand new password"})
    assert changed.status_code == 302
    wrong = client.post("/settings/delete", data={"del-password": PASSWORD})
    assert wrong.status_code == 422
    deleted = client.post("/settings/delete", data={"del-password": "a brand new password"})
    assert deleted.status_code == 302
    assert len(hashing_probe) == 6
    assert all(not in_transaction and lock_free
               for _, in_transaction, lock_free in hashing_probe), hashing_probe
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 0


def test_new_session_cookie_at_login_and_logout_really_ends_it(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("limber_session")
    sign_up(client)
    after = client.get_cookie("limber_session")
    assert before is None or before.value != after.value
    cookie = after.value
    assert client.get("/api/stats").status_code == 200
    client.post("/logout", data={"everywhere": "1"})
    thief = app.test_client()
    thief.set_cookie("limber_session", cookie)
    assert thief.get("/api/stats").status_code == 401


def test_password_change_ends_other_sessions(app: Flask) -> None:
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    assert login(laptop).status_code == 302
    response = phone.post("/settings/password", data={"pw-current": PASSWORD,
                                                       "pw-new": "a brand new password"})
    assert response.status_code == 302
    assert phone.get("/api/stats").status_code == 200  # this device stays signed in
    assert laptop.get("/api/stats").status_code == 401


def test_wrong_current_password_changes_nothing(app: Flask, user_client: FlaskClient) -> None:
    response = user_client.post("/settings/password", data={"pw-current": "nope nope",
                                                             "pw-new": "another password"})
    assert response.status_code == 422
    user_client.post("/logout", data={})
    assert login(user_client).status_code == 302


def test_cookie_flags(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    client.post("/logout", data={})
    response = login(client, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("limber_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    remember = next(c for c in cookies if c.startswith("limber_remember="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember


def test_settings_update_and_validation(app: Flask, user_client: FlaskClient) -> None:
    page = user_client.get("/settings").get_data(as_text=True)
    assert "Europe/London" in page
    response = user_client.post("/settings", data={"time_zone": "Asia/Kathmandu",
                                                   "weekly_goal": "5", "cue_beep": "y"})
    assert response.status_code == 302
    row = user(app)
    assert (row.time_zone, row.weekly_goal, row.cue_beep, row.cue_speech) == (
        "Asia/Kathmandu", 5, True, False)
    for bad in ({"time_zone": "Nowhere/Land", "weekly_goal": "3"},
                {"time_zone": "UTC", "weekly_goal": "8"},
                {"time_zone": "UTC", "weekly_goal": "0"},
                {"time_zone": "UTC", "weekly_goal": "three"}):
        assert user_client.post("/settings", data=bad).status_code == 422
    assert user(app).weekly_goal == 5


def test_delete_account_removes_everything(app: Flask, user_client: FlaskClient) -> None:
    assert user_client.post("/api/completions", json=body()).status_code == 201
    cookie = user_client.get_cookie("limber_session").value
    assert user_client.post("/settings/delete", data={"del-password": "wrong"}).status_code == 422
    response = user_client.post("/settings/delete", data={"del-password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Completion.id))).scalar_one() == 0
    replay = app.test_client()
    replay.set_cookie("limber_session", cookie)
    assert replay.get("/api/stats").status_code == 401


def test_next_parameter_stays_on_this_site(client: FlaskClient) -> None:
    sign_up(client)
    client.post("/logout", data={})
    for target, expected in (("/history", "/history"), ("//evil.example", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        response = client.post(f"/login?next={target}", data={"login": "sam",
                                                               "password": PASSWORD})
        assert response.headers["Location"] == expected
        client.post("/logout", data={})


# Not plain same-site paths: line breaks (which urlsplit silently drops), tabs, spaces,
# other control characters, schemes, hosts written in any of the ways browsers accept.
UNSAFE_NEXT = ["/%0a", "/%0d%0aSet-Cookie:%20x=1", "/%0aX", "%0a/history", "/history%0d",
               "/%09/evil.example", "/%20", "/%00", "/%7f", "/%c2%85", "/%e2%80%a8",
               "javascript:alert(1)", "/%5c%5cevil.example", "%2f%2fevil.example",
               "https:/evil.example", "history", "", "/\u202ehistory"]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_a_bad_next_signs_in_and_goes_home(app: Flask, client: FlaskClient, target: str) -> None:
    sign_up(client)
    client.post("/logout", data={})
    response = client.post(f"/login?next={target}", data={"login": "sam", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/settings").status_code == 200  # signed in


@pytest.mark.parametrize("target", ["/%0aX", "/%0d%0a", "//evil.example", "/%09"])
def test_a_bad_next_after_sign_up_creates_the_account_once(app: Flask, client: FlaskClient,
                                                           target: str) -> None:
    response = client.post(f"/signup?next={target}", data={"login": "sam", "password": PASSWORD,
                                                           "time_zone": "UTC"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/settings").status_code == 200
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 1


@pytest.mark.parametrize("target", ["/history?week=2026-W01", "/routines/calf-reset",
                                    "/diary/new?from=cramp-now#top"])
def test_a_plain_next_path_with_a_query_is_kept(client: FlaskClient, target: str) -> None:
    sign_up(client)
    client.post("/logout", data={})
    response = client.post("/login", query_string={"next": target},
                           data={"login": "sam", "password": PASSWORD})
    assert response.headers["Location"] == target


def test_a_failure_after_a_write_never_says_nothing_was_saved(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def saved_then_failed() -> str:
        db.session.add(User(login=request.path, password_hash="x", time_zone="UTC"))
        db.session.commit()
        raise RuntimeError("after the commit")

    def failed_before_saving() -> str:
        db.session.add(User(login="dropped", password_hash="x", time_zone="UTC"))
        raise RuntimeError("before any commit")

    app.add_url_rule("/saved-then-failed", view_func=saved_then_failed, methods=["POST"])
    app.add_url_rule("/failed-before-saving", view_func=failed_before_saving,
                     methods=["POST"])
    app.add_url_rule("/api/saved-then-failed", view_func=saved_then_failed,
                     endpoint="api_saved", methods=["POST"])
    client = app.test_client()
    sign_up(client)  # the API takes writes from accounts only
    app.logger.disabled = True  # the logged traceback is expected here
    for path in ("/saved-then-failed", "/api/saved-then-failed"):
        response = client.post(path)
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "Nothing was saved" not in text and "may have been saved" in text
    response = client.post("/failed-before-saving")
    assert response.status_code == 500 and "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        logins = db.session.execute(select(User.login).order_by(User.login)).scalars().all()
    assert logins == ["/api/saved-then-failed", "/saved-then-failed", "sam"]


def test_pages_that_need_an_account_send_guests_to_sign_in(client: FlaskClient) -> None:
    for path in ("/history", "/settings"):
        response = client.get(path)
        assert response.status_code == 302
        assert re.match(r"/login\?next=", response.headers["Location"])
