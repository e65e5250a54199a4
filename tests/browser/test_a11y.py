"""Accessibility in Chromium: axe-core on every page (light and dark), keyboard only, visible
focus, touch targets, reduced motion and text at 200 %.

axe-core comes from the axe-playwright-python package (its bundled axe.min.js), injected
through the DevTools protocol, so the pages' strict CSP stays as it is and nothing is fetched
from another host.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from stretch_app.extensions import db
from stretch_app.models import CrampEntry, User

from .conftest import LiveServer, PageProblems, sign_up
from .helpers import check_axe, seed_diary

pytestmark = pytest.mark.browser


SHOTS = Path("/tmp/shots-a11y")
ROUTINE = "quick-calf-reset"
T0 = 1_790_000_000  # a fixed instant (seconds) for the player's fake clock
GUEST_PAGES = [
    "/",
    "/routines",
    "/routines?area=legs&max_minutes=10",
    "/routines?can=chair&can=bed",
    f"/routines/{ROUTINE}",
    f"/routines/{ROUTINE}/print",
    "/routines/lower-back-relief",
    "/poses",
    "/poses?area=back&q=stretch",
    "/poses?can=bed",
    "/poses/standing-calf-stretch",
    "/guide",
    "/safety",
    "/cramp-now",
    "/cramp-now?where=calf",
    "/plans",
    "/plans/six-weeks-bedtime-calf-and-hamstring",
    "/offline",
    "/login",
    "/signup",
    "/no-such-page",
]
SIGNED_IN_PAGES = [
    "/",
    "/settings",
    "/history",
    "/diary",
    "/diary/new",
    "/diary/patterns",
    "/diary/summary",
    "/plans/desk-back",
]
# Elements that must offer a 44 × 44 px target (inline links in running text are exempt).
TARGETS = (
    "button, .button, .chip, a.pill, .main-nav a, .nav-cramp, select, summary, .field-check, "
    "input:not([type=checkbox]):not([type=radio]):not([type=hidden])"
)
OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


SMALL_TARGETS_JS = """(selector) => [...document.querySelectorAll(selector)].filter((e) => {
  if (!e.checkVisibility({ visibilityProperty: true })) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.width < 44 || r.height < 44);
}).map((e) => {
  const r = e.getBoundingClientRect();
  return `${Math.round(r.width)}x${Math.round(r.height)} ${e.outerHTML.slice(0, 90)}`;
})"""


def small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS_JS, TARGETS)


@pytest.fixture
def signed_in_page(new_page: Any, live_server: LiveServer) -> Iterator[Any]:
    def make(device: str, **options: Any) -> Page:
        page = new_page(device, service_workers="block", **options)
        login = f"a11y-{uuid.uuid4().hex[:10]}"
        sign_up(page, login)
        seed_diary(live_server, login)
        return page

    yield make


def first_entry_url(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        entry_id = db.session.execute(
            db.select(CrampEntry.id).join(User).order_by(CrampEntry.id.desc()).limit(1)
        ).scalar_one()
    return f"/diary/{entry_id}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_and_touch_targets_on_every_page(
    new_page: Any, signed_in_page: Any, live_server: LiveServer, page_problems: PageProblems,
    scheme: str,
) -> None:
    """Every page, as a guest and signed in: light on a phone, dark on a laptop. axe finds
    nothing, and every button, field, chip and navigation link is at least 44 × 44 px."""
    device = "phone" if scheme == "light" else "laptop"
    page = new_page(device, color_scheme=scheme, service_workers="block")
    page_problems.allow(r"status of 404")  # /no-such-page
    checked = []
    small: dict[str, list[str]] = {}  # touch targets under 44 × 44 px, by page
    for path in GUEST_PAGES:
        page.goto(path)
        check_axe(page, f"{path} ({scheme}, guest)")
        small.update({path: found} if (found := small_targets(page)) else {})
        checked.append(path)

    # The player: ready (with the first-visit safety note), playing, paused, "this hurts", done.
    page.clock.install(time=T0)
    page.goto(f"/routines/{ROUTINE}/play")
    page.clock.pause_at(T0 + 10)
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    expect(page.locator("#safety-first")).to_be_visible()
    check_axe(page, f"player ready ({scheme})")
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(12_000)
    check_axe(page, f"player playing ({scheme})")
    page.get_by_role("button", name="This hurts").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check_axe(page, f"player 'this hurts' ({scheme})")
    page.get_by_role("button", name="Keep going").click()
    page.get_by_role("button", name="Pause", exact=True).click()
    check_axe(page, f"player paused ({scheme})")
    page.get_by_role("button", name="Resume", exact=True).click()
    page.clock.run_for(30 * 60 * 1000)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    check_axe(page, f"player done ({scheme})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"player-done-{scheme}.png"), full_page=True)

    # Cramp now: the relief stretch running, then the one-line diary form.
    page.goto("/cramp-now")
    page.get_by_role("link", name="Calf").click()
    expect(page.get_by_role("timer")).to_be_visible()
    check_axe(page, f"cramp-now stretch ({scheme})")

    signed = signed_in_page(device, color_scheme=scheme)
    for path in [*SIGNED_IN_PAGES, first_entry_url(live_server)]:
        signed.goto(path)
        check_axe(signed, f"{path} ({scheme}, signed in)")
        small.update({path: found} if (found := small_targets(signed)) else {})
        checked.append(path)
    signed.goto("/settings")
    signed.screenshot(path=str(SHOTS / f"settings-{device}-{scheme}.png"), full_page=True)
    assert len(checked) >= 20
    assert not small, f"touch targets under 44 px on the {device}: {small}"


FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName, id: e.id, text: (e.textContent || e.value || "").trim().slice(0, 60),
    href: e.getAttribute("href"),
    outline: s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0,
    shadow: s.boxShadow !== "none",
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
      && r.right > 0 && r.left < innerWidth,
  };
}"""


