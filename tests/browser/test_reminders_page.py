"""Reminders in Chromium: add the bedtime preset, turn notifications on, axe on the pages.

Playwright's contexts are private windows, where Chrome refuses the Push API ("Registration
failed - permission denied"), so a real subscription cannot be made here: one test checks the
page says so plainly. Another stands in for the browser maker's push service with a local
receiver (PushManager's subscribe answers with the receiver's subscription), so the rest of
the path runs for real: the page stores the subscription, a test message is encrypted, signed,
delivered and decrypted, and turning off forgets it.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from stretch_app.extensions import db
from stretch_app.models import User
from stretch_app.reminders.models import PushSubscription, Reminder

from ..push_receiver import PushReceiver
from .conftest import LiveServer, PageProblems, sign_up
from .helpers import check_axe

pytestmark = pytest.mark.browser

LIST = "/settings/reminders"
INCOGNITO = r"does not support the Push API in incognito mode"
# The browser maker's push service, played by the local receiver: a subscription that keeps
# in sessionStorage across reloads, as a real one keeps in the browser.
FAKE_PUSH_JS = """(info) => {
  const KEY = "test.fake-subscription";
  const make = (key) => ({
    endpoint: info.endpoint,
    options: { userVisibleOnly: true, applicationServerKey: key },
    toJSON: () => ({ endpoint: info.endpoint, expirationTime: null,
                     keys: { p256dh: info.p256dh, auth: info.auth } }),
    unsubscribe: async () => { sessionStorage.removeItem(KEY); return true; },
  });
  const bytes = (k) => Uint8Array.from(new Uint8Array(k.buffer || k));
  PushManager.prototype.subscribe = async function (options) {
    const key = bytes(options.applicationServerKey);
    sessionStorage.setItem(KEY, JSON.stringify([...key]));
    return make(key.buffer);
  };
  PushManager.prototype.getSubscription = async function () {
    const kept = sessionStorage.getItem(KEY);
    return kept ? make(Uint8Array.from(JSON.parse(kept)).buffer) : null;
  };
}"""


def login_name() -> str:
    return f"remind-{uuid.uuid4().hex[:10]}"


def stored(live_server: LiveServer, login: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the person's reminders (days, time) and push endpoints, as the server keeps them."""
    with live_server.app.app_context():
        uid = db.session.execute(select(User.id).where(User.login == login)).scalar_one()
        reminders = [(r.days, r.local_time) for r in db.session.execute(
            select(Reminder).where(Reminder.user_id == uid)).scalars()]
        endpoints = list(db.session.execute(
            select(PushSubscription.endpoint).where(PushSubscription.user_id == uid)).scalars())
        db.session.remove()
    return reminders, endpoints


