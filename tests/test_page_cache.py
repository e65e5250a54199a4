"""Public pages kept in memory for signed-out visitors: same pages, own tokens, never signed-in."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from stretch_app import create_app
from stretch_app.catalog import Filters
from stretch_app.extensions import db
from stretch_app.page_cache import CachedPage, PageCache
from stretch_app.views.pages import _chip_url, routine_url

from .conftest import PASSWORD, ROOT, make_config, sign_up

CACHED = ["/routines", "/routines?area=back&max_minutes=5", "/routines/calf-reset",
          "/routines/back-unwind/play", "/poses", "/poses?area=legs&q=calf", "/poses/cat-cow"]
META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **overrides: object) -> Flask:
    monkeypatch.setenv("LIMBER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "LIMBER_ENV", "LIMBER_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(make_config(tmp_path, **overrides))
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def strict_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """CSRF checks on, as in production."""
    app = _app(tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def _token(html: str) -> str:
    found = META.findall(html)
    assert len(found) == 1, "exactly one csrf-token meta tag"
    return found[0]


def _cache(app: Flask) -> PageCache:
    return app.extensions["limber_page_cache"]


def _keys(app: Flask) -> set[str]:
    return set(_cache(app)._pages)


@pytest.mark.parametrize("path", CACHED)
def test_cached_page_is_the_rendered_page_and_sets_no_cookie(
    strict_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    uncached = _app(tmp_path / "plain", monkeypatch, WTF_CSRF_ENABLED=True,
                    PAGE_CACHE_ENTRIES=0)
    assert "limber_page_cache" not in uncached.extensions
    reference = uncached.test_client().get(path)
    first = strict_app.test_client().get(path)  # rendered and kept
    assert _keys(strict_app) == {path if "?" in path else path + "?"}
    second = strict_app.test_client().get(path)  # served from memory
    for response in (first, second):
        assert response.status_code == reference.status_code == 200
        assert response.get_data() == reference.get_data()
        # The headers of a render, and a Vary that says the encoding was chosen.
        assert sorted((k, v) for k, v in response.headers.items() if k != "Vary") == \
            sorted((k, v) for k, v in reference.headers.items() if k != "Vary")
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.content_type == "text/html; charset=utf-8"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        # Nothing per visitor: no token to post with, no cookie.
        assert "Set-Cookie" not in response.headers
        assert not META.search(response.get_data(as_text=True))


@pytest.mark.parametrize("first", [True, False], ids=["rendered", "from-memory"])
def test_pages_are_sent_in_the_best_encoding_the_browser_takes(client: FlaskClient,
                                                               first: bool) -> None:
    path = "/routines/back-unwind/play"
    if not first:
        client.get(path)
    plain = client.get(path).get_data()
    if first:
        client.application.extensions["limber_page_cache"]._pages.clear()
    asks = {"br, gzip": "br", "gzip, deflate": "gzip", "br;q=0, gzip": "gzip",
            "identity": None, "": None}
    for accept, encoding in asks.items():
        if first:
            client.application.extensions["limber_page_cache"]._pages.clear()
        response = client.get(path, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") == encoding, accept
        body = response.get_data()
        assert int(response.headers["Content-Length"]) == len(body)
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        assert body == plain
        if encoding:
            assert len(response.get_data()) < len(plain) / 3  # worth the work on a phone


def test_a_page_is_rendered_once_for_every_guest(
    strict_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretch_app.views import pages

    renders: list[str] = []

    def render(name: str, **context: object) -> str:
        renders.append(name)
        return real_render(name, **context)

    real_render = pages.render_template
    monkeypatch.setattr(pages, "render_template", render)
    anna, ben = strict_app.test_client(), strict_app.test_client()
    assert anna.get("/routines").get_data() == ben.get("/routines").get_data()
    assert renders == ["routines.html"]
    assert _keys(strict_app) == {"/routines?"}


def test_a_guest_who_browsed_cached_pages_can_sign_up_and_post(strict_app: Flask) -> None:
    client = strict_app.test_client()
    for path in CACHED:
        client.get(path)
    token = _token(client.get("/signup").get_data(as_text=True))
    done = client.post("/signup", data={"login": "anna", "password": PASSWORD,
                                        "time_zone": "UTC", "csrf_token": token})
    assert done.status_code == 302
    # Signed in, the same pages carry a token that the API accepts.
    page_token = _token(client.get("/routines/back-unwind/play").get_data(as_text=True))
    assert client.post("/api/completions", json={}, headers={"X-CSRFToken": "wrong"}
                       ).status_code == 400
    # Past the CSRF check: the empty body is refused for its fields.
    assert client.post("/api/completions", json={}, headers={"X-CSRFToken": page_token}
                       ).status_code == 422


def test_signed_in_visitors_never_get_or_fill_the_cache(strict_app: Flask) -> None:
    guest = strict_app.test_client()
    for path in CACHED:
        guest.get(path)
    kept = _keys(strict_app)
    member = strict_app.test_client()
    page = member.get("/signup").get_data(as_text=True)
    member.post("/signup", data={"login": "sam", "password": PASSWORD, "time_zone": "UTC",
                                 "csrf_token": _token(page)})
    member.post("/settings", data={"time_zone": "UTC", "weekly_goal": "3", "cue_beep": "y",
                                   "csrf_token": _token(member.get("/settings").get_data(
                                       as_text=True))})
    for path in CACHED + ["/routines?situation=bedtime"]:
        html = member.get(path).get_data(as_text=True)
        assert 'data-signed-in="true"' in html, path
        assert 'href="/history"' in html, path
    play = member.get("/routines/back-unwind/play").get_data(as_text=True)
    assert '"cue_defaults"' in play
    assert _keys(strict_app) == kept
    assert 'data-signed-in="false"' in guest.get("/routines").get_data(as_text=True)


def test_bad_filters_still_answer_400_and_are_not_kept(client: FlaskClient, app: Flask) -> None:
    for _ in range(2):
        response = client.get("/routines?max_minutes=abc")
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "max_minutes must be a whole number" in html
    assert client.get("/poses?area=nowhere").status_code == 400
    assert _keys(app) == set()
    assert client.get("/routines?max_minutes=5").status_code == 200
    assert _keys(app) == {"/routines?max_minutes=5"}


def test_error_pages_are_not_kept(client: FlaskClient, app: Flask) -> None:
    for path in ("/routines/no-such-routine", "/routines/no-such-routine/play",
                 "/poses/no-such-pose"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Not Found" in response.get_data(as_text=True)
    assert _keys(app) == set()


def test_flashed_messages_are_shown_and_not_kept(client: FlaskClient, app: Flask) -> None:
    client.get("/routines")  # kept, without the message
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor only.")]
    assert "A message for this visitor only." in client.get("/routines").get_data(as_text=True)
    assert "A message for this visitor only." not in client.get("/routines").get_data(
        as_text=True)
    other = client.application.test_client()
    assert "A message for" not in other.get("/routines").get_data(as_text=True)
    assert _keys(app) == {"/routines?"}


def test_other_methods_and_pages_are_not_kept(client: FlaskClient, app: Flask) -> None:
    assert client.head("/routines").status_code == 200
    for path in ("/", "/guide", "/login", "/api/routines"):
        client.get(path)
    assert _keys(app) == set()


def test_string_built_urls_match_url_for(app: Flask) -> None:
    catalog = app.extensions["limber_catalog"]
    with app.test_request_context("/routines"):
        for slug in catalog.routines:
            assert routine_url(slug) == url_for("pages.routine", slug=slug)
        for filters in (Filters(), Filters("back", "bedtime", 15), Filters(None, "desk", None)):
            for change in ({"area": None}, {"area": "legs"}, {"situation": "after-sitting"},
                           {"situation": None}, {"max_minutes": 5}, {"max_minutes": None}):
                values = {"area": filters.area, "situation": filters.situation,
                          "max_minutes": filters.max_minutes, **change}
                expected = url_for("pages.routines",
                                   **{k: v for k, v in values.items() if v is not None})
                assert _chip_url(filters, **change) == expected


def test_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = PageCache(max_entries=3, max_bytes=100)

    def page(size: int) -> CachedPage:
        return CachedPage(200, (), b"x" * size)

    for key in "abc":
        cache.put(key, page(10))
    assert cache.get("a") is not None  # now the most recently used
    cache.put("d", page(10))
    assert cache.get("b") is None and len(cache) == 3
    cache.put("e", page(90))
    assert [k for k in "acde" if cache.get(k)] == ["d", "e"]  # 100 bytes at most
    cache.put("f", page(101))  # larger than the whole cache: not kept
    assert cache.get("f") is None and cache.get("e") is not None


def test_web_workers_do_not_load_flask_migrate(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LIMBER_INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="x" * 32)
    code = ("import sys, stretch_app.wsgi as w; "
            "assert 'migrate' not in w.app.extensions; "
            "print(sorted({m.split('.')[0] for m in sys.modules} "
            "& {'alembic', 'flask_migrate', 'mako', 'pygments'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_command_line_and_tests_keep_flask_migrate(app: Flask, runner) -> None:  # noqa: ANN001
    assert "migrate" in app.extensions
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output


def test_signing_in_after_a_cached_view_shows_the_signed_in_page(client: FlaskClient) -> None:
    assert 'data-signed-in="false"' in client.get("/routines").get_data(as_text=True)
    sign_up(client)
    assert 'data-signed-in="true"' in client.get("/routines").get_data(as_text=True)
    client.post("/logout")
    assert 'data-signed-in="false"' in client.get("/routines").get_data(as_text=True)
