""""Cramp now" end to end on a phone: offline relief stretch, queued diary line, sent later."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from stretch_app.extensions import db
from stretch_app.models import CrampEntry, User

from .conftest import PASSWORD, LiveServer, sign_up
from .helpers import seed_diary

pytestmark = pytest.mark.browser

PENDING = "limber.cramps.pending"
SHOTS = Path("/tmp/shots-diary")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def stored_item(page: Page, key: str) -> str | None:
    """Read a localStorage key, looking again if the page reloads itself meanwhile."""
    for _ in range(50):
        try:
            return page.evaluate(f"localStorage.getItem('{key}')")
        except PlaywrightError:
            page.wait_for_load_state()
    raise AssertionError("the page kept reloading")


def pending(page: Page) -> list[dict[str, Any]]:
    return json.loads(stored_item(page, PENDING) or "[]")


def wait_for_empty_queue(page: Page, timeout: float = 10.0) -> None:
    """Wait until the queue is empty (the diary page reloads itself after sending)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pending(page):
            page.wait_for_load_state()
            return
        time.sleep(0.05)
    raise AssertionError(f"the cramp queue did not empty: {pending(page)}")


def entries_of(live_server: LiveServer, login: str) -> list[CrampEntry]:
    with live_server.app.app_context():
        found = db.session.execute(
            db.select(CrampEntry).join(User).where(User.login == login)
        ).scalars().all()
        db.session.expunge_all()
        return list(found)


