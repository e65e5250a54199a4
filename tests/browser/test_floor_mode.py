"""Floor mode: the player on a phone propped on the floor (and a laptop, and a tablet).

At four sizes, in every phase, the picture, the pose's name, its side, the countdown, "next up"
and the Pause button are all on screen at once, apart; phases differ in word and colour; the
right side is mirrored; cautions come before their hold. Timings are computed here from the
routine's JSON (the content rule in docs/CONTENT.md) on Playwright's fake clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .helpers import Segment, get_json, segments

pytestmark = pytest.mark.browser

T0 = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
START = T0 + timedelta(seconds=30)
SHOTS = Path("/tmp/shots-floor")
SIZES = {
    "844x390": ("phone", {"width": 844, "height": 390}),
    "390x844": ("phone", {"width": 390, "height": 844}),
    "1366x768": ("laptop", {"width": 1366, "height": 768}),
    "768x1024": ("phone", {"width": 768, "height": 1024}),
}
# The six things that must be visible together, and apart, while a routine plays.
PARTS = {
    "picture": "#pose-image",
    "name": "#pose-name",
    "side": "#pose-side",
    "timer": "[role=timer]",
    "next up": "#next-up-line",
    "pause": "#pause-btn",
}


@pytest.fixture(scope="module")
def routine(live_server: LiveServer) -> dict[str, Any]:
    """The shortest routine that starts on a sided pose and switches sides, with a plain
    "next pose" move too."""
    listed = get_json(live_server, "/api/routines")["routines"]
    found = []
    for r in listed:
        full = get_json(live_server, f"/api/routines/{r['slug']}")
        segs = segments(full)
        if (full["steps"][0]["side"] and full["prep_seconds"]
                and any(s.switch for s in segs)
                and any(s.kind == "transition" and not s.switch for s in segs)):
            found.append(full)
    assert found, "the content has no routine starting with a per-side pose"
    return min(found, key=lambda r: r["total_seconds"])


class Floor:
    """A player page on a fake clock; `at` is ms since Start was pressed."""

    def __init__(self, page: Page, routine: dict[str, Any]) -> None:
        self.page = page
        self.routine = routine
        self.segs = segments(routine)
        self.at = 0

    def open(self) -> Floor:
        self.page.clock.install(time=T0)
        self.page.goto(f"/routines/{self.routine['slug']}/play")
        self.page.clock.pause_at(START)
        expect(self.page.locator("#player")).to_have_attribute("data-ready", "true")
        if self.page.locator("#safety-first").is_visible():
            self.page.get_by_role("button", name="Got it").click()
        return self

    def start(self) -> Floor:
        self.page.get_by_role("button", name="Start", exact=True).click()
        self.at = 0
        return self

    def run_to(self, ms: int) -> None:
        assert ms >= self.at
        if ms > self.at:
            self.page.clock.run_for(ms - self.at)
        self.at = ms

    def first(self, kind: str, switch: bool | None = None, side: str | None = None) -> Segment:
        return next(
            s for s in self.segs
            if s.kind == kind and (switch is None or s.switch == switch)
            and (side is None or self.routine["steps"][s.step]["side"] == side)
        )

    def phase(self) -> tuple[str, str]:
        word = self.page.locator("#phase-word")
        return (word.text_content() or "").strip(), word.evaluate(
            "e => getComputedStyle(e).backgroundColor")

    def timer(self) -> str:
        return (self.page.get_by_role("timer").text_content() or "").strip()


def boxes(page: Page) -> dict[str, dict[str, float]]:
    out = {}
    for name, selector in PARTS.items():
        box = page.locator(selector).bounding_box()
        assert box, f"{name} is not shown"
        out[name] = box
    return out


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def check_floor(page: Page, label: str) -> None:
    """Everything that matters is on screen, apart, and the page does not scroll."""
    width = page.viewport_size["width"]
    height = page.viewport_size["height"]
    found = boxes(page)
    for name, box in found.items():
        assert box["x"] >= -0.5 and box["y"] >= -0.5, (label, name, box)
        assert box["x"] + box["width"] <= width + 0.5, (label, name, box)
        assert box["y"] + box["height"] <= height + 0.5, (label, name, box)
    names = list(found)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(found[a], found[b]), (label, a, b, found[a], found[b])
    share = 0.55 if width > height else 0.30
    assert found["picture"]["height"] >= share * height, (label, found["picture"], height)
    scroll = page.evaluate("[document.documentElement.scrollHeight - innerHeight,"
                           " document.documentElement.scrollWidth - innerWidth]")
    assert scroll[0] <= 0 and scroll[1] <= 0, (label, scroll)
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Exit")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_phase_fits_the_screen_and_looks_its_own(
    new_page: Any, routine: dict[str, Any], size: str, scheme: str
) -> None:
    device, viewport = SIZES[size]
    page = new_page(device, viewport=viewport, color_scheme=scheme, device_scale_factor=2)
    floor = Floor(page, routine).open()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = lambda phase: page.screenshot(path=str(SHOTS / f"{size}-{scheme}-{phase}.png"))  # noqa: E731
    shot("ready")
    floor.start()
    seen: dict[str, tuple[str, str]] = {}

    floor.run_to(2000)
    check_floor(page, f"{size} get ready")
    seen["get ready"] = floor.phase()
    shot("get-ready")

    hold = floor.first("hold")
    floor.run_to(hold.start + 3000)
    check_floor(page, f"{size} hold")
    seen["hold"] = floor.phase()
    shot("hold")

    page.get_by_role("button", name="Pause", exact=True).click()
    check_floor(page, f"{size} paused")
    seen["paused"] = floor.phase()
    shot("paused")
    page.get_by_role("button", name="This hurts").click()
    expect(page.get_by_role("dialog", name="Ease off")).to_be_visible()
    shot("this-hurts")
    page.get_by_role("button", name="Keep going").click()
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_role("dialog", name="Stop the routine?")).to_be_visible()
    shot("stop")
    page.get_by_role("button", name="Keep going").click()
    page.get_by_role("button", name="Resume", exact=True).click()

    switch = floor.first("transition", switch=True)
    floor.run_to(switch.start + 1000)
    check_floor(page, f"{size} switch sides")
    seen["switch"] = floor.phase()
    shot("switch-sides")

    right = next(s for s in floor.segs if s.kind == "hold" and s.start >= switch.end)
    floor.run_to(right.start + 2000)
    check_floor(page, f"{size} right side")
    shot("hold-right")

    move = next(s for s in floor.segs if s.kind == "transition" and not s.switch)
    floor.run_to(max(floor.at, move.start + 1000))
    check_floor(page, f"{size} next pose")
    seen["next"] = floor.phase()
    shot("next-pose")

    assert [w for w, _ in seen.values()] == [
        "Get ready", "Hold", "Paused", "Switch sides", "Next pose"]
    colours = [c for _, c in seen.values()]
    assert len(set(colours)) == len(colours), seen

    floor.run_to(floor.segs[-1].end)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    page.wait_for_timeout(900)  # the check mark's pop runs on real time
    shot("done")


@pytest.mark.parametrize("size", [(390, 844), (360, 740)])
def test_start_is_in_view_on_an_upright_phone(new_page: Any, size: tuple[int, int]) -> None:
    page = new_page("phone", viewport={"width": size[0], "height": size[1]},
                    service_workers="block")
    page.goto("/routines/lower-back-relief/play")  # its first pose has three cautions
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Got it").click()
    start = page.get_by_role("button", name="Start", exact=True)
    expect(start).to_be_in_viewport(ratio=1)
    box, tabs = start.bounding_box(), page.locator(".tab-bar").bounding_box()
    assert box and tabs and box["y"] + box["height"] <= tabs["y"], (box, tabs)
    # The cautions still come before the first hold, right under Start.
    expect(page.locator("#care")).to_be_visible()


NOTES_JS = """() => {
  const n = document.querySelector('#notes');
  return { hidden: n.scrollHeight - n.clientHeight, more: n.classList.contains('has-more'),
           fade: getComputedStyle(n, '::after').backgroundImage };
}"""


def test_cautions_cut_short_fade_until_scrolled_to_their_end(new_page: Any) -> None:
    page = new_page("phone", viewport={"width": 360, "height": 740}, service_workers="block")
    page.clock.install(time=T0)
    page.goto("/routines/lower-back-relief/play")  # its first pose has three cautions
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Got it").click()
    page.clock.pause_at(START)
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(2000)
    notes = page.evaluate(NOTES_JS)
    assert notes["hidden"] > 0, "the cautions fit: this screen cannot show the fade"
    assert notes["more"] and "linear-gradient" in notes["fade"], notes  # there is more below
    page.locator("#notes").evaluate("(n) => { n.scrollTop = n.scrollHeight; }")
    expect(page.locator("#notes")).not_to_have_class(re.compile(r"\bhas-more\b"))


@pytest.mark.parametrize("size", [(1366, 768), (844, 390)])
def test_the_first_safety_note_covers_the_whole_picture_side(
        new_page: Any, size: tuple[int, int]) -> None:
    page = new_page("laptop", viewport={"width": size[0], "height": size[1]},
                    service_workers="block")
    page.goto("/routines/lower-back-relief/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    note = page.locator("#safety-first").bounding_box()
    picture = page.locator("#figure").bounding_box()
    assert note and picture
    assert note["y"] <= picture["y"] + 1, (note, picture)
    assert note["y"] + note["height"] >= picture["y"] + picture["height"] - 1, (note, picture)
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_in_viewport()


def test_the_right_side_is_mirrored_and_cautions_come_before_the_hold(
    new_page: Any, routine: dict[str, Any]
) -> None:
    page = new_page("phone", viewport={"width": 844, "height": 390})
    floor = Floor(page, routine).open()
    picture = page.locator("#pose-image")
    care = page.locator("#care")
    step = routine["steps"][0]
    expect(care).to_contain_text(step["cautions"][0])  # before Start, too
    floor.start()
    floor.run_to(1000)
    expect(care).to_be_visible()
    for line in step["cautions"]:
        expect(care).to_contain_text(line)
    announced = page.locator("#announcer")
    expect(announced).to_contain_text("Take care: " + " ".join(step["cautions"]))

    hold = floor.first("hold", side="left")
    floor.run_to(hold.start + 1000)
    expect(care).to_be_hidden()
    expect(page.locator("#instructions, #pose-cue").first).to_be_attached()
    assert picture.evaluate("e => getComputedStyle(e).transform") == "none"

    switch = floor.first("transition", switch=True)
    floor.run_to(switch.start + 500)
    expect(care).to_be_visible()
    expect(announced).not_to_contain_text("Take care")  # the same pose: heard once is enough
    right = next(s for s in floor.segs if s.kind == "hold" and s.start >= switch.end)
    floor.run_to(right.start + 500)
    assert routine["steps"][right.step]["side"] == "right"
    assert picture.evaluate("e => getComputedStyle(e).transform") == "matrix(-1, 0, 0, 1, 0, 0)"
    expect(page.locator("#pose-side")).to_have_text("Right side")

    move = next(s for s in floor.segs if s.kind == "transition" and not s.switch)
    floor.run_to(move.start + 500)
    following = routine["steps"][move.step]
    expect(care).to_contain_text(following["cautions"][0])
    expect(announced).to_contain_text("Take care")
    assert picture.evaluate("e => getComputedStyle(e).transform") == (
        "matrix(-1, 0, 0, 1, 0, 0)" if following["side"] == "right" else "none")


def test_turning_the_phone_mid_hold_keeps_the_time(
    new_page: Any, routine: dict[str, Any]
) -> None:
    page = new_page("phone", viewport={"width": 390, "height": 844})
    floor = Floor(page, routine).open().start()
    hold = floor.first("hold")
    floor.run_to(hold.start + 4250)  # 0.25 s into the countdown's second
    before = floor.timer()
    page.set_viewport_size({"width": 844, "height": 390})
    check_floor(page, "turned to landscape")
    assert floor.timer() == before
    floor.run_to(floor.at + 650)  # 0.1 s before the next second: still the same
    assert floor.timer() == before
    floor.run_to(floor.at + 200)  # 0.1 s after it
    assert floor.timer() != before
    page.set_viewport_size({"width": 390, "height": 844})
    check_floor(page, "turned back")
    assert page.locator("#player").get_attribute("data-state") == "playing"


def test_a_guest_finishing_gets_a_real_sign_up_link_and_a_next_routine(
    new_page: Any, routine: dict[str, Any]
) -> None:
    page = new_page("phone", viewport={"width": 390, "height": 844})
    floor = Floor(page, routine).open().start()
    floor.run_to(floor.segs[-1].end)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    join = page.get_by_role("link", name="Create an account to keep this streak")
    expect(join).to_be_visible()
    assert join.get_attribute("href") == "/signup?next=/history"
    held = sum(s["seconds"] for s in routine["steps"])
    words = f"{held // 60} min {held % 60} s" if held % 60 else f"{held // 60} min"
    expect(page.locator("#done-time")).to_have_text(words)
    suggestion = page.locator("#done-next a")
    expect(suggestion).to_be_visible()
    href = suggestion.get_attribute("href")
    assert href and href.startswith("/routines/") and href != f"/routines/{routine['slug']}"
    join.click()
    expect(page).to_have_url(re.compile(r"/signup\?next="))


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is, run in an isolated world (its own timers,
    untouched by the page's fake clock or CSP)."""
    axe_base = pytest.importorskip("axe_playwright_python.base")
    cdp = page.context.new_cdp_session(page)
    try:
        frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": "axe"})
        context = world["executionContextId"]
        cdp.send("Runtime.evaluate", {"expression": axe_base.AXE_SCRIPT, "contextId": context})
        ran = cdp.send("Runtime.evaluate", {
            "expression": "axe.run(document, { resultTypes: ['violations'] })",
            "contextId": context, "awaitPromise": True, "returnByValue": True,
        })
    finally:
        cdp.detach()
    assert "exceptionDetails" not in ran, ran
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in ran["result"]["value"]["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_any_state_of_floor_mode(
    new_page: Any, routine: dict[str, Any], scheme: str
) -> None:
    page = new_page("phone", viewport={"width": 844, "height": 390}, color_scheme=scheme)
    floor = Floor(page, routine).open()
    found: dict[str, list[str]] = {"ready": axe_violations(page)}
    floor.start()
    floor.run_to(1000)
    found["get ready"] = axe_violations(page)
    floor.run_to(floor.first("hold").start + 1000)
    found["hold"] = axe_violations(page)
    page.get_by_role("button", name="This hurts").click()
    found["this hurts"] = axe_violations(page)
    page.get_by_role("button", name="Keep going").click()
    page.get_by_role("button", name="Stop", exact=True).click()
    found["stop?"] = axe_violations(page)
    page.get_by_role("button", name="Keep going").click()
    page.get_by_role("button", name="Pause", exact=True).click()
    found["paused"] = axe_violations(page)
    page.get_by_role("button", name="Resume", exact=True).click()
    floor.run_to(floor.first("transition", switch=True).start + 1000)
    found["switch sides"] = axe_violations(page)
    floor.run_to(floor.segs[-1].end)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    found["done"] = axe_violations(page)
    assert {state: v for state, v in found.items() if v} == {}


