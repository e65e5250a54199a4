"""CSRF: every state change needs a valid token, JSON and forms alike."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app import create_app
from stretch_app.extensions import db

from .conftest import PASSWORD, make_config
from .test_api_completions import body


@pytest.fixture
def strict_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def token(client: FlaskClient, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert match
    return match.group(1)


def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    csrf = token(client, "/signup")
    response = client.post("/signup", data={"login": "sam", "password": PASSWORD,
                                            "time_zone": "UTC", "csrf_token": csrf})
    assert response.status_code == 302
    return client


def test_state_changing_routes_refuse_a_missing_token(strict_app: Flask) -> None:
    client = signed_in(strict_app)
    rules = [r for r in strict_app.url_map.iter_rules()
             if r.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(rules) >= 8
    for rule in rules:
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(path, method=method, json={})
            assert response.status_code == 400, (method, path, response.status_code)
            if path.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "csrf_failed"


def test_json_api_with_header_token_works(strict_app: Flask) -> None:
    client = signed_in(strict_app)
    csrf = token(client)
    response = client.post("/api/completions", json=body(), headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_cross_origin_post_with_cookie_but_no_token_is_refused(strict_app: Flask) -> None:
    client = signed_in(strict_app)
    response = client.post("/api/completions", json=body(),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 400


def test_fresh_token_endpoint(strict_app: Flask) -> None:
    client = signed_in(strict_app)
    fresh = client.get("/api/csrf").get_json()["csrf_token"]
    response = client.post("/api/completions", json=body(), headers={"X-CSRFToken": fresh})
    assert response.status_code == 201


def test_expired_token_is_refused_then_a_fresh_one_works(strict_app: Flask) -> None:
    strict_app.config["WTF_CSRF_TIME_LIMIT"] = 1
    client = signed_in(strict_app)
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
