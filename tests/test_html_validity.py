"""Every page the app serves, and every stylesheet, as an outside checker reads them.

The Nu HTML Checker (the `vnu-jar` npm package, run by Java) checks every page, signed out and
signed in, empty and with data, forms with and without errors, and the error pages, plus the
CSS. Two checks that need no Java run as well: ids are unique on a page, and `aria-label` sits
only on elements that may be named. Outside CI a missing Java or jar skips the checker's test
with the reason; under CI=true it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PASSWORD = "correct horse battery"
SERVER_ERROR = "Something went wrong on our side. Nothing was saved; please try again."

# Values for the arguments of the app's GET routes; a new kind of argument must be added here.
Arguments = dict[str, list[str]]
# Query strings that change what a page shows (filters, empty results, errors).
VARIANTS = {
    "pages.routines": ["area=legs", "situation=bedtime", "max_minutes=1", "area=nowhere",
                       "can=chair&can=floor&situation=desk", "can=sofa"],
    "pages.poses": ["area=back", "q=zzzz", "area=nowhere", "can=bed&q=knee", "can=sofa"],
    "guide.cramp_now": [f"where={w}" for w in ("calf", "foot", "thigh", "abdomen", "back")],
    "diary.index": ["page=2"],
    "diary.new": ["location=calf"],
    "diary.summary": ["from=2025-01-01&to=2025-01-31", "from=nonsense"],
}


def csrf_token(client: FlaskClient) -> str:
    """Return a CSRF token as a signed-out page's script gets one."""
    return client.get("/api/csrf").get_json()["csrf_token"]


def send(client: FlaskClient, method: str, url: str, **kwargs: Any) -> Any:
    """Make a state-changing request with this client's CSRF token."""
    headers = {"X-CSRFToken": csrf_token(client)}
    return client.open(url, method=method, headers=headers, **kwargs)


