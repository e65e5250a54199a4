"""Public pages kept in memory for signed-out visitors: same pages, own tokens, never signed-in."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
def test_cached_page_is_the_rendered_page_with_a_fresh_token(
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
        html = response.get_data(as_text=True)
        assert "limber-csrf-" not in html
        assert META.sub("", html) == META.sub("", reference.get_data(as_text=True))
        assert _token(html)
        # Every header as the uncached app sends it (the cookie's value is the visitor's own),
        # and a Vary that says the encoding was chosen.
        assert sorted((k, v) for k, v in response.headers.items()
                      if k not in ("Set-Cookie", "Vary")) == \
            sorted((k, v) for k, v in reference.headers.items()
                   if k not in ("Set-Cookie", "Vary"))
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.content_type == "text/html; charset=utf-8"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "limber_session=" in response.headers["Set-Cookie"]
    assert _token(first.get_data(as_text=True)) != _token(second.get_data(as_text=True))


def test_each_visitor_gets_a_token_valid_for_their_own_session_only(
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
    anna_token = _token(anna.get("/routines").get_data(as_text=True))
    ben_token = _token(ben.get("/routines").get_data(as_text=True))  # from the cache
    assert renders == ["routines.html"]
    assert anna_token != ben_token
    assert _keys(strict_app) == {"/routines?"}
    # Ben's token does not sign Anna up; each one's own does.
    refused = anna.post("/signup", data={"login": "anna", "password": PASSWORD,
                                         "time_zone": "UTC", "csrf_token": ben_token})
    assert refused.status_code == 400
    for client, login, token in ((anna, "anna", anna_token), (ben, "ben", ben_token)):
        done = client.post("/signup", data={"login": login, "password": PASSWORD,
                                            "time_zone": "UTC", "csrf_token": token})
        assert done.status_code == 302, login


def test_a_visitor_keeps_one_token_across_cached_pages(strict_app: Flask) -> None:
    client = strict_app.test_client()
    client.get("/routines")
    tokens = {_token(client.get(path).get_data(as_text=True)) for path in CACHED}
    # One session secret behind every page's token: any of them passes the check.
    for token in tokens:
        response = client.post("/login", data={"login": "nobody", "password": "wrong-password",
                                               "csrf_token": token})
        assert response.status_code != 400


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
        assert _token(html) and "limber-csrf-" not in html
    assert client.get("/poses?area=nowhere").status_code == 400
    assert _keys(app) == set()
    assert client.get("/routines?max_minutes=5").status_code == 200
    assert _keys(app) == {"/routines?max_minutes=5"}


def test_error_pages_carry_a_real_token_and_are_not_kept(client: FlaskClient, app: Flask) -> None:
    for path in ("/routines/no-such-routine", "/routines/no-such-routine/play",
                 "/poses/no-such-pose"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert _token(html) and "limber-csrf-" not in html
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
        return CachedPage(200, (), (b"x" * size,))

    for key in "abc":
        cache.put(key, page(10))
    assert cache.get("a") is not None  # now the most recently used
    cache.put("d", page(10))
    assert cache.get("b") is None and len(cache) == 3
    cache.put("e", page(90))
    assert [k for k in "acde" if cache.get(k)] == ["d", "e"]  # 100 bytes at most
    cache.put("f", page(101))  # larger than the whole cache: not kept
    assert cache.get("f") is None and cache.get("e") is not None


def test_token_is_escaped_into_the_page() -> None:
    assert CachedPage(200, (), (b"<a ", b">")).body('"<&') == b'<a &#34;&lt;&amp;>'


@pytest.mark.parametrize("parts", [(b"<a ", b">"), (b"only one part",), (b"", b"", b"x"),
                                   (b"<head>" * 500, b"</head>" + b"<p>a routine</p>" * 2000)])
@pytest.mark.parametrize("token", ["a-visitor-token", '"<&', ""])
def test_the_gzip_copy_is_the_page_with_the_token(parts: tuple[bytes, ...], token: str) -> None:
    page = CachedPage.compressed(200, (), parts)
    assert gzip.decompress(page.gzip(token)) == page.body(token)


@pytest.mark.parametrize("first", [True, False], ids=["rendered", "from-memory"])
def test_pages_are_gzipped_for_browsers_that_take_it(strict_app: Flask, first: bool) -> None:
    path = "/routines/back-unwind/play"
    cache = _cache(strict_app)
    for accept, encoded in {"gzip, deflate, br": True, "br;q=1, gzip;q=0": False,
                            "identity": False, "": False}.items():
        client = strict_app.test_client()
        if first:
            cache._pages.clear()
        else:
            client.get(path)
        response = client.get(path, headers={"Accept-Encoding": accept})
        body = response.get_data()
        assert int(response.headers["Content-Length"]) == len(body)
        assert response.headers.get("Content-Encoding") == ("gzip" if encoded else None), accept
        html = gzip.decompress(body).decode() if encoded else body.decode()
        if encoded:
            assert len(body) < len(html.encode()) / 3  # worth it on a phone's connection
        assert "limber-csrf-" not in html
        assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
        # The token in the page is this visitor's own and lets them sign up.
        done = client.post("/signup", data={"login": f"u{len(accept)}{first}",
                                            "password": PASSWORD, "time_zone": "UTC",
                                            "csrf_token": _token(html)})
        assert done.status_code == 302, accept


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


def test_a_browser_back_with_only_its_remember_cookie_is_signed_in(app: Flask) -> None:
    """The session cookie is gone (browser restarted), the remember cookie is not: the cached
    guest pages must not be served, and the page says it was made for a signed-in visitor."""
    guest = app.test_client()
    for path in CACHED:
        assert 'data-signed-in="false"' in guest.get(path).get_data(as_text=True)
    sign_up(app.test_client())
    member = app.test_client()
    member.post("/login", data={"login": "sam", "password": PASSWORD, "remember": "y"})
    remembered = member.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    assert remembered is not None
    returning = app.test_client()  # no session cookie, only the remember cookie
    returning.set_cookie(remembered.key, remembered.value, domain="localhost")
    for path in CACHED:
        response = returning.get(path)
        assert 'data-signed-in="true"' in response.get_data(as_text=True), path
        assert response.headers["X-Limber-Session"] == "user", path
    assert guest.get("/routines").headers["X-Limber-Session"] == "guest"
