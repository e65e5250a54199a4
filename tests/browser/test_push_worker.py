"""Reminders in Chromium: a push delivered to the service worker shows a notification, and
clicking it brings up the player.

The push arrives through DevTools (ServiceWorker.deliverPushMessage), as a push service would
deliver it. A click can only be made by the test (a script-constructed NotificationEvent):
Chromium lets a worker open or focus a window only during a click a person made, which DevTools
cannot make, so the test records the worker's openWindow and focus calls instead.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from stretch_app.reminders.sending import payload_for

from .conftest import LiveServer
from .helpers import wait_until

pytestmark = pytest.mark.browser

PLAYER = "/routines/quick-calf-reset/play"
SHOWN_JS = """async () => (await self.registration.getNotifications()).map((n) => ({
  title: n.title, body: n.body, tag: n.tag, icon: n.icon, url: n.data && n.data.url,
}))"""
# Dispatch a click on the notification with this tag; record what the worker asks of windows.
CLICK_JS = """async (tag) => {
  const calls = [];
  self.clients.openWindow = async (url) => { calls.push(["open", url]); return null; };
  WindowClient.prototype.focus = async function () {
    calls.push(["focus", this.url]);
    return this;
  };
  const [notification] = await self.registration.getNotifications({ tag });
  const event = new NotificationEvent("notificationclick", { notification });
  const jobs = [];
  // A script-made event refuses waitUntil; keep the handler's promise to wait for it here.
  Object.defineProperty(event, "waitUntil", { value: (job) => jobs.push(job) });
  self.dispatchEvent(event);
  await Promise.all(jobs);
  const left = (await self.registration.getNotifications({ tag })).length;
  return { calls, left, jobs: jobs.length };
}"""


class PushedWorker:
    """The page's service worker, and a way to deliver pushes to it through DevTools."""

    def __init__(self, page: Page, live_server: LiveServer) -> None:
        self.page, self.origin = page, live_server.url
        self.cdp = page.context.new_cdp_session(page)
        registrations: list[dict[str, Any]] = []
        self.cdp.on("ServiceWorker.workerRegistrationUpdated",
                    lambda e: registrations.extend(e["registrations"]))
        self.cdp.send("ServiceWorker.enable")
        # (A call into the page lets Playwright deliver the DevTools events meanwhile.)
        # This origin's live registration, the newest reported (an updated worker's old one is
        # reported too, as deleted).
        def live() -> list[dict[str, Any]]:
            return [r for r in registrations
                    if not r.get("isDeleted") and r["scopeURL"].startswith(self.origin)]

        wait_until(lambda: page.evaluate("1") and live(), "the worker's registration")
        self.registration_id = live()[-1]["registrationId"]
        self.worker = wait_until(lambda: page.context.service_workers, "the worker")[0]
        self.last = ""

    def push(self, data: str) -> None:
        self.last = data
        self.cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": self.origin, "registrationId": self.registration_id, "data": data,
        })

    def shown(self, tag: str) -> dict[str, Any]:
        def listed() -> list[dict[str, Any]]:
            return [n for n in self.worker.evaluate(SHOWN_JS) if n["tag"] == tag]

        # DevTools' delivery, not the worker, now and then drops a push while the worker
        # starts: deliver it once more, as a push service retries (a tag shows once).
        try:
            found = wait_until(listed, f"a notification tagged {tag}", seconds=10)
        except AssertionError:
            self.push(self.last)
            found = wait_until(listed, f"a notification tagged {tag}", seconds=20)
        assert len(found) == 1
        return found[0]

    def click(self, tag: str) -> dict[str, Any]:
        return self.worker.evaluate(CLICK_JS, tag)


@pytest.fixture
def pushed(new_page: Any, live_server: LiveServer) -> PushedWorker:
    page = new_page("phone")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=30_000)
    return PushedWorker(page, live_server)


def test_a_push_shows_the_reminder_and_a_click_opens_the_player(
    pushed: PushedWorker, live_server: LiveServer
) -> None:
    assert pushed.page.evaluate("Notification.permission") == "granted"
    pushed.push(json.dumps({
        "title": "Time to stretch", "body": "Calf reset · 4 min", "url": PLAYER,
        "tag": "reminder-7",
    }))
    shown = pushed.shown("reminder-7")
    assert shown == {
        "title": "Time to stretch", "body": "Calf reset · 4 min", "tag": "reminder-7",
        "icon": f"{live_server.url}/static/icons/icon-192.png",
        "url": f"{live_server.url}{PLAYER}",
    }
    # The icon is there to show.
    assert pushed.page.request.get(shown["icon"]).ok

    clicked = pushed.click("reminder-7")
    assert clicked == {"calls": [["open", f"{live_server.url}{PLAYER}"]], "left": 0, "jobs": 1}


def test_the_servers_own_reminder_says_what_to_do_and_opens_its_player(
    pushed: PushedWorker, live_server: LiveServer
) -> None:
    app = live_server.app
    routine = app.extensions["limber_catalog"].routines["quick-calf-reset"]
    with app.test_request_context("/"):
        payload = payload_for(routine, 9, date(2026, 12, 3))  # what `flask reminders send` posts
    pushed.push(json.dumps(payload))
    shown = pushed.shown(payload["tag"])
    assert shown["title"] == "Time to stretch"
    assert shown["body"] == payload["body"]
    assert shown["body"].startswith(f"{routine.title} · ") and shown["body"].endswith("start.")
    assert pushed.click(payload["tag"])["calls"] == [["open", f"{live_server.url}{PLAYER}"]]


def test_a_click_focuses_a_window_already_on_the_player(
    pushed: PushedWorker, live_server: LiveServer
) -> None:
    other = pushed.page.context.new_page()
    other.goto(PLAYER)
    pushed.push(json.dumps({"title": "Stretch", "body": "", "url": PLAYER, "tag": "r-2"}))
    pushed.shown("r-2")
    clicked = pushed.click("r-2")
    assert clicked["calls"] == [["focus", f"{live_server.url}{PLAYER}"]]
    assert clicked["left"] == 0


def test_a_reminder_never_leads_off_the_app(pushed: PushedWorker, live_server: LiveServer) -> None:
    pushed.push(json.dumps({"title": "Stretch", "url": "https://example.com/x", "tag": "r-3"}))
    assert pushed.shown("r-3")["url"] == f"{live_server.url}/"
    # The page the test opened is the home page: the click brings it forward.
    assert pushed.click("r-3")["calls"] == [["focus", f"{live_server.url}/"]]


def test_an_unreadable_push_still_shows_a_reminder(pushed: PushedWorker) -> None:
    # Chromium expects every push to show something; a garbled one shows the plain reminder.
    pushed.push("not json")
    shown = pushed.shown("limber-reminder")
    assert shown["title"] == "Time to stretch"
    assert shown["body"] == ""


def test_a_second_reminder_with_the_same_tag_replaces_the_first(pushed: PushedWorker) -> None:
    pushed.push(json.dumps({"title": "Stretch", "body": "First", "url": PLAYER, "tag": "r-4"}))
    pushed.shown("r-4")
    pushed.push(json.dumps({"title": "Stretch", "body": "Second", "url": PLAYER, "tag": "r-4"}))
    wait_until(lambda: pushed.shown("r-4")["body"] == "Second", "the second reminder")