def tab_until(page: Page, wanted: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until `wanted(focus)` holds; every stop on the way shows a visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus is None:
            continue
        assert focus["visible"], f"focus is off screen: {focus}"
        assert focus["outline"] >= 2 or focus["shadow"], f"no visible focus: {focus}"
        if wanted(focus):
            return focus
    raise AssertionError("never reached the wanted element with Tab")


def test_keyboard_only_home_routine_play_pause_done(new_page: Any) -> None:
    page = new_page("laptop", service_workers="block")
    page.clock.install(time=T0)
    page.goto("/")
    page.clock.pause_at(T0 + 5)

    # The first Tab stop is the skip link, shown when focused; it moves focus to the content.
    skip = tab_until(page, lambda f: True, limit=1)
    assert skip["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # The first routine offered on the home page ("Got five minutes?").
    card = tab_until(page, lambda f: bool(re.fullmatch(r"/routines/[\w-]+", f["href"] or "")))
    slug = card["href"].rsplit("/", 1)[1]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/routines/{slug}$"))

    tab_until(page, lambda f: f["href"] == f"/routines/{slug}/play")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/routines/{slug}/play$"))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")

    start = tab_until(page, lambda f: f["id"] == "start-btn")
    assert start["text"] == "Start"
    page.keyboard.press("Enter")
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "playing")
    page.clock.run_for(3000)

    page.keyboard.press("Space")  # pause
    expect(player).to_have_attribute("data-state", "paused")
    timer = page.get_by_role("timer").text_content()
    page.clock.run_for(5000)
    assert page.get_by_role("timer").text_content() == timer
    page.keyboard.press("Space")  # resume
    expect(player).to_have_attribute("data-state", "playing")

    steps = int(page.locator("#step-count").text_content().split(" of ")[1])
    for _ in range(steps + 1):
        if player.get_attribute("data-state") == "done":
            break
        page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-state", "done")
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    again = tab_until(page, lambda f: f["id"] == "again-btn")
    assert again["text"] == "Play again"


MOVING_JS = """() => {
  const one = (t) => parseFloat(t) * (t.includes("ms") ? 1 : 1000);
  const ms = (v) => Math.max(...v.split(",").map(one));
  return [...document.querySelectorAll("*")].filter((e) => {
    const s = getComputedStyle(e);
    return (s.animationName !== "none" && ms(s.animationDuration) > 1)
      || ms(s.transitionDuration) > 1;
  }).map((e) => `${e.tagName}.${e.className}`);
}"""


@pytest.mark.parametrize("path", ["/", "/routines", f"/routines/{ROUTINE}", "/cramp-now"])
def test_reduced_motion_stops_animations_and_transitions(new_page: Any, path: str) -> None:
    page = new_page("phone", reduced_motion="reduce", service_workers="block")
    page.goto(path)
    assert page.evaluate(MOVING_JS) == []


def test_text_at_200_percent_loses_nothing(new_page: Any) -> None:
    """Text zoomed to 200 % (root font size, as a browser's font setting does) on a phone."""
    page = new_page("phone", service_workers="block")
    page.clock.install(time=T0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    clipped_js = """() => [...document.querySelectorAll(
        "main :is(h1, h2, p, li, a, button, label, dt, dd)")].filter((e) => {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 || !e.checkVisibility({ visibilityProperty: true })) return false;
      // Inside a sideways-scrolling row (the navigation, filter chips) it can be scrolled to.
      for (let p = e.parentElement; p; p = p.parentElement) {
        if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return false;
      }
      return r.right > innerWidth + 1 || r.left < -1 || e.scrollWidth > e.clientWidth + 1 &&
        getComputedStyle(e).overflowX === "hidden";
    }).map((e) => e.tagName + " " + (e.textContent || "").trim().slice(0, 40))"""
    for path in ("/", "/routines", f"/routines/{ROUTINE}", f"/routines/{ROUTINE}/play",
                 "/cramp-now?where=calf", "/guide", "/login", "/offline"):
        page.goto(path)
        if path.endswith("/play"):
            page.get_by_role("button", name="Got it").click()  # the first-visit safety note
            page.get_by_text("Sound and cues").click()  # its switches open over the page
        # Through the CSSOM: the pages' CSP refuses inline style elements.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= 33, (path, body)  # 1.0625rem at twice the default size
        assert page.evaluate(OVERFLOW_JS) <= 0, path
        assert page.evaluate(clipped_js) == [], path
        if path in ("/", f"/routines/{ROUTINE}/play"):
            name = re.sub(r"\W+", "-", path).strip("-") or "home"
            page.screenshot(path=str(SHOTS / f"text200-{name}.png"))