def test_cramp_now_offline_then_sent_after_signing_in(
    new_page: Any, live_server: LiveServer
) -> None:
    login = f"cramp-{uuid.uuid4().hex[:10]}"
    setup = new_page("laptop")
    sign_up(setup, login)  # the account exists; this phone is not signed in
    setup.context.close()

    page = new_page("phone")
    assert page.viewport_size == {"width": 390, "height": 844}
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    page.clock.install(time=begin)
    page.goto("/")
    # One tap from any page.
    page.locator("header.site-header a.nav-cramp").click()
    expect(page).to_have_url(re.compile(r"/cramp-now$"))
    expect(page.get_by_role("heading", name="Where does it hurt?")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the relief pictures are fetched while online

    page.context.set_offline(True)
    page.clock.pause_at(begin + timedelta(seconds=20))
    page.get_by_role("link", name="Calf").click()

    stretch = page.locator("#cn-stretch")
    expect(stretch).to_be_visible()
    expect(page.locator("#cn-stretch-title")).to_have_text("Calf stretch")
    expect(page.locator("#cn-image")).to_have_attribute(
        "src", re.compile(r"/poses/standing-calf-stretch\.svg$"))
    page.wait_for_function("document.getElementById('cn-image').naturalWidth > 0")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text("0:30")
    page.get_by_role("button", name="Start", exact=True).click()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cramp-now-stretch-phone.png"), full_page=True)
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    page.clock.run_for(10_000)
    expect(timer).to_have_text("0:20")
    # A jump (a locked phone) fires each due timer once: the time left comes from the deadline.
    page.clock.fast_forward("00:07")
    expect(timer).to_have_text("0:13")
    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(5_000)
    expect(timer).to_have_text("0:13")
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(13_000)

    after = page.locator("#cn-after")
    expect(after).to_be_visible()
    expect(stretch).to_be_hidden()
    page.get_by_label("How strong was it?").select_option("7")
    page.get_by_label("A few words").fill("calf at night, eased with the wall stretch")
    page.get_by_role("button", name="Save to my diary").click()

    expect(page.locator("#cn-saved")).to_contain_text("Kept on this device")
    expect(page.get_by_role("link", name="Sign in to add it to your diary")).to_be_visible()
    page.screenshot(path=str(SHOTS / "cramp-now-queued-phone.png"), full_page=True)
    [item] = pending(page)
    assert UUID4.match(item["id"])
    assert item["location"] == "calf" and item["strength"] == 7
    assert item["time_zone"] == "Europe/Paris"
    assert item["note"] == "calf at night, eased with the wall stretch"
    assert datetime.fromisoformat(item["occurred_at"]) == begin + timedelta(seconds=20)
    assert entries_of(live_server, login) == []

    # Back online and signed in: the next page sends the queued line, once.
    page.clock.resume()
    page.context.set_offline(False)
    page.get_by_role("link", name="Sign in to add it to your diary").click()
    page.get_by_label(re.compile(r"^(Username|Login|Name)", re.I)).first.fill(login)
    page.get_by_label(re.compile("^Password", re.I)).first.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/diary$"))
    wait_for_empty_queue(page)
    expect(page.locator(".entry-card").first).to_contain_text("calf at night")

    [row] = entries_of(live_server, login)
    assert row.client_id == item["id"]
    assert (row.location, row.strength, row.time_zone) == ("calf", 7, "Europe/Paris")

    # A resend of the same line (say its answer was lost) never makes a second row.
    page.evaluate(f"localStorage.setItem('{PENDING}', JSON.stringify([{json.dumps(item)}]))")
    page.reload()
    wait_for_empty_queue(page)
    assert len(entries_of(live_server, login)) == 1
    assert stored_item(page, "limber.cramps.rejected") is None


OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Whether the element is inside the viewport and nothing (the tab bar, say) covers its middle.
IN_REACH_JS = """(e) => {
  const r = e.getBoundingClientRect();
  const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return inside && r.height > 0 && (hit === e || e.contains(hit));
}"""
SCREENS = {
    "390x844": ("phone", {"width": 390, "height": 844}),
    "844x390": ("phone", {"width": 844, "height": 390}),
    "360x740": ("phone", {"width": 360, "height": 740}),
    "1366x768": ("laptop", {"width": 1366, "height": 768}),
}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_cramp_now_shows_cautions_waits_for_start_and_keeps_it_eased_in_reach(
    new_page: Any, screen: str
) -> None:
    device, viewport = SCREENS[screen]
    page = new_page(device, viewport=viewport)
    page.clock.install(time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    page.goto("/cramp-now")
    page.get_by_role("link", name="Abdomen").click()
    expect(page.locator("#cn-stretch-title")).to_have_text("Belly breathing")
    expect(page.locator("#cn-image")).to_have_attribute(
        "src", re.compile(r"/poses/belly-breathing\.svg$"))

    # The pose's own cautions, and the line for pregnancy, right under its picture.
    care = page.locator("#cn-care")
    expect(care).to_be_visible()
    expect(care.get_by_role("heading", name="Take care")).to_be_visible()
    expect(care).to_contain_text(
        "If you are pregnant, call your midwife or doctor about belly pain or cramps.")
    expect(care).to_contain_text("in later pregnancy, prop your head and back on pillows")
    picture = page.locator("#cn-figure").bounding_box()
    box = care.bounding_box()
    assert picture and box
    assert 0 <= box["y"] - (picture["y"] + picture["height"]) <= 24
    assert abs(box["x"] - picture["x"]) <= 1
    expect(page.get_by_text("Sphinx")).to_have_count(0)

    # Nothing runs until Start: reading the steps costs no stretching time.
    timer = page.get_by_role("timer")
    expect(timer).to_have_text("1:00")
    expect(page.get_by_role("button", name="It eased")).to_be_hidden()
    page.clock.run_for(15_000)
    expect(timer).to_have_text("1:00")
    start = page.get_by_role("button", name="Start", exact=True)
    assert start.evaluate(IN_REACH_JS)
    start.click()
    expect(page.get_by_role("button", name="Pause")).to_be_focused()
    page.clock.run_for(10_000)
    expect(timer).to_have_text("0:50")

    # "It eased" and the time left are in reach without scrolling, and stay there.
    eased = page.get_by_role("button", name="It eased")
    assert page.evaluate("scrollY") == 0
    assert eased.evaluate(IN_REACH_JS), screen
    assert timer.evaluate(IN_REACH_JS), screen
    page.locator("#cn-steps li").last.scroll_into_view_if_needed()
    assert eased.evaluate(IN_REACH_JS), screen
    assert page.evaluate(OVERFLOW_JS) <= 0
    eased.click()
    expect(page.get_by_role("heading", name="Well done. How was it?")).to_be_visible()


@pytest.mark.parametrize("place", ["calf", "foot", "thigh", "back"])
def test_every_place_shows_its_cautions(new_page: Any, place: str) -> None:
    page = new_page("phone")
    page.goto("/cramp-now")
    page.locator(f"[data-where={place}]").click()
    care = page.locator("#cn-care")
    expect(care).to_be_visible()
    expect(care.locator("li")).to_have_count(2)
    expect(care.locator("li strong").first).to_have_text(re.compile(r"\w.*:$"))
    expect(page.locator("#cn-care-note")).to_be_hidden()


def test_diary_pages_fit_and_print(new_page: Any, live_server: LiveServer, device: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = new_page(device)
    for path, name in (("/guide", "guide"), ("/cramp-now", "cramp-now")):
        page.goto(path)
        assert page.evaluate(OVERFLOW_JS) <= 0, path
        page.screenshot(path=str(SHOTS / f"{name}-{device}.png"), full_page=True)
    login = f"diary-{uuid.uuid4().hex[:10]}"
    sign_up(page, login)
    seed_diary(live_server, login)
    for path, name in (("/diary", "diary"), ("/diary/patterns", "patterns"),
                       ("/diary/new", "new"), ("/diary/summary", "summary")):
        page.goto(path)
        assert page.evaluate(OVERFLOW_JS) <= 0, path
        page.screenshot(path=str(SHOTS / f"{name}-{device}.png"), full_page=True)
    page.goto("/diary/patterns")
    expect(page.get_by_role("img", name=re.compile("Cramps per week"))).to_be_visible()
    expect(page.get_by_text("Time to see a doctor")).to_be_visible()

    page.goto("/diary/summary")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".period-form")).to_be_hidden()
    page.screenshot(path=str(SHOTS / f"summary-print-{device}.png"), full_page=True)
    # The printable width of A4 and Letter with the sheet's 12 mm side margins, in CSS px.
    for paper, width in (("a4", 703), ("letter", 725)):
        page.set_viewport_size({"width": width, "height": 1000})
        assert page.evaluate(OVERFLOW_JS) <= 0, paper
    if device == "laptop":
        for paper in ("A4", "Letter"):
            page.pdf(path=str(SHOTS / f"summary-{paper.lower()}.pdf"), format=paper)