class Site:
    """Rendered pages of one app, by a file name that says what each one is."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pages: dict[str, str] = {}

    def keep(self, who: str, response: Any, url: str, method: str = "GET") -> None:
        assert response.mimetype == "text/html", (url, response.status_code)
        name = re.sub(r"[^A-Za-z0-9]+", "-", f"{who} {method} {url}").strip("-") or "root"
        self.pages[f"{name}.html"] = response.get_data(as_text=True)

    def every_get(self, client: FlaskClient, who: str, arguments: Arguments,
                  skip: frozenset[str] = frozenset()) -> None:
        """Keep every HTML page the app answers to a GET (but routes taking a `skip`
        argument), with each query variant."""
        for rule in self.app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.arguments & skip:
                continue
            missing = set(rule.arguments) - set(arguments)
            assert not missing, f"{rule.rule}: give values for {missing} in this test"
            for values in _combinations(rule.arguments, arguments):
                with self.app.test_request_context():
                    base = self._url(rule.endpoint, values)
                for query in ["", *VARIANTS.get(rule.endpoint, [])]:
                    url = f"{base}?{query}" if query else base
                    response = client.get(url)
                    if response.mimetype == "text/html" and response.status_code != 302:
                        self.keep(who, response, url)

    @staticmethod
    def _url(endpoint: str, values: dict[str, str]) -> str:
        from flask import url_for

        return url_for(endpoint, **values)


def _combinations(names: set[str], arguments: Arguments) -> Iterator[dict[str, str]]:
    if not names:
        yield {}
        return
    first, *rest = sorted(names)
    for value in arguments[first]:
        for others in _combinations(set(rest), arguments):
            yield {first: value, **others}


def render_site(app: Flask) -> dict[str, str]:
    """Render every page: signed out, a new account, an account with data, errors, forms."""
    site = Site(app)
    catalog = app.extensions["limber_catalog"]
    plans = sorted(app.extensions["limber_plans"])
    arguments: Arguments = {"slug": sorted(catalog.routines) + plans,
                            "pose_id": sorted(catalog.poses),
                            "entry_id": ["1"],  # a guest is sent to sign in; a new member, 404
                            "reminder_id": ["1"], "token": ["x" * 43], "routine_id": ["1"]}

    guest = app.test_client()
    site.every_get(guest, "guest", arguments)
    site.keep("guest", guest.get("/no-such-page"), "/no-such-page")
    site.keep("guest", guest.get("/logout"), "/logout")  # 405
    site.keep("guest", guest.post("/logout"), "/logout", "POST")  # 400: no CSRF token
    site.keep("guest", send(guest, "POST", "/signup", data={
        "login": "x", "password": "short", "time_zone": "Mars/Base"}), "/signup", "POST")
    site.keep("guest", send(guest, "POST", "/login", data={
        "login": "nobody", "password": PASSWORD}), "/login", "POST")

    member = app.test_client()
    response = send(member, "POST", "/signup", data={
        "login": "sam", "password": PASSWORD, "time_zone": "Europe/London"})
    assert response.status_code == 302, response.get_data(as_text=True)
    site.keep("welcome", member.get("/"), "/")  # with the flashed welcome
    # Routine and pose pages do not change with an account's data: the full member pass has them.
    site.every_get(member, "new-member", arguments, skip=frozenset({"slug", "pose_id"}))

    _add_history(member, sorted(catalog.routines)[0])
    entries = [str(_add_cramp(member, day, n)) for n, day in enumerate(_recent_days(30))]
    reminder = send(member, "POST", "/api/reminders", json={"days": [1, 2, 3, 4, 5],
                                                            "time": "08:00", "routine": None})
    assert reminder.status_code == 201, reminder.get_data(as_text=True)
    feed = send(member, "POST", f"/api/reminders/{reminder.get_json()['id']}/feed")
    token = feed.get_json()["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    own = send(member, "POST", "/api/my-routines", json={
        "title": "My evening list", "steps": [{"pose": sorted(catalog.poses)[0]}]})
    assert own.status_code == 201, own.get_data(as_text=True)
    if plans:
        assert send(member, "POST", "/api/plan", json={"plan": plans[0]}).status_code == 201
    site.every_get(member, "member", {**arguments, "entry_id": entries[:2],
                                      "reminder_id": [str(reminder.get_json()["id"])],
                                      "token": [token], "routine_id": [str(own.get_json()["id"])],
                                      "slug": [*arguments["slug"], own.get_json()["slug"]]})
    for url, data in (
        ("/settings", {"weekly_goal": "99", "time_zone": "Mars/Base"}),
        ("/settings/password", {"pw-current": "wrong password", "pw-new": "x"}),
        ("/settings/delete", {"del-password": "wrong password"}),
        ("/diary/new", {"occurred_at": "soon", "location": "moon", "strength": "11"}),
        (f"/diary/{entries[0]}/edit", {"occurred_at": "", "strength": "0"}),
    ):
        site.keep("member", send(member, "POST", url, data=data), url, "POST")

    with app.test_request_context("/"):
        site.pages["error-500.html"] = render_template(
            "error.html", status=500, title="Something went wrong", message=SERVER_ERROR)
    return site.pages


def _recent_days(count: int) -> list[date]:
    """Return every other day before today (today's hours may not have come yet in UTC)."""
    today = date.today()
    return [today - timedelta(days=1 + 2 * n) for n in range(count)]


def _add_history(client: FlaskClient, routine: str) -> None:
    """Finish a routine now and then, and mark two days off (two kinds)."""
    for n, day in enumerate(_recent_days(12)):
        response = send(client, "POST", "/api/completions", json={
            "id": f"00000000-0000-4000-8000-{n:012d}", "routine": routine,
            "started_at": f"{day.isoformat()}T08:00:00+00:00",
            "ended_at": f"{day.isoformat()}T08:01:10+00:00",
            "time_zone": "Europe/London", "steps_done": 2, "steps_total": 2,
            "seconds_done": 70, "finished": n % 3 != 0})
        assert response.status_code in (200, 201), response.get_data(as_text=True)
    for day, kind in ((date.today() - timedelta(days=2), "rest"),
                      (date.today() - timedelta(days=4), "sick")):
        response = send(client, "POST", "/history/days-off",
                        data={"day": day.isoformat(), "kind": kind})
        assert response.status_code in (302, 303), response.get_data(as_text=True)


def _add_cramp(client: FlaskClient, day: date, n: int) -> int:
    response = send(client, "POST", "/api/cramps", json={
        "occurred_at": f"{day.isoformat()}T02:15:00+00:00", "time_zone": "Europe/London",
        "location": ("calf", "foot", "thigh", "abdomen", "back", "other")[n % 6],
        "strength": 1 + n % 10, "duration_minutes": n % 7, "woke_me": n % 2 == 0,
        "triggers": [["night"], ["sitting", "dehydration"], []][n % 3],
        "red_flags": ["swelling"] if n == 5 else [], "note": f"entry <{n}> & more"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.get_json()["id"])


@pytest.fixture
def site(make_app: Callable[..., Flask]) -> dict[str, str]:
    """Every page of the app on its real content, CSRF checks on as in production."""
    return render_site(make_app(WTF_CSRF_ENABLED=True, CONTENT_DIR=str(ROOT / "routines")))


# ---- checks that need no Java -----------------------------------------------------------------

# ARIA forbids naming these roles: aria-label on them is ignored or read oddly.
UNNAMEABLE = {"div", "span", "p", "b", "i", "u", "s", "small", "code", "em", "strong", "del",
              "ins", "sub", "sup", "pre", "q", "samp", "kbd", "var", "data", "abbr", "mark"}


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.unnamed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag in UNNAMEABLE and "aria-label" in found and not found.get("role"):
            self.unnamed.append(f'<{tag} aria-label="{found["aria-label"]}">')


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def test_ids_are_unique_on_every_page(site: dict[str, str]) -> None:
    repeated = {}
    for name, html in site.items():
        ids = _markup(html).ids
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            repeated[name] = twice
    assert not repeated, repeated


def test_aria_label_only_on_elements_that_may_be_named(site: dict[str, str]) -> None:
    found = {name: m.unnamed for name, html in site.items() if (m := _markup(html)).unnamed}
    assert not found, found


def test_the_site_covers_every_kind_of_page(site: dict[str, str]) -> None:
    names = " ".join(site)
    for part in ("-play.html", "guest-GET-poses-", "guest-GET-guide",
                 "guest-GET-safety", "guest-GET-cramp-now-where-calf", "guest-GET-offline",
                 "guest-GET-login", "guest-GET-signup", "guest-GET-no-such-page",
                 "member-GET-history", "member-GET-diary-patterns", "member-GET-diary-summary",
                 "member-GET-diary-new", "member-GET-settings", "new-member-GET-diary",
                 "member-POST-diary-new", "error-500"):
        assert part in names, part


# ---- the Nu HTML Checker ----------------------------------------------------------------------


@pytest.fixture
def java() -> str:
    """Return the java command, or skip (fail under CI) saying what is missing."""
    java = shutil.which("java")
    missing = [what for what, there in (
        ("Java (Debian: apt-get install default-jre-headless)", java),
        (f"{VNU_JAR.relative_to(ROOT)} (npm ci at the repository root)", VNU_JAR.is_file()),
    ) if not there]
    if missing:
        reason = "The Nu HTML Checker needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return java or "java"


# The checker's CSS grammar predates container queries (CSS Containment 3), which every
# current browser supports; only those two messages are set aside.
CONTAINER_QUERY = re.compile(r"Property “container(-type|-name)?” doesn't exist|"
                             r"Unrecognized at-rule “@container”")


def _container_query(message: str) -> bool:
    return CONTAINER_QUERY.search(message) is not None


def test_every_page_and_stylesheet_passes_the_nu_html_checker(java: str, site: dict[str, str],
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, html in site.items():
        (folder / name).write_text(html, encoding="utf-8")
    stylesheets = sorted((ROOT / "static" / "css").glob("*.css"))
    assert stylesheets
    files = [str(folder / name) for name in sorted(site)] + [str(p) for p in stylesheets]
    # One run (one JVM start) over every file; --also-check-css reads the .css files as CSS.
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--also-check-css",
         "--skip-info-messages", *files],
        capture_output=True, text=True, timeout=600, check=False,
    )
    report = json.loads(result.stdout)
    errors = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f"\n    {m.get('extract', '').strip()}"
        for m in report["messages"] if m.get("type") in ("error", "non-document-error")
        and not _container_query(m.get("message", ""))
    ]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
    # 1 means "messages found": only the set-aside ones, as the line above checked.
    assert result.returncode in (0, 1), result.stderr[-2000:]
