"""Passwords, cookies and sessions that really end.

Already in
tests/test_accounts.py: short passwords 422 at sign-up; 8, 64 and 128 characters accepted and
not truncated; the production hash parameters; old hashes upgraded at sign-in; the development
cookie flags; a password change ending other devices; deleting the account ending its sessions.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from stretch_app.extensions import db
from stretch_app.models import User

from .helpers import HTTPS, PASSWORD, sign_up


def login(client: FlaskClient, name: str = "sam", password: str = PASSWORD, **extra: str):
    return client.post("/login", data={"login": name, "password": password, **extra})


def set_cookie_headers(response) -> dict[str, str]:  # noqa: ANN001
    """The response's Set-Cookie headers by cookie name."""
    out = {}
    for header in response.headers.getlist("Set-Cookie"):
        out[header.split("=", 1)[0]] = header
    return out


def attributes(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";")[1:]]
    return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}


def replay(app: Flask, name: str, value: str, base_url: str = "http://localhost") -> FlaskClient:
    """A fresh client (another machine) holding only a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value, domain="localhost")
    thief.environ_base["wsgi.url_scheme"] = base_url.split(":", 1)[0]
    return thief


def stored_hash(app: Flask, name: str = "sam") -> str:
    with app.app_context():
        return db.session.execute(select(User.password_hash).where(User.login == name)).scalar_one()


# ---- 3. passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", "password", "пароль12",
                                      "🙂🙂🙂🙂🙂🙂🙂🙂", "a b c d e", "        x"])
def test_no_composition_rules(app: Flask, client: FlaskClient, password: str) -> None:
    """any 8 characters will do: no classes of characters are demanded."""
    sign_up(client, password=password)
    client.post("/logout")
    assert login(client, password=password).status_code == 302


def test_long_passwords_are_compared_whole(app: Flask, client: FlaskClient) -> None:
    """no truncation anywhere in 128 characters (bcrypt would stop at 72)."""
    password = "x" * 100 + "tail of the password that matters!"[:28]
    assert len(password) == 128
    sign_up(client, password=password)
    client.post("/logout")
    for wrong in ("x" * 100 + "T" + password[101:], password[:72], password + "y"):
        assert login(client, password=wrong).status_code == 401
    assert login(client, password=password).status_code == 302
    client.post("/logout")
    many = "long passphrase " * 64  # 1,024 characters, the largest accepted
    sign_up(client, "ann", password=many)
    client.post("/logout")
    response = client.post("/signup", data={"login": "bob", "password": many + "!",
                                            "time_zone": "UTC"})
    assert response.status_code == 422  # a cap against hashing megabytes, clearly said


def test_password_change_has_the_same_rules(app: Flask, user_client: FlaskClient) -> None:
    """a short new password is refused on change too; the old one stays."""
    before = stored_hash(app)
    response = user_client.post("/settings/password", data={"pw-current": PASSWORD,
                                                             "pw-new": "1234567"})
    assert response.status_code == 422
    assert "at least 8 characters" in response.get_data(as_text=True)
    assert stored_hash(app) == before
    response = user_client.post("/settings/password", data={"pw-current": PASSWORD,
                                                             "pw-new": "aaaaaaaa"})
    assert response.status_code == 302
    assert stored_hash(app) != before


def test_the_stored_hash_uses_the_configured_method_and_a_salt(app: Flask,
                                                              client: FlaskClient) -> None:
    """hashes carry their method and a per-user salt (same password, new hash)."""
    sign_up(client, "ann")
    client.post("/logout")
    sign_up(client, "bob")
    ann, bob = stored_hash(app, "ann"), stored_hash(app, "bob")
    method = app.config["PASSWORD_METHOD"]
    assert ann.startswith(method + "$") and bob.startswith(method + "$")
    assert ann != bob and PASSWORD not in ann


# ---- 5. cookies ---------------------------------------------------------------------------------


def test_production_cookies_are_host_only_secure_httponly_lax(production: Flask) -> None:
    """`__Host-` names, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain;
    the remember cookie the same and at most 30 days."""
    client = production.test_client()
    assert client.post("/signup", data={"login": "sam", "password": PASSWORD, "time_zone": "UTC"},
                       base_url=HTTPS).status_code == 302
    client.post("/logout", base_url=HTTPS)
    response = client.post("/login", data={"login": "sam", "password": PASSWORD, "remember": "y"},
                           base_url=HTTPS)
    assert response.status_code == 302
    cookies = set_cookie_headers(response)
    assert set(cookies) >= {"__Host-limber_session", "__Host-limber_remember"}
    assert not {"limber_session", "limber_remember"} & set(cookies)
    now = datetime.now(UTC)
    for name in ("__Host-limber_session", "__Host-limber_remember"):
        attrs = attributes(cookies[name])
        assert "secure" in attrs and "httponly" in attrs, cookies[name]
        assert attrs.get("samesite") == "Lax" and attrs.get("path") == "/"
        assert "domain" not in attrs  # host-only, as the __Host- prefix requires
        expires = parsedate_to_datetime(attrs["expires"])
        assert now < expires <= now + timedelta(days=30, minutes=1), (name, expires)
    assert production.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    assert production.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(days=30)


def test_development_remember_cookie_is_at_most_30_days(app: Flask, client: FlaskClient) -> None:
    """outside production too, the remember cookie lasts at most 30 days."""
    sign_up(client)
    client.post("/logout")
    cookies = set_cookie_headers(login(client, remember="y"))
    for name in ("limber_session", "limber_remember"):
        attrs = attributes(cookies[name])
        assert "httponly" in attrs and attrs.get("samesite") == "Lax"
        expires = parsedate_to_datetime(attrs["expires"])
        assert expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)


def test_production_sends_hsts_and_keeps_debug_off(production: Flask) -> None:
    """production is debug-free whatever FLASK_DEBUG says."""
    assert production.debug is False and production.config["DEBUG"] is False
    response = production.test_client().get("/", base_url=HTTPS)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# ---- 6. sessions that really end ---------------------------------------------------------------


def page_token(client: FlaskClient, path: str) -> str:
    """Return the token a page hands out: its meta tag when signed in, else its form's field."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_sign_in_issues_a_new_cookie_and_the_old_one_stays_anonymous(csrf_app: Flask) -> None:
    """a new session cookie at sign-in (no fixation): the cookie from before,
    replayed elsewhere, is not signed in and its CSRF token no longer counts."""
    client = csrf_app.test_client()
    sign_up_token = page_token(client, "/signup")
    assert client.post("/signup", data={"login": "sam", "password": PASSWORD, "time_zone": "UTC",
                                        "csrf_token": sign_up_token}).status_code == 302
    client.post("/logout", data={"csrf_token": page_token(client, "/")})
    old_token = page_token(client, "/login")
    before = client.get_cookie("limber_session").value
    response = client.post("/login", data={"login": "sam", "password": PASSWORD,
                                           "csrf_token": old_token})
    assert response.status_code == 302
    after = client.get_cookie("limber_session").value
    assert after != before
    assert client.get("/api/stats").status_code == 200
    assert replay(csrf_app, "limber_session", before).get("/api/stats").status_code == 401
    # The token from before sign-in was bound to the old session: it is refused now.
    refused = client.post("/api/cramps", json={}, headers={"X-CSRFToken": old_token})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("everywhere", [False, True], ids=["logout", "logout-everywhere"])
