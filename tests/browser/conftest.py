"""Browser fixtures: the app on a live server, and Debian's Chromium driven by Playwright.

- ``live_server``: the app on 127.0.0.1 with a free port and a fresh SQLite database (one per
  test session, so one per xdist worker), CSRF on, the real routines; ``live_server.url`` is
  its base URL.
- ``browser``: Chromium from ``/usr/bin/chromium`` (or ``$LIMBER_CHROMIUM``); the tests are
  skipped with a reason when it or Playwright is missing, and fail instead when ``CI=true``.
- ``device``: "phone" (390×844, scale 3, touch) and "laptop" (1366×768); tests that take
  ``page`` run once for each. ``new_page(device, **context_options)`` makes more.
- Every page records console errors, uncaught exceptions, CSP violations and failed requests
  into ``page_problems``; a test that leaves any there fails at teardown.

Never run ``playwright install``: the Debian browser is used as it is.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask

from stretch_app import create_app
from stretch_app.extensions import db

from .helpers import get_json, has_switch

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

DEVICES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}

PASSWORD = "correct horse battery"

# Reports CSP violations to the console, where the page's listener collects them.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def chromium_path() -> str:
    return os.environ.get("LIMBER_CHROMIUM") or "/usr/bin/chromium"


def _unavailable(reason: str) -> NoReturn:
    """Skip with the reason, or fail when running in CI (where the browser must be there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@dataclass
class LiveServer:
    url: str
    app: Flask


def _buffered(app: Flask) -> Callable[..., Any]:
    """Wrap a WSGI app so each response is read and closed before it is sent.

    Werkzeug's development server does not close a response's iterator when the browser drops
    the connection mid-body, so a static file's handle would leak (a ResourceWarning, an error
    under our warning filter). Responses here are small, so buffering them costs nothing.
    """

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def running_app(tmp: Path, **settings: Any) -> Iterator[LiveServer]:
    """Serve a fresh app (its own SQLite database in tmp) on 127.0.0.1 until the block ends."""
    from werkzeug.serving import make_server

    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'test.db'}",
        "PASSWORD_METHOD": "pbkdf2:sha256:1000",
        **settings,
    }
    previous = os.environ.get("LIMBER_INSTANCE_PATH")
    os.environ["LIMBER_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        app = create_app(config)
    finally:
        if previous is None:
            os.environ.pop("LIMBER_INSTANCE_PATH", None)
        else:
            os.environ["LIMBER_INSTANCE_PATH"] = previous
    with app.app_context():
        db.create_all()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_app(tmp_path_factory.mktemp("live-server")) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not Path(chromium_path()).exists():
        _unavailable(
            f"no Chromium at {chromium_path()} (apt-get install chromium, or set LIMBER_CHROMIUM)"
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    from playwright.sync_api import Error

    try:
        instance = playwright_instance.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
    except Error as exc:
        _unavailable(f"Chromium at {chromium_path()} did not start: {exc}")
    yield instance
    instance.close()


@dataclass
class PageProblems:
    """What went wrong on a page: console errors, exceptions, CSP violations, failed loads."""

    items: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect messages matching `pattern` (e.g. the console line of a planned 400)."""
        self.allowed.append(re.compile(pattern))

    def _add(self, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.items.append(text)

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self._add(f"uncaught: {exc}"))
        page.on("requestfailed", self._failed)

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self._add(f"console error: {msg.text}")

    def _failed(self, request: Any) -> None:
        failure = request.failure or ""
        # A navigation that replaces a page aborts its pending requests: not a problem.
        if "ERR_ABORTED" not in failure:
            self._add(f"request failed: {request.url} {failure}")

    def clear(self) -> None:
        self.items.clear()


@pytest.fixture(params=sorted(DEVICES), ids=sorted(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(
    browser: Any, live_server: LiveServer, page_problems: PageProblems
) -> Iterator[Callable[..., Any]]:
    """Make a page in a fresh context: new_page("phone", color_scheme="dark", ...)."""
    contexts: list[Any] = []

    def make(device: str = "laptop", **options: Any) -> Any:
        settings = {
            **DEVICES[device],
            "base_url": live_server.url,
            "locale": "en-GB",
            "timezone_id": "Europe/Paris",
            **options,
        }
        context = browser.new_context(**settings)
        context.add_init_script(CSP_WATCH)
        contexts.append(context)
        page = context.new_page()
        page_problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    if page_problems.items:
        pytest.fail("problems in the browser:\n" + "\n".join(page_problems.items), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Any], device: str) -> Any:
    return new_page(device)


def sign_up(page: Any, login: str, password: str = PASSWORD) -> None:
    """Create an account through the sign-up form in the browser (which signs in)."""
    page.goto("/signup")
    page.get_by_label(re.compile(r"^(Username|Login|Name)", re.I)).first.fill(login)
    page.get_by_label(re.compile("^Password", re.I)).first.fill(password)
    page.get_by_label(re.compile("^Time zone", re.I)).first.fill("Europe/Paris")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"^(?!.*/signup)"))


@pytest.fixture(scope="module")
def catalog(live_server: LiveServer) -> list[dict[str, Any]]:
    listed = get_json(live_server, "/api/routines")["routines"]
    return [get_json(live_server, f"/api/routines/{r['slug']}") for r in listed]


@pytest.fixture(scope="module")
def sided(catalog: list[dict[str, Any]]) -> dict[str, Any]:
    """The shortest routine with a prep, transitions and a pose done on both sides."""
    found = [
        r for r in catalog if r["prep_seconds"] and r["transition_seconds"] and has_switch(r)
    ]
    assert found, "the content has no routine with a per-side pose"
    return min(found, key=lambda r: r["total_seconds"])
