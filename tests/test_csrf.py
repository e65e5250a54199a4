"""CSRF: every state change needs a valid token, JSON and forms alike."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .helpers import PASSWORD
from .helpers import completion_body as body


def token(client: FlaskClient, path: str = "/") -> str:
    """Return the token a page hands out: its meta tag when signed in, else its form's field."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    csrf = token(client, "/signup")
    response = client.post("/signup", data={"login": "sam", "password": PASSWORD,
                                            "time_zone": "UTC", "csrf_token": csrf})
    assert response.status_code == 302
    return client


def test_state_changing_routes_refuse_a_missing_token(csrf_app: Flask) -> None:
    client = signed_in(csrf_app)
    rules = [r for r in csrf_app.url_map.iter_rules()
             if r.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(rules) >= 8
    for rule in rules:
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(path, method=method, json={})
            assert response.status_code == 400, (method, path, response.status_code)
            if path.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "csrf_failed"


def test_json_api_with_header_token_works(csrf_app: Flask) -> None:
    client = signed_in(csrf_app)
    csrf = token(client)
    response = client.post("/api/completions", json=body(), headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_forms_take_the_token_from_the_body_and_json_from_the_header(csrf_app: Flask) -> None:
    client = signed_in(csrf_app)
    csrf = token(client)
    # A form carries its token as a field (the header may be absent) ...
    response = client.post("/history/days-off", data={"day": "2026-01-05", "kind": "rest",
                                                       "csrf_token": csrf})
    assert response.status_code == 303
    # ... a JSON body does not: a token field inside it is not a token, the header is.
    response = client.post("/api/completions", json={**body(), "csrf_token": csrf})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    response = client.post("/api/completions", data=f"csrf_token={csrf}",
                           content_type="text/plain")
    assert response.status_code == 400
    response = client.post("/api/completions", json=body(),
                           headers={"X-CSRFToken": csrf, "Content-Type": "application/json"})
    assert response.status_code == 201


def test_cross_origin_post_with_cookie_but_no_token_is_refused(csrf_app: Flask) -> None:
    client = signed_in(csrf_app)
    response = client.post("/api/completions", json=body(),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 400


def test_fresh_token_endpoint(csrf_app: Flask) -> None:
    client = signed_in(csrf_app)
    fresh = client.get("/api/csrf").get_json()["csrf_token"]
    response = client.post("/api/completions", json=body(), headers={"X-CSRFToken": fresh})
    assert response.status_code == 201


def test_expired_token_is_refused_then_a_fresh_one_works(csrf_app: Flask) -> None:
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = 1
    client = signed_in(csrf_app)
    old = token(client)
    time.sleep(2)
    data = body()
    stale = client.post("/api/completions", json=data, headers={"X-CSRFToken": old})
    assert stale.status_code == 400 and stale.get_json()["error"]["code"] == "csrf_failed"
    fresh = client.get("/api/csrf").get_json()["csrf_token"]
    assert client.post("/api/completions", json=data,
                       headers={"X-CSRFToken": fresh}).status_code == 201
    assert client.post("/api/completions", json=data,
                       headers={"X-CSRFToken": fresh}).status_code == 200


def test_tokens_of_another_session_or_tampered_are_refused_with_the_reason(
    csrf_app: Flask, caplog: pytest.LogCaptureFixture,
) -> None:
    """The token check answers as Flask-WTF's does: each way a token can be wrong is a 400
    naming the reason, and nothing is written."""
    client = signed_in(csrf_app)
    mine = token(client)
    other = csrf_app.test_client()
    theirs = token(other, "/signup")  # valid, but signs another browser's session secret
    tampered = mine[:-2] + ("AA" if not mine.endswith("AA") else "BB")
    caplog.set_level(logging.INFO, logger="flask_wtf.csrf")
    for bad, reason in ((theirs, "do not match"), (tampered, "invalid"),
                        ("", "missing")):
        response = client.post("/api/completions", json=body(), headers={"X-CSRFToken": bad})
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "csrf_failed"
        assert reason in caplog.text, reason
    assert client.post("/api/completions", json=body(),
                       headers={"X-CSRFToken": mine}).status_code == 201
    assert len(client.get("/api/completions").get_json()["completions"]) == 1


def test_over_https_a_post_must_also_come_from_our_own_pages(csrf_app: Flask) -> None:
    """Flask-WTF's strict referrer check over HTTPS holds: a valid token is refused without a
    Referer header or with another site's, and taken with one of our pages."""
    client = signed_in(csrf_app)
    csrf = token(client)
    https = "https://localhost"

    def post(**headers: str) -> Any:
        return client.post("/api/completions", json=body(), base_url=https,
                           headers={"X-CSRFToken": csrf, **headers})

    assert post().status_code == 400
    assert post(Referer="https://evil.example/page").status_code == 400
    assert post(Referer="http://localhost/history").status_code == 400  # not over HTTPS
    assert post(Referer="https://localhost/routines/x/play").status_code == 201