def test_a_cookie_copied_before_logout_is_refused_after(app: Flask, everywhere: bool) -> None:
    """plain logout, not only "everywhere", ends the session on the server:
    the pre-logout session and remember cookies replayed from a fresh client are refused."""
    client = app.test_client()
    sign_up(client)
    client.post("/logout")
    assert login(client, remember="y").status_code == 302
    session_copy = client.get_cookie("limber_session").value
    remember_copy = client.get_cookie("limber_remember").value
    assert replay(app, "limber_session", session_copy).get("/api/stats").status_code == 200
    assert replay(app, "limber_remember", remember_copy).get("/api/stats").status_code == 200
    client.post("/logout", data={"everywhere": "1"} if everywhere else {})
    assert client.get("/api/stats").status_code == 401
    assert replay(app, "limber_session", session_copy).get("/api/stats").status_code == 401
    assert replay(app, "limber_remember", remember_copy).get("/api/stats").status_code == 401
    assert replay(app, "limber_session", session_copy).get("/history").status_code == 302
    # Signing in again works, with a cookie of its own.
    assert login(client).status_code == 302
    assert client.get("/api/stats").status_code == 200


def test_password_change_ends_every_other_session_and_remember_cookie(app: Flask) -> None:
    """after a password change only the device that changed it stays in:
    another device, a remembered browser and a copy of this device's old cookie are out."""
    phone, laptop = app.test_client(), app.test_client()
    sign_up(phone)
    assert login(laptop, remember="y").status_code == 302
    remembered = laptop.get_cookie("limber_remember").value
    old_phone_cookie = phone.get_cookie("limber_session").value
    response = phone.post("/settings/password", data={"pw-current": PASSWORD,
                                                       "pw-new": "a brand new password"})
    assert response.status_code == 302
    assert phone.get("/api/stats").status_code == 200
    assert laptop.get("/api/stats").status_code == 401
    assert replay(app, "limber_remember", remembered).get("/api/stats").status_code == 401
    assert replay(app, "limber_session", old_phone_cookie).get("/api/stats").status_code == 401
    assert login(laptop).status_code == 401  # the old password is gone
    assert login(laptop, password="a brand new password").status_code == 302


def test_the_session_lifetime_is_absolute(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """a session ends PERMANENT_SESSION_LIFETIME after sign-in however busy it
    is (each answer refreshes the cookie, the start time inside it stays); a copy of the last,
    freshest cookie is refused as well. The sign-in clock is simulated: an hour passes."""
    from stretch_app import auth

    clock = {"now": time.time()}
    monkeypatch.setattr(auth, "time", type("Clock", (), {"time": lambda: clock["now"]}))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    client = app.test_client()
    sign_up(client)
    for minutes in (10, 20, 30, 40, 50, 59):
        clock["now"] += 600 if minutes != 59 else 540
        assert client.get("/api/stats").status_code == 200, minutes
    freshest = client.get_cookie("limber_session").value
    clock["now"] += 120  # 61 minutes after sign-in
    assert replay(app, "limber_session", freshest).get("/api/stats").status_code == 401
    assert client.get("/api/stats").status_code == 401
    assert login(client).status_code == 302  # a new sign-in starts a new session
    assert client.get("/api/stats").status_code == 200


def test_a_forged_or_unversioned_session_is_refused(app: Flask) -> None:
    """only a signed cookie naming the user's current session version counts."""
    client = app.test_client()
    sign_up(client)
    with client.session_transaction() as session:
        user_id = session["_user_id"]
        session["_user_id"] = user_id.split(":")[0]  # an id without its version
    assert client.get("/api/stats").status_code == 401
    with client.session_transaction() as session:
        session["_user_id"] = user_id.split(":")[0] + ":999"
    assert client.get("/api/stats").status_code == 401
    forged = app.test_client()
    forged.set_cookie("limber_session", "eyJfdXNlcl9pZCI6IjE6MSJ9.forged.signature")
    assert forged.get("/api/stats").status_code == 401


