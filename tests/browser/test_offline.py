"""Offline in Chromium: the service worker keeps the app, a routine plays with no connection,
and the session reaches the server exactly once when the connection is back."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from stretch_app.extensions import db
from stretch_app.models import Completion, User

from .conftest import LiveServer, PageProblems, sign_up
from .helpers import wait_until

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-offline")
PENDING = "limber.completions.pending"
SYNC_TAG = "limber-queue"

CACHE_NAMES_JS = "async () => (await caches.keys()).sort()"
KEPT_FOR_JS = """async (url) => {
  const name = (await caches.keys()).find((n) => n.startsWith("limber-pages-"));
  const response = name && (await (await caches.open(name)).match(url));
  return response ? response.headers.get("X-Limber-Session") : null;
}"""


def pending(page: Page) -> list[dict[str, Any]]:
    return json.loads(page.evaluate(f"localStorage.getItem('{PENDING}')") or "[]")


def completions_of(live_server: LiveServer, login: str) -> list[Completion]:
    with live_server.app.app_context():
        rows = db.session.execute(
            db.select(Completion).join(User).where(User.login == login)
        ).scalars().all()
        db.session.expunge_all()
        return list(rows)


def offline_ready(page: Page) -> None:
    """Wait until the worker says every page and asset is kept for this visitor."""
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=30_000)


@pytest.fixture
def signed_in(new_page: Any) -> Iterator[tuple[Page, str]]:
    page = new_page("phone")
    login = f"offline-{uuid.uuid4().hex[:10]}"
    # The worker installs while this is a guest's browser, and keeps the guest's pages ...
    page.goto("/guide")
    offline_ready(page)
    assert page.evaluate(KEPT_FOR_JS, page.url) == "guest:en"
    # ... signed in, the next page has it fetch them again, made for the signed-in visitor.
    sign_up(page, login)
    offline_ready(page)
    assert page.evaluate(KEPT_FOR_JS, page.url.split("?")[0]) == "user:en"
    yield page, login


def shortest_routine(page: Page) -> dict[str, Any]:
    listed = page.request.get("/api/routines").json()["routines"]
    return min(listed, key=lambda r: r["total_seconds"])


def test_a_routine_played_offline_is_recorded_once_back_online(
    signed_in: tuple[Page, str], live_server: LiveServer, page_problems: PageProblems
) -> None:
    page, login = signed_in
    routine = shortest_routine(page)
    slug = routine["slug"]
    play_url = f"{live_server.url}/routines/{slug}/play"
    assert page.evaluate(KEPT_FOR_JS, play_url) == "user:en"
    # Offline, the done screen's streak request fails, as it should.
    page_problems.allow(r"ERR_INTERNET_DISCONNECTED")
    # The kept page's CSRF token may be older than the session's: the queue refreshes it.
    page_problems.allow(r"status of 400")

    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=15)
    page.clock.install(time=begin)
    page.context.set_offline(True)

    # A routine never visited before, its player and its pictures, all from the worker.
    page.goto(f"/routines/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(routine["title"])
    assert page.evaluate("document.body.dataset.signedIn") == "true"
    page.get_by_role("link", name="Start routine").click()
    expect(page).to_have_url(play_url)
    page.clock.pause_at(begin + timedelta(seconds=30))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    wait_until(lambda: page.evaluate(
        "(() => { const i = document.getElementById('pose-image');"
        " return i.complete && i.naturalWidth > 0; })()"), "the pose picture")

    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(routine["total_seconds"] * 1000)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator("#done-saved")).to_have_text(
        "Saved on this device; it will be sent when the connection is back.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "done-offline-phone.png"))
    [item] = pending(page)
    assert item["routine"] == slug and item["finished"] is True
    assert completions_of(live_server, login) == []

    # Back online: the `online` event (and Background Sync) send the queue, once.
    page.clock.resume()
    page.context.set_offline(False)
    wait_until(lambda: not pending(page), "the queue to empty")
    [row] = completions_of(live_server, login)
    assert row.client_id == item["id"] and row.finished and row.routine_slug == slug
    assert page.evaluate("localStorage.getItem('limber.completions.rejected')") is None

    # Offline again: a reload gives the kept page, a page never kept gives the offline page,
    # and never the browser's own error page.
    page.context.set_offline(True)
    page.reload()
    expect(page).to_have_title(re.compile(r"^Play: "))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.goto("/history")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert page.url.endswith("/history")
    page.screenshot(path=str(SHOTS / "offline-page-phone.png"), full_page=True)
    page.reload()
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.get_by_role("link", name=routine["title"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(routine["title"])
    assert not page.url.startswith("chrome-error:")

    page.context.set_offline(False)
    page.goto("/")
    assert len(completions_of(live_server, login)) == 1


def test_pages_kept_offline_follow_a_change_of_language(
    signed_in: tuple[Page, str], live_server: LiveServer
) -> None:
    page, _login = signed_in
    page.goto("/guide")
    page.locator(".site-footer").get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    offline_ready(page)
    assert page.evaluate(KEPT_FOR_JS, f"{live_server.url}/guide") == "user:de"
    page.context.set_offline(True)
    try:
        page.goto("/routines")
        expect(page.locator("html")).to_have_attribute("lang", "de")
    finally:
        page.context.set_offline(False)
        page.locator(".site-footer").get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def test_background_sync_asks_the_open_pages_to_send_the_queue(
    signed_in: tuple[Page, str], live_server: LiveServer
) -> None:
    page, login = signed_in
    routine = shortest_routine(page)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    item = {
        "id": str(uuid.uuid4()), "routine": routine["slug"],
        "started_at": start.isoformat(), "ended_at": (start + timedelta(minutes=3)).isoformat(),
        "time_zone": "Europe/Paris", "steps_done": 1, "steps_total": 3, "seconds_done": 60,
        "finished": False,
    }
    # Queued without any page load or `online` event that would send it.
    page.evaluate("(item) => localStorage.setItem('limber.completions.pending',"
                  " JSON.stringify([item]))", item)

    # Going offline asks for a sync, which the browser fires when the connection is back.
    # (DevTools' record of background services shows it: emulated offline does not hold the
    # sync back, so the registration itself may be gone again before anyone looks.)
    cdp = page.context.new_cdp_session(page)
    background: list[dict[str, Any]] = []
    cdp.on("BackgroundService.backgroundServiceEventReceived",
           lambda e: background.append(e["backgroundServiceEvent"]))
    cdp.send("BackgroundService.startObserving", {"service": "backgroundSync"})
    cdp.send("BackgroundService.setRecording", {"shouldRecord": True, "service": "backgroundSync"})
    page.context.set_offline(True)
    # (A call into the browser lets Playwright deliver the DevTools events meanwhile.)
    wait_until(lambda: page.evaluate("1") and any(
        e["eventName"] == "Registered sync" and e["instanceId"] == SYNC_TAG for e in background),
        "a sync registration")
    page.context.set_offline(False)
    wait_until(lambda: not pending(page), "the queue to be sent")
    [row] = completions_of(live_server, login)
    assert row.client_id == item["id"]

    # The worker's `sync` event alone (dispatched through DevTools) makes the page send.
    item2 = {**item, "id": str(uuid.uuid4())}
    page.evaluate("(item) => localStorage.setItem('limber.completions.pending',"
                  " JSON.stringify([item]))", item2)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    wait_until(lambda: page.evaluate("1") and registrations, "the worker's registration")
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": live_server.url, "registrationId": registrations[0]["registrationId"],
        "tag": SYNC_TAG, "lastChance": False,
    })
    wait_until(lambda: not pending(page), "the sync event to send the queue")
    assert {r.client_id for r in completions_of(live_server, login)} == {item["id"], item2["id"]}
    cdp.send("BackgroundService.setRecording", {"shouldRecord": False, "service": "backgroundSync"})
    cdp.detach()


@pytest.fixture
def new_version(live_server: LiveServer) -> Iterator[str]:
    """Serve the worker with another version (as after a deploy), then the original again."""
    from stretch_app.views.offline import precache_plan

    with live_server.app.test_request_context():
        original = precache_plan()
    bumped = {**original, "version": "0123456789ab"}
    live_server.app.extensions["limber_precache"] = bumped
    try:
        yield bumped["version"]
    finally:
        live_server.app.extensions["limber_precache"] = original


def test_a_new_version_replaces_the_old_caches_on_activate(
    new_page: Any, live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    page = new_page("laptop")
    page.goto("/")
    offline_ready(page)
    old = page.evaluate(CACHE_NAMES_JS)
    assert len(old) == 2 and all(n.startswith("limber-") for n in old)
    page.evaluate("caches.open('limber-static-stale')")

    version = request.getfixturevalue("new_version")
    page.evaluate("async () => (await navigator.serviceWorker.ready).update()")
    expected = [f"limber-pages-{version}", f"limber-static-{version}"]
    wait_until(lambda: page.evaluate(CACHE_NAMES_JS) == expected, "only the new caches")
    # The page now under the new worker still works offline.
    page.context.set_offline(True)
    page.goto("/routines")
    expect(page.get_by_role("heading", name="Routines", exact=True)).to_be_visible()
    page.context.set_offline(False)


def test_the_offline_page_when_nothing_is_kept_for_that_address(new_page: Any) -> None:
    page = new_page("phone", color_scheme="dark")
    page.goto("/guide")
    offline_ready(page)
    page.context.set_offline(True)
    page.goto("/poses?q=calf")  # a page kept only when visited
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.screenshot(path=str(SHOTS / "offline-page-phone-dark.png"))
    page.goto("/cramp-now")  # kept on install: works offline from any page
    expect(page.get_by_role("heading", name="Where does it hurt?")).to_be_visible()
    page.context.set_offline(False)
