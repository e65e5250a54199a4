"""Security headers on every response, generic error pages, and bandit.

The browser half of 10 (a routine played with no CSP violation)
is tests/browser: their pages report every `securitypolicyviolation` event as a failure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from stretch_app.config import PROJECT_ROOT
from stretch_app.extensions import db

from .helpers import HTTPS, sign_up

REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin",
                     "strict-origin-when-cross-origin"}
REQUIRED_CSP = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
}


def csp_directives(value: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = set(words[1:])
    return out


def check_headers(response: Any, where: str, *, hsts: bool = False) -> None:
    """Assert the headers every response must carry."""
    response.get_data()
    response.close()  # static files are streamed from an open file
    headers = response.headers
    csp = headers.get("Content-Security-Policy")
    assert csp, f"no CSP on {where}"
    directives = csp_directives(csp)
    for name, sources in REQUIRED_CSP.items():
        assert directives.get(name) == sources, (where, name, csp)
    scripts = directives.get("script-src", directives["default-src"])
    assert not scripts & {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"}, (where, csp)
    assert "Content-Security-Policy-Report-Only" not in headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in REFERRER_POLICIES, where
    if hsts:
        found = re.match(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
        assert found and int(found.group(1)) >= 365 * 24 * 3600, where
    else:
        assert "Strict-Transport-Security" not in headers, where
    if response.mimetype == "application/json":
        assert response.mimetype_params.get("charset", "").lower() == "utf-8", where
    if response.mimetype.startswith("text/"):
        assert response.mimetype_params.get("charset", "").lower() == "utf-8", where


def every_get_path(app: Flask, client: FlaskClient) -> list[str]:
    from stretch_app.views.common import catalog

    with app.app_context():
        values = {"slug": next(iter(catalog().routines)), "pose_id": next(iter(catalog().poses)),
                  "entry_id": 1, "day": "2026-01-05", "reminder_id": 1, "token": "t" * 43,
                  "routine_id": 1, "action": "pause"}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
            paths.append(path)
    return paths


def static_paths(app: Flask) -> list[str]:
    build = app.config["STATIC_BUILD_ID"]
    return [f"/static/{build}/js/player.js", "/static/js/queue.js", f"/static/{build}/css/app.css",
            "/static/js/no-such-file.js", f"/static/{build}/poses/cat-cow.svg"]


def special_responses(client: FlaskClient) -> Iterator[tuple[str, Any]]:
    """Errors, redirects and odd methods: responses no view renders on purpose."""
    yield "404 page", client.get("/no/such/page")
    yield "404 json", client.get("/api/no-such-thing")
    yield "405 json", client.delete("/api/routines")
    yield "405 page", client.put("/guide")
    yield "OPTIONS", client.options("/api/routines")
    yield "HEAD", client.head("/")
    yield "413 json", client.post("/api/cramps", data=b"x" * (2 * 1024 * 1024),
                                  content_type="application/json")
    yield "400 json", client.post("/api/cramps", data=b"{", content_type="application/json")
    yield "422 json", client.post("/api/cramps", json={"strength": 99})
    yield "csv", client.get("/history/completions.csv")


def test_every_response_carries_the_headers(app: Flask, client: FlaskClient) -> None:
    """HTML, JSON, errors, static files and redirects, guest and signed in."""
    seen: set[str] = set()
    statuses: set[int] = set()
    for signed_in in (False, True):
        if signed_in:
            sign_up(client)
        for path in every_get_path(app, client) + static_paths(app):
            for method in ("GET", "HEAD"):
                response = client.open(path, method=method)
                check_headers(response, f"{method} {path}")
                seen.add(response.mimetype)
                statuses.add(response.status_code)
        for where, response in special_responses(client):
            check_headers(response, where)
            statuses.add(response.status_code)
        redirect = client.post("/logout" if signed_in else "/history/days-off", data={})
        check_headers(redirect, "redirect after a POST")
        statuses.add(redirect.status_code)
    assert {"text/html", "application/json", "text/javascript", "text/css",
            "image/svg+xml", "text/csv"} <= seen
    assert {200, 302, 400, 404, 405, 413, 422} <= statuses
    assert statuses & {401, 303}


def test_production_headers_include_hsts_everywhere(production: Flask) -> None:  # noqa: F811
    """in production every response also carries HSTS (static ones too)."""
    client = production.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    for path in every_get_path(production, client) + static_paths(production):
        check_headers(client.get(path, base_url=HTTPS), path, hsts=True)
    for where, response in special_responses(client):
        check_headers(response, where, hsts=True)


def test_pages_have_no_inline_script_or_handlers(app: Flask, client: FlaskClient) -> None:
    """with script-src 'self', inline code would not run: pages carry none
    (data blocks of type application/json are not code)."""
    sign_up(client)
    for path in every_get_path(app, client):
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


# ---- 11. debug off, generic 500s, bandit -------------------------------------------------------

LEAKS = ("Traceback", 'File "', "no_such_table", "SELECT", "secret_column", "/nonexistent",
         "sqlalchemy", "werkzeug", "RuntimeError", "OperationalError", str(PROJECT_ROOT))


def test_a_forced_500_in_production_is_generic(production: Flask) -> None:  # noqa: F811
    """no traceback, SQL or path in a 500, as a page or as JSON."""
    production.config["TESTING"] = False
    production.config["PROPAGATE_EXCEPTIONS"] = False

    def sql_error() -> Any:
        db.session.execute(text("SELECT secret_column FROM no_such_table"))

    def path_error() -> Any:
        return Path("/nonexistent/secret/path").read_text()

    def plain_error() -> Any:
        raise RuntimeError(f"secret detail in {PROJECT_ROOT}")

    for name, view in (("sql", sql_error), ("path", path_error), ("plain", plain_error)):
        production.add_url_rule(f"/__boom/{name}", f"boom_{name}", view)
        production.add_url_rule(f"/api/__boom/{name}", f"api_boom_{name}", view)
    client = production.test_client()
    for name in ("sql", "path", "plain"):
        page = client.get(f"/__boom/{name}", base_url=HTTPS)
        assert page.status_code == 500 and page.mimetype == "text/html"
        assert "Something went wrong" in page.get_data(as_text=True)
        api = client.get(f"/api/__boom/{name}", base_url=HTTPS)
        assert api.status_code == 500
        assert api.get_json()["error"]["code"] == "server_error"
        for response in (page, api):
            body = response.get_data(as_text=True)
            for leak in LEAKS:
                assert leak not in body, (name, leak)
            check_headers(response, f"500 {name}", hsts=True)


def test_bandit_reports_nothing_unexplained() -> None:
    """bandit finds nothing in stretch_app; each justified finding is marked
    on its line with `# nosec BXXX # reason` (and `make bandit` runs the same check)."""
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", str(PROJECT_ROOT / "stretch_app"),
         "-f", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    report = json.loads(result.stdout)
    assert report["results"] == [], [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert report["errors"] == []
    assert result.returncode == 0
    # Every nosec says which test it silences and why.
    for path in (PROJECT_ROOT / "stretch_app").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "nosec" in line:
                assert re.search(r"# nosec B\d{3} # \S", line), f"{path}:{number}: {line}"
