"""The routine player end to end, in Chromium, on a phone and a laptop, with a fake clock.

Expectations are computed here from the routine's JSON (the content rule in docs/CONTENT.md),
independently of the player's own timeline module.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems, sign_up
from .helpers import Segment, segments, wait_for_empty_queue

pytestmark = pytest.mark.browser

T0 = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # 21:00 in Paris, the contexts' zone
START = T0 + timedelta(seconds=30)  # the fake clock is paused here before Start is pressed
SHOTS = Path("/tmp/shots")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")
COMPLETION_KEYS = {
    "id", "routine", "started_at", "ended_at", "time_zone", "steps_done", "steps_total",
    "seconds_done", "finished",
}

STATE_JS = """() => {
  const $ = (id) => document.getElementById(id);
  const side = $("pose-side");
  return {
    state: $("player").dataset.state,
    phase: $("phase").textContent.trim(),
    name: $("pose-name").textContent.trim(),
    side: side.hidden ? "" : side.textContent.trim(),
    timer: document.querySelector('[role="timer"]').textContent.trim(),
    step: $("step-count").textContent.trim(),
    left: $("time-left").textContent.trim(),
  };
}"""

HIDE_JS = """(hidden) => {
  Object.defineProperty(document, "visibilityState", {
    configurable: true, get: () => (hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event("visibilitychange"));
}"""

# A stand-in Screen Wake Lock that records what the page asks for and, like a browser, lets go
# of every lock when the page is hidden.
WAKE_LOCK_JS = """
window.__wake = [];
const held = new Set();
Object.defineProperty(navigator, "wakeLock", { configurable: true, value: {
  request: async (type) => {
    window.__wake.push("request:" + type);
    const listeners = [];
    const lock = {
      released: false,
      addEventListener: (name, fn) => listeners.push(fn),
      drop() { held.delete(lock); lock.released = true; listeners.forEach((fn) => fn()); },
      release: async () => { window.__wake.push("release"); lock.drop(); },
    };
    held.add(lock);
    return lock;
  },
}});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") {
    for (const lock of [...held]) { window.__wake.push("lost"); lock.drop(); }
  }
});
"""


# ---- expectations from the routine JSON ----------------------------------------------------


def clock(ms: int) -> str:
    seconds = -(-ms // 1000)  # ceil
    return f"{seconds // 60}:{seconds % 60:02d}"


def phase_label(seg: Segment) -> str:
    if seg.kind == "hold":
        return "Hold"
    if seg.kind == "prep":
        return "Get ready"
    return "Switch sides" if seg.switch else "Next pose"


def side_label(side: str | None) -> str:
    return f"{side.capitalize()} side" if side else ""


def expected_at(routine: dict[str, Any], ms: int) -> dict[str, str]:
    total = routine["total_seconds"] * 1000
    seg = next(s for s in segments(routine) if s.start <= ms < s.end)
    step = routine["steps"][seg.step]
    return {
        "state": "playing",
        "phase": phase_label(seg),
        "name": step["name"],
        "side": side_label(step["side"]),
        "timer": clock(seg.end - ms),
        "step": f"Step {seg.step + 1} of {len(routine['steps'])}",
        "left": f"{clock(total - ms)} left",
    }


# ---- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_routine(catalog: list[dict[str, Any]]) -> dict[str, Any]:
    """The shortest routine still playing well after a five-minute jump."""
    found = [r for r in catalog if r["total_seconds"] >= 400]
    assert found, "the content has no routine of 400 s or more"
    return min(found, key=lambda r: r["total_seconds"])


class Player:
    """A player page on a fake clock paused at START; `at` is ms since Start was pressed."""

    def __init__(self, page: Page, routine: dict[str, Any]) -> None:
        self.page = page
        self.routine = routine
        self.at = 0

    def open(self) -> Player:
        self.page.clock.install(time=T0)
        self.page.goto(f"/routines/{self.routine['slug']}/play")
        self.page.clock.pause_at(START)
        expect(self.page.locator("#player")).to_have_attribute("data-ready", "true")
        return self

    def start(self) -> Player:
        self.button("Start").click()
        self.at = 0
        return self

    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def run_to(self, ms: int) -> dict[str, str]:
        assert ms >= self.at
        if ms > self.at:
            self.page.clock.run_for(ms - self.at)
        self.at = ms
        return self.state()

    def run_for(self, ms: int) -> dict[str, str]:
        return self.run_to(self.at + ms)

    def state(self) -> dict[str, str]:
        return self.page.evaluate(STATE_JS)

    def pending(self) -> list[dict[str, Any]]:
        raw = self.page.evaluate("localStorage.getItem('limber.completions.pending')")
        return json.loads(raw or "[]")

    def announced(self) -> str:
        return (self.page.locator("#announcer").text_content() or "").strip()

    def hold_segments(self) -> list[Segment]:
        return [s for s in segments(self.routine) if s.kind == "hold"]


def check_completion(item: dict[str, Any], routine: dict[str, Any]) -> None:
    assert set(item) == COMPLETION_KEYS
    assert UUID4.match(item["id"])
    assert item["routine"] == routine["slug"]
    assert item["time_zone"] == "Europe/Paris"
    for key in ("started_at", "ended_at"):
        assert ISO_OFFSET.match(item[key]), item[key]
        assert not item[key].endswith("Z")
    assert item["started_at"] == "2026-11-24T21:00:30+01:00"  # START, local time in Paris
    assert item["steps_total"] == len(routine["steps"])
    assert isinstance(item["finished"], bool)
    for key in ("steps_done", "steps_total", "seconds_done"):
        assert isinstance(item[key], int) and not isinstance(item[key], bool)


def elapsed_seconds(item: dict[str, Any]) -> float:
    start = datetime.fromisoformat(item["started_at"])
    end = datetime.fromisoformat(item["ended_at"])
    return (end - start).total_seconds()


# ---- tests ---------------------------------------------------------------------------------


def test_steps_appear_on_schedule_and_the_routine_ends_at_its_total(
    page: Page, sided: dict[str, Any], page_problems: PageProblems
) -> None:
    player = Player(page, sided).open()
    before = player.state()
    assert before["state"] == "ready"
    assert before["left"] == f"{clock(sided['total_seconds'] * 1000)} left"
    player.start()
    assert player.state() == expected_at(sided, 0)

    for seg in segments(sided)[1:]:
        earlier = player.run_to(seg.start - 100)
        assert earlier == expected_at(sided, seg.start - 100)
        assert earlier["timer"] == "0:01"
        now = player.run_to(seg.start + 100)
        assert now == expected_at(sided, seg.start + 100), seg
        assert now["timer"] == clock(seg.end - seg.start)

    total = sided["total_seconds"] * 1000
    last = player.run_to(total - 100)
    assert last["state"] == "playing" and last["timer"] == "0:01"
    expect(page.locator("#done-panel")).to_be_hidden()
    done = player.run_to(total)
    assert done["state"] == "done"
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    expect(page.locator("#done-time")).to_have_text(re.compile(r"\d+\s+min"))
    count = len(sided["steps"])
    expect(page.locator("#done-steps")).to_have_text(f"{count} of {count}")
    expect(page.locator("#done-tip")).to_have_text(sided["tip"])

    [item] = player.pending()
    check_completion(item, sided)
    assert item["finished"] is True
    assert item["steps_done"] == len(sided["steps"])
    assert item["seconds_done"] == sum(s["seconds"] for s in sided["steps"])
    assert elapsed_seconds(item) == sided["total_seconds"]
    assert page_problems.items == []


def test_milestones_are_announced_politely_not_every_second(
    page: Page, sided: dict[str, Any]
) -> None:
    player = Player(page, sided).open().start()
    live = page.locator("#announcer")
    assert live.get_attribute("aria-live") == "polite"
    assert "Get ready" in player.announced()
    hold = next(s for s in player.hold_segments() if sided["steps"][s.step]["side"])
    step = sided["steps"][hold.step]
    player.run_to(hold.start + 100)
    said = player.announced()
    assert step["name"] in said and f"{step['side']} side" in said
    player.run_for(1000)
    assert player.announced() == said  # nothing new each second
    duration = hold.end - hold.start
    if duration >= 10_000:
        player.run_to(hold.start + (duration // 2000) * 1000 + 100)
        assert player.announced() == "Halfway."
    player.run_to(hold.end - 3000 + 100)
    assert player.announced() == "3 seconds left."
    player.run_to(hold.end - 1000 + 100)
    assert player.announced() == "3 seconds left."
    expect(page.get_by_role("timer")).to_have_text("0:01")


def test_pause_holds_the_time(page: Page, sided: dict[str, Any]) -> None:
    page.context.add_init_script(WAKE_LOCK_JS)
    player = Player(page, sided).open().start()
    first = player.hold_segments()[0]
    playing = player.run_to(first.start + 4000)
    assert page.evaluate("window.__wake") == ["request:screen"]
    player.button("Pause").click()
    expect(player.button("Resume")).to_be_visible()
    expect(player.button("Pause")).to_have_count(0)
    assert page.evaluate("window.__wake") == ["request:screen", "release"]
    paused = player.run_for(10_000)
    assert paused == {**playing, "state": "paused", "phase": "Paused"}
    page.clock.fast_forward("02:00")
    assert player.state() == paused
    player.at += 120_000
    player.button("Resume").click()
    assert page.evaluate("window.__wake") == ["request:screen", "release", "request:screen"]
    later = player.run_for(1000)
    assert later["state"] == "playing"
    assert later["timer"] == clock(first.end - first.start - 5000)


def test_next_and_previous(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    holds = player.hold_segments()
    steps = sided["steps"]

    player.button("Next step").click()  # from the lead-in: to the first hold
    assert player.state() == expected_at(sided, holds[0].start)
    player.run_for(3000)
    player.button("Next step").click()
    assert player.state() == expected_at(sided, holds[1].start)
    player.run_for(2000)
    player.button("Previous step").click()
    assert player.state() == expected_at(sided, holds[0].start)
    assert steps[1]["name"] in player.announced()  # the new step is announced
    player.run_for(5000)
    assert player.state()["timer"] == clock(steps[0]["seconds"] * 1000 - 5000)
    player.button("Previous step").click()  # from the first step: back to the start
    assert player.state() == expected_at(sided, 0)
    # From the lead-in, n + 1 presses: through every hold, and from the last one to the end.
    for _ in range(len(steps) + 1):
        player.button("Next step").click()
    assert player.state()["state"] == "done"
    [item] = player.pending()
    check_completion(item, sided)
    assert item["finished"] is True


def test_keyboard_space_and_arrows(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    holds = player.hold_segments()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    assert player.state() == expected_at(sided, holds[0].start)
    player.run_for(2000)
    page.keyboard.press("Space")
    paused = player.state()
    assert paused["state"] == "paused"
    expect(player.button("Resume")).to_be_visible()
    assert player.run_for(5000) == paused
    page.keyboard.press("ArrowRight")
    paused_at = {"state": "paused", "phase": "Paused"}
    assert player.state() == {**expected_at(sided, holds[1].start), **paused_at}
    page.keyboard.press("ArrowLeft")
    assert player.state() == {**expected_at(sided, holds[0].start), **paused_at}
    page.keyboard.press("Space")
    assert player.run_for(1000) == expected_at(sided, holds[0].start + 1000)
    # With the Pause button focused, Space is that button's own click: still pause/resume.
    player.button("Pause").focus()
    page.keyboard.press("Space")
    assert player.state()["state"] == "paused"


def test_resume_after_reload(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    second = player.hold_segments()[1]
    before = player.run_to(second.start + 7000)
    page.reload()
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    resume = player.button("Resume where you left off")
    expect(resume).to_be_visible()
    expect(page.locator("#resume-text")).to_contain_text(sided["steps"][second.step]["name"])
    assert player.state() == {**before, "state": "offer"}
    resume.click()
    assert player.state() == before
    player.run_to(sided["total_seconds"] * 1000)
    assert player.state()["state"] == "done"
    [item] = player.pending()
    check_completion(item, sided)
    assert item["finished"] is True
    assert item["steps_done"] == len(sided["steps"])
    assert item["seconds_done"] == sum(s["seconds"] for s in sided["steps"])


def test_no_resume_offer_after_thirty_minutes_and_the_partial_is_kept(
    page: Page, sided: dict[str, Any]
) -> None:
    player = Player(page, sided).open().start()
    first = player.hold_segments()[0]
    player.run_to(first.start + 6000)
    player.button("Pause").click()
    page.clock.fast_forward("31:00")
    page.reload()
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    expect(player.button("Resume where you left off")).to_be_hidden()
    expect(player.button("Start")).to_be_visible()
    [item] = player.pending()
    check_completion(item, sided)
    assert item["finished"] is False
    assert item["seconds_done"] == 6
    assert item["steps_done"] == 0


def test_a_hidden_tab_lands_on_the_right_step(page: Page, long_routine: dict[str, Any]) -> None:
    page.context.add_init_script(WAKE_LOCK_JS)
    player = Player(page, long_routine).open().start()
    player.run_to(3000)
    page.evaluate(HIDE_JS, True)
    page.clock.fast_forward("05:00")
    page.evaluate(HIDE_JS, False)
    player.at = 303_000
    assert player.state() == expected_at(long_routine, 303_000)
    assert page.evaluate("window.__wake") == ["request:screen", "lost", "request:screen"]
    after = player.run_for(1000)
    assert after == expected_at(long_routine, 304_000)


def test_stop_asks_first_and_cancel_keeps_playing(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    holds = player.hold_segments()
    player.run_to(holds[0].start + 4000)
    player.button("Stop").click()
    sheet = page.get_by_role("dialog", name="Stop the routine?")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("saved as a partial session")
    assert player.state()["state"] == "paused"
    player.run_for(3000)  # the time does not run while the question is open
    sheet.get_by_role("button", name="Keep going").click()
    expect(sheet).to_be_hidden()
    assert player.run_for(1000) == expected_at(sided, holds[0].start + 5000)
    assert player.pending() == []


def test_stop_then_confirm_records_a_partial_session(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    holds = player.hold_segments()
    player.run_to(holds[1].start + 4000)
    player.button("Stop").click()
    page.get_by_role("button", name="Yes, stop").click()
    expect(page.get_by_role("heading", name="Stopped early")).to_be_visible()
    [item] = player.pending()
    check_completion(item, sided)
    assert item["finished"] is False
    assert item["steps_done"] == 1
    assert item["seconds_done"] == sided["steps"][0]["seconds"] + 4
    assert elapsed_seconds(item) == (holds[1].start + 4000) / 1000


def test_stop_before_any_hold_records_nothing(page: Page, sided: dict[str, Any]) -> None:
    player = Player(page, sided).open().start()
    player.run_for(2000)
    player.button("Stop").click()
    expect(page.get_by_role("dialog")).to_contain_text("nothing is recorded")
    page.get_by_role("button", name="Yes, stop").click()
    expect(player.button("Start")).to_be_visible()
    assert player.pending() == []


def test_this_hurts_offers_stop_then_easier_then_skip(
    page: Page, sided: dict[str, Any]
) -> None:
    player = Player(page, sided).open().start()
    holds = player.hold_segments()
    step = sided["steps"][0]
    player.run_to(holds[0].start + 2000)
    player.button("This hurts").click()
    dialog = page.get_by_role("dialog", name="Ease off")
    expect(dialog).to_be_visible()
    assert player.state()["state"] == "paused"
    # The safest choice first; "Keep going" last and plainest.
    names = [n.strip() for n in dialog.get_by_role("button").all_inner_texts()]
    assert names == ["Stop the routine", "Try the easier version", "Skip this pose", "Keep going"]
    expect(dialog).to_contain_text(step["easier"])
    warning = dialog.get_by_role("link", name=re.compile("Warning signs"))
    assert warning.get_attribute("href") == "/safety"
    plain = dialog.get_by_role("button", name="Keep going").evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert plain in ("rgba(0, 0, 0, 0)", "transparent")

    dialog.get_by_role("button", name="Keep going").click()
    expect(dialog).to_be_hidden()
    assert player.state()["state"] == "playing"

    player.button("This hurts").click()
    dialog.get_by_role("button", name="Try the easier version").click()
    expect(dialog).to_be_hidden()
    assert player.state()["state"] == "playing"
    expect(page.locator("#easier-now")).to_have_text(f"Easier: {step['easier']}")

    player.button("This hurts").click()
    dialog.get_by_role("button", name="Skip this pose").click()
    expect(dialog).to_be_hidden()
    lead_in = next(s for s in segments(sided) if s.end == holds[1].start)
    assert player.state() == expected_at(sided, lead_in.start)
    expect(page.locator("#easier-now")).to_be_hidden()

    player.button("This hurts").click()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert player.state()["state"] == "playing"

    player.run_to(holds[1].start + 3000)
    player.button("This hurts").click()
    dialog.get_by_role("button", name="Stop the routine").click()
    expect(page.get_by_role("heading", name="Stopped early")).to_be_visible()
    [item] = player.pending()
    assert item["finished"] is False


def test_cue_switches_are_remembered(page: Page, sided: dict[str, Any]) -> None:
    Player(page, sided).open()
    page.get_by_text("Sound and cues").click()
    beeps = page.get_by_label("Beeps")
    expect(beeps).to_be_checked()
    beeps.uncheck()
    page.reload()
    page.get_by_text("Sound and cues").click()
    expect(page.get_by_label("Beeps")).not_to_be_checked()
    expect(page.get_by_label("Voice")).to_be_checked()
    saved = json.loads(page.evaluate("localStorage.getItem('limber.cues')"))
    assert saved["beeps"] is False


def test_without_javascript_the_page_links_back(
    new_page: Any, sided: dict[str, Any]
) -> None:
    page = new_page("phone", java_script_enabled=False)
    page.goto(f"/routines/{sided['slug']}/play")
    link = page.get_by_role("link", name=re.compile("See every step"))
    expect(link).to_be_visible()
    assert link.get_attribute("href") == f"/routines/{sided['slug']}"
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_and_layout(
    new_page: Any, device: str, scheme: str, sided: dict[str, Any]
) -> None:
    page = new_page(device, color_scheme=scheme)
    player = Player(page, sided).open()
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.viewport_size["height"]

    player.start()
    player.run_for(2000)
    page.screenshot(path=str(SHOTS / f"{device}-{scheme}-prep.png"))
    check_layout(page, device, width, height)

    hold = next(s for s in player.hold_segments() if sided["steps"][s.step]["side"] == "right")
    state = player.run_to(hold.start + 8000)
    assert state["side"] == "Right side"
    page.screenshot(path=str(SHOTS / f"{device}-{scheme}-hold.png"))
    check_layout(page, device, width, height)
    timer = page.get_by_role("timer").bounding_box()
    assert timer and timer["y"] >= 0 and timer["y"] + timer["height"] <= height
    controls = page.locator("#controls").bounding_box()
    assert controls and timer["y"] + timer["height"] <= controls["y"] + 1, "timer under controls"

    player.run_to(sided["total_seconds"] * 1000)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"{device}-{scheme}-done.png"))
    check_layout(page, device, width, height, playing=False)

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert (sum(channels) / 3 < 80) if scheme == "dark" else (sum(channels) / 3 > 200)


def check_layout(page: Page, device: str, width: int, height: int, playing: bool = True) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    targets = page.locator(
        "#player :is(button, a, input, summary):visible"
    )
    for i in range(targets.count()):
        target = targets.nth(i)
        box = target.bounding_box()
        assert box, target
        kind = target.evaluate("e => e.tagName")
        if kind == "INPUT":  # the checkbox's label is the target
            box = target.locator("xpath=ancestor::label").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (target.text_content(), box)
    if not playing:
        return
    font = page.get_by_role("timer").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= (88 if device == "phone" else 96)
    if device == "phone":
        controls = page.locator("#controls").bounding_box()
        assert controls and height - 16 <= controls["y"] + controls["height"] <= height
        pause = page.get_by_role("button", name=re.compile("^(Pause|Resume)$")).bounding_box()
        assert pause and pause["y"] > height * 0.75, "the main button is within thumb reach"


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_is_honoured(
    new_page: Any, motion: str, sided: dict[str, Any]
) -> None:
    page = new_page("phone", reduced_motion=motion)
    player = Player(page, sided).open().start()
    first = player.hold_segments()[0]
    player.run_to(first.end - 2500)
    animation = page.get_by_role("timer").evaluate("e => getComputedStyle(e).animationName")
    assert animation == ("none" if motion == "reduce" else "player-pulse")


def test_signed_in_sessions_reach_the_server_and_the_streak_shows(
    new_page: Any, sided: dict[str, Any], page_problems: PageProblems
) -> None:
    page = new_page("phone")
    # A session that ended a little while ago: the server refuses sessions from the future.
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=15)

    # As a guest the session waits in the browser.
    page.clock.install(time=begin)
    page.goto(f"/routines/{sided['slug']}/play")
    page.clock.pause_at(begin + timedelta(seconds=30))
    player = Player(page, sided)
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    player.start()
    for _ in range(len(sided["steps"]) + 1):
        player.button("Next step").click()
    expect(page.locator("#done-saved")).to_contain_text("Sign in")
    expect(page.get_by_role("link", name="Create an account to keep this streak")).to_be_visible()
    [guest_item] = player.pending()

    # Signed in, the next page that loads the queue sends it.
    sign_up(page, f"player-{uuid.uuid4().hex[:10]}")
    page.goto(f"/routines/{sided['slug']}/play")
    wait_for_empty_queue(page)

    # A stale CSRF token is refreshed from /api/csrf and the post retried.
    page_problems.allow(r"status of 400")
    api_calls: list[str] = []
    page.on("response", lambda r: api_calls.append(f"{r.request.method} {r.url} {r.status}"))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.evaluate("document.querySelector('meta[name=\"csrf-token\"]').content = 'stale'")
    player.start()
    player.run_to(sided["total_seconds"] * 1000)
    expect(page.locator("#done-streak")).to_have_text("Current streak: 1 day")
    expect(page.locator("#done-saved")).to_have_text("Session saved.")
    expect(page.get_by_role("link", name="Create an account to keep this streak")).to_be_hidden()
    assert player.pending() == []
    assert page.evaluate("localStorage.getItem('limber.completions.rejected')") is None
    posts = [c.split()[-1] for c in api_calls if "/api/completions" in c and c.startswith("POST")]
    assert posts == ["400", "201"]
    assert any("/api/csrf" in c for c in api_calls)

    stored = page.request.get("/api/completions").json()["completions"]
    assert len(stored) == 2
    assert all(c["routine"] == sided["slug"] and c["finished"] is True for c in stored)
    assert any(guest_item["id"] in json.dumps(c) for c in stored)