def add_bedtime(page: Page) -> None:
    page.goto("/settings")
    page.get_by_role("link", name="Set up reminders").click()
    page.get_by_role("button", name="Add: Bedtime stretch, every day at 21:30").click()
    card = page.locator(".reminder-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("21:30")
    expect(card).to_contain_text("Every day")
    expect(card).to_contain_text(re.compile(r"Next: (Today|Tomorrow) 21:30"))
    expect(page.locator(".flash")).to_have_text("Reminder added: Every day at 21:30.")


def test_bedtime_preset_then_notifications_in_a_private_window(
        new_page: Any, device: str, live_server: LiveServer, page_problems: PageProblems) -> None:
    """Chrome refuses push in a private window: the page says so and stores nothing."""
    page_problems.allow(INCOGNITO)
    page = new_page(device)
    login = login_name()
    sign_up(page, login)
    add_bedtime(page)
    assert stored(live_server, login) == ([("1,2,3,4,5,6,7", "21:30")], [])

    page.context.grant_permissions(["notifications"], origin=live_server.url)
    expect(page.locator("#push-status")).to_have_text("Notifications are off for this device.")
    page.get_by_role("button", name="Turn on notifications on this device").click()
    status = page.locator("#push-status")
    expect(status).to_contain_text("Notifications could not be turned on", timeout=40_000)
    expect(status).to_contain_text("Private windows cannot take notifications")
    expect(status).to_contain_text("Add to calendar")
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    expect(page.get_by_role("button", name="Send a test")).to_be_hidden()
    assert stored(live_server, login)[1] == []


def test_blocked_notifications_say_how_to_allow_them(
        new_page: Any, live_server: LiveServer) -> None:
    page = new_page("phone")
    sign_up(page, login_name())
    page.goto(LIST)
    # Without a grant, headless Chromium answers the permission question with "denied".
    page.get_by_role("button", name="Turn on notifications on this device").click()
    status = page.locator("#push-status")
    expect(status).to_contain_text("Notifications are blocked for this site")
    expect(status).to_contain_text("allow notifications, then reload this page")
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_hidden()


IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize(("user_agent", "says"), [
    (IPHONE_SAFARI, "notifications work only when Limber is on the Home Screen"),
    (None, "This browser cannot show notifications from websites."),
])
def test_a_browser_without_push_says_so_and_offers_the_calendar(
        new_page: Any, live_server: LiveServer, user_agent: str | None, says: str) -> None:
    options = {"user_agent": user_agent} if user_agent else {}
    page = new_page("phone", **options)
    # As Safari outside a Home Screen install, or an older browser: no Push API at all.
    page.add_init_script("delete window.PushManager;")
    sign_up(page, login_name())
    add_bedtime(page)
    status = page.locator("#push-status")
    expect(status).to_contain_text(says)
    expect(status).to_contain_text("Use “Add to calendar” on a reminder instead")
    for name in ("Turn on notifications on this device", "Send a test", "Turn off on this device"):
        expect(page.get_by_role("button", name=name)).to_be_hidden()
    download = page.get_by_role("link", name=re.compile("^Add to calendar"))
    expect(download).to_be_visible()
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VCALENDAR" in Path(caught.value.path()).read_text()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


def test_notifications_on_test_and_off_through_a_stand_in_push_service(
        new_page: Any, live_server: LiveServer, receiver: PushReceiver) -> None:
    page = new_page("laptop")
    page.add_init_script(f"({FAKE_PUSH_JS})({json.dumps(receiver.subscription())})")
    login = login_name()
    sign_up(page, login)
    page.goto(LIST)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.get_by_role("button", name="Turn on notifications on this device").click()
    status = page.locator("#push-status")
    expect(status).to_have_text("Notifications are on for this device.", timeout=20_000)
    assert stored(live_server, login)[1] == [receiver.endpoint()]
    devices = page.locator("#push-devices")
    expect(devices).to_have_text("Reminders go to 1 device where you turned notifications on.")

    page.get_by_role("button", name="Send a test").click()
    expect(page.locator("#push-result")).to_have_text(
        "Test sent to 1 device. It should appear within a minute.", timeout=20_000)
    [message] = receiver.received
    assert message.problems == []
    assert message.payload["title"] == "Limber reminders are on"

    page.reload()  # the page knows this browser's subscription is this person's
    expect(status).to_have_text("Notifications are on for this device.")
    expect(page.locator(".push-panel")).to_contain_text("Reminders go to 1 device")
    page.get_by_role("button", name="Turn off on this device").click()
    expect(status).to_have_text("Notifications are off for this device.")
    expect(devices).to_contain_text("No device gets your reminders yet")
    assert stored(live_server, login)[1] == []


def test_the_day_choices_follow_each_other(new_page: Any, live_server: LiveServer) -> None:
    page = new_page("phone")
    sign_up(page, login_name())
    page.goto(f"{LIST}/new")
    ticks = {day: page.get_by_label(day, exact=True)
             for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
    page.get_by_label("Weekdays").check()
    assert [day for day, box in ticks.items() if box.is_checked()] == [
        "Mon", "Tue", "Wed", "Thu", "Fri"]
    ticks["Sat"].check()  # no longer weekdays
    expect(page.get_by_label("Only these days:")).to_be_checked()
    ticks["Sun"].check()  # all seven: every day
    expect(page.get_by_label("Every day")).to_be_checked()
    ticks["Mon"].uncheck()
    page.get_by_label("Time").fill("06:45")
    page.get_by_role("button", name="Add reminder").click()
    expect(page.locator(".reminder-card")).to_contain_text("06:45 Tue, Wed, Thu, Fri, Sat, Sun")


def test_a_long_routine_name_shows_in_full_on_a_narrow_phone(
        new_page: Any, live_server: LiveServer) -> None:
    page = new_page("phone", viewport={"width": 360, "height": 740})
    sign_up(page, login_name())
    page.goto(f"{LIST}/new")
    choices = page.locator("#routine option").all_text_contents()
    longest = max(choices, key=len)
    page.get_by_label("What to suggest").select_option(label=longest)
    line = page.locator("#routine-chosen")
    expect(line).to_be_visible()
    expect(line).to_contain_text(longest)
    expect(line).to_contain_text(re.compile(r"\d\u00a0min"))
    box = line.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    # A suggestion with no routine of its own needs no line.
    page.get_by_label("What to suggest").select_option(label="Something short for my area")
    expect(line).to_be_hidden()
    page.get_by_label("What to suggest").select_option(label=longest)
    page.get_by_label("Time").fill("21:30")
    page.get_by_role("button", name="Add reminder").click()
    page.locator(".reminder-card").get_by_role("link", name=re.compile("^Edit")).first.click()
    expect(page.locator("#routine-chosen")).to_contain_text(longest)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_reminders_pages(
        new_page: Any, live_server: LiveServer, page_problems: PageProblems, scheme: str) -> None:
    page_problems.allow(r"status of 422")  # the refused form, on purpose
    device = "phone" if scheme == "light" else "laptop"
    page = new_page(device, color_scheme=scheme, service_workers="block")
    sign_up(page, login_name())
    page.goto(LIST)
    check_axe(page, f"the empty list ({scheme})")
    add_bedtime(page)
    page.locator(".reminder-feed summary").click()
    page.get_by_role("button", name="Make a subscription link").click()
    expect(page.get_by_label("Private link for calendar apps")).to_have_value(
        re.compile(r"/reminders/feed/.+\.ics$"))
    check_axe(page, f"a reminder with its calendar link ({scheme})")
    page.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Only these days:").check()
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        page.get_by_label(day, exact=True).uncheck()
    page.get_by_role("button", name="Save reminder").click()
    expect(page.locator("#days-error")).to_have_text("Choose at least one day.")
    check_axe(page, f"the form with a message ({scheme})")
    page.goto(LIST)
    page.get_by_role("link", name=re.compile("^Delete")).click()
    check_axe(page, f"the delete question ({scheme})")