MOVING_JS = """() => [...document.querySelectorAll("*")].filter((e) => {
  const s = getComputedStyle(e);
  const one = (t) => parseFloat(t) * (t.includes("ms") ? 1 : 1000);
  const ms = (v) => Math.max(...v.split(",").map(one));
  return (s.animationName !== "none" && ms(s.animationDuration) > 1)
    || ms(s.transitionDuration) > 1;
}).map((e) => `${e.tagName}#${e.id}.${e.className.baseVal ?? e.className}`)"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_keeps_the_bar_and_the_celebration_still(
    new_page: Any, routine: dict[str, Any], motion: str
) -> None:
    page = new_page("phone", viewport={"width": 844, "height": 390}, reduced_motion=motion)
    floor = Floor(page, routine).open().start()
    hold = floor.first("hold")
    floor.run_to(hold.end - 2500)  # the last seconds, where the countdown may pulse
    playing = page.evaluate(MOVING_JS)
    floor.run_to(floor.segs[-1].end)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    done = page.evaluate(MOVING_JS)
    if motion == "reduce":
        assert playing == [] and done == []
    else:
        assert any("timer" in m for m in playing) and any("done-mark" in m for m in done)


def test_full_screen_uses_the_fullscreen_api(new_page: Any, routine: dict[str, Any]) -> None:
    page = new_page("phone", viewport={"width": 844, "height": 390})
    Floor(page, routine).open().start()
    button = page.get_by_role("button", name="Full screen")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.fullscreenElement === document.documentElement")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.fullscreenElement") is None
