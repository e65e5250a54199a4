"""The routine builder in Chromium: build by touch on a phone and play it (online and offline),
build by keyboard alone on a laptop, and a refused save that writes nothing."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems, sign_up
from .helpers import check_axe, wait_for_empty_queue

pytestmark = pytest.mark.browser

PENDING = "limber.completions.pending"


def login() -> str:
    return f"builder-{uuid.uuid4().hex[:8]}"


def holds(page: Page) -> dict[str, int]:
    return {p["id"]: p["hold_seconds"] for p in page.request.get("/api/poses").json()["poses"]}


def minutes(seconds: int) -> str:
    """The app's duration words: "2 min 5 s" with no-break spaces."""
    m, s = divmod(seconds, 60)
    return f"{m}\xa0min {s}\xa0s" if m and s else f"{m}\xa0min" if m else f"{s}\xa0s"


def add_by_search(page: Page, query: str, name: str) -> None:
    page.get_by_label("Search by name or body part").fill(query)
    page.get_by_role("button", name=f"Add {name}", exact=True).click()


def focused_label(page: Page) -> str:
    return page.evaluate("document.activeElement.getAttribute('aria-label') || "
                         "document.activeElement.id")


def saved_routines(page: Page) -> list[dict[str, Any]]:
    return page.request.get("/api/my-routines").json()["routines"]


def play_to_the_end(page: Page, total_seconds: int) -> None:
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    if page.locator("#safety-first").is_visible():
        page.get_by_role("button", name="Got it").click()
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(total_seconds * 1000 + 500)
    expect(page.locator("#done-panel")).to_be_visible()


def test_a_routine_built_on_a_phone_plays_and_counts_online_and_offline(
    new_page: Any, page_problems: PageProblems
) -> None:
    page = new_page("phone")
    sign_up(page, login())
    hold = holds(page)
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=30_000)

    page.goto("/my-routines")
    expect(page.get_by_text("Your own routines live here")).to_be_visible()
    page.get_by_role("link", name="New routine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New routine")
    expect(page.locator("#builder-total")).to_have_text("Total 0\xa0s")
    page.get_by_label("Title").fill("Night calves")

    add_by_search(page, "calf", "Standing calf stretch")
    add_by_search(page, "cat", "Cat-cow")
    add_by_search(page, "child", "Child's pose")
    live = page.locator("#builder-live")
    expect(live).to_have_text(re.compile(r"^Added Child's pose, step 3 of 3\."))
    steps = page.locator("#step-list > li")
    expect(steps).to_have_count(3)
    # 10 prep + 30 left + 5 + 30 right + 5 + cat-cow + 5 + child's pose
    calf = hold["standing-calf-stretch"]
    expected = 10 + calf + 5 + calf + 5 + hold["cat-cow"] + 5 + hold["childs-pose"]
    expect(page.locator("#builder-total")).to_have_text(f"Total {minutes(expected)}")

    # A hold typed in (and tabbed out of) changes the total at once.
    page.get_by_label("Hold Cat-cow, step 2 of 3, in seconds").fill("20")
    page.keyboard.press("Tab")
    expected += 20 - hold["cat-cow"]
    expect(page.locator("#builder-total")).to_have_text(f"Total {minutes(expected)}")

    page.get_by_role("button", name="Move Child's pose up (step 3 of 3)").click()
    expect(steps.locator(".step-pose")).to_have_text(
        ["Standing calf stretch", "Child's pose", "Cat-cow"])
    assert focused_label(page) == "Move Child's pose up (step 2 of 3)"
    expect(live).to_have_text("Moved Child's pose to step 2 of 3.")

    page.get_by_role("button", name="Remove Standing calf stretch (step 1 of 3)").click()
    expect(steps.locator(".step-pose")).to_have_text(["Child's pose", "Cat-cow"])
    assert focused_label(page) == "Remove Child's pose (step 1 of 2)"
    total = 10 + hold["childs-pose"] + 5 + 20
    expect(page.locator("#builder-total")).to_have_text(f"Total {minutes(total)}")
    expect(page.locator("#bar-steps")).to_have_text("2 steps")
    # The bar with the total and Save sits above the tab bar, on screen.
    bar = page.locator("#builder-bar").bounding_box()
    tabs = page.locator(".tab-bar").bounding_box()
    assert bar and tabs and bar["y"] + bar["height"] <= tabs["y"] + 0.5

    steps.nth(1).get_by_text("Add a note").click()
    page.get_by_label("Note for Cat-cow, step 2 of 2").fill("Slowly, with the breath")

    page.get_by_role("button", name="Save routine").click()
    page.wait_for_url(re.compile(r"/routines/my-\d+$"))
    slug = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", level=1)).to_have_text("Night calves")
    expect(page.locator(".step-list a.step-name")).to_have_text(["Child's pose", "Cat-cow"])
    expect(page.locator(".step-list .step-note")).to_have_text(["Slowly, with the breath"])
    [mine] = saved_routines(page)
    assert mine["total_seconds"] == total and mine["slug"] == slug

    # Played to the end online: the session counts and the streak is 1.
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    page.clock.install(time=begin)
    page.get_by_role("link", name="Start routine").click()
    page.clock.pause_at(begin + timedelta(seconds=5))
    play_to_the_end(page, total)
    expect(page.locator("#done-streak")).to_have_text("Current streak: 1 day")
    page.goto("/history")
    expect(page.locator(".stat-card").first).to_contain_text("day streak · today done")
    completions = page.request.get("/api/completions").json()["completions"]
    assert [c["routine"] for c in completions] == [slug]

    # Offline: the kept play page reloads from the worker, plays, and its session waits here.
    page.goto(f"/routines/{slug}/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.context.set_offline(True)
    page_problems.allow("ERR_INTERNET_DISCONNECTED")
    page_problems.allow(r"status of 400")  # a kept page's CSRF token is refreshed by the queue
    page.reload()
    play_to_the_end(page, total)
    expect(page.locator("#done-saved")).to_contain_text("Saved on this device")
    pending = page.evaluate(f"JSON.parse(localStorage.getItem('{PENDING}'))")
    assert [p["routine"] for p in pending] == [slug] and pending[0]["finished"] is True

    page.clock.resume()
    page.context.set_offline(False)
    wait_for_empty_queue(page, seconds=20)  # the machine may be busy: real time passes here
    completions = page.request.get("/api/completions").json()["completions"]
    assert [c["routine"] for c in completions] == [slug, slug]
    page.goto("/")
    expect(page.locator(".streak-banner")).to_contain_text("1-day streak")


def tab_to(page: Page, selector: str, back: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_routine_is_built_by_keyboard_alone_on_a_laptop(
    new_page: Any, page_problems: PageProblems
) -> None:
    page = new_page("laptop")
    sign_up(page, login())
    page.goto("/my-routines")
    tab_to(page, 'a[href="/my-routines/new"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New routine")
    # The library and the routine stand side by side.
    library = page.locator(".builder-library").bounding_box()
    routine = page.locator(".builder-routine").bounding_box()
    assert library and routine and library["x"] + library["width"] <= routine["x"]

    tab_to(page, "#pose-search")
    page.keyboard.type("cat")
    tab_to(page, '[aria-label="Add Cat-cow"]')
    page.keyboard.press("Enter")
    assert focused_label(page) == "Add Cat-cow"  # ready to add the next one
    tab_to(page, "#pose-search", back=True)
    page.keyboard.press("Control+a")
    page.keyboard.type("child")
    tab_to(page, """[aria-label="Add Child's pose"]""")
    page.keyboard.press("Enter")
    expect(page.locator("#step-list .step-pose")).to_have_text(["Cat-cow", "Child's pose"])

    # A link past the list's Add buttons leads to the routine: the next Tab is its title.
    tab_to(page, ".skip-list", back=True)
    expect(page.locator(".skip-list")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_label(page) == "title"
    page.keyboard.type("Keyboard only")
    tab_to(page, """[aria-label="Move Child's pose up (step 2 of 2)"]""")
    page.keyboard.press("Enter")
    expect(page.locator("#step-list .step-pose")).to_have_text(["Child's pose", "Cat-cow"])
    # Moved to the top, it cannot go up again: the focus goes to its other move button.
    assert focused_label(page) == "Move Child's pose down (step 1 of 2)"
    check_axe(page, "the builder with two steps")

    tab_to(page, "#builder-save")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/routines/my-\d+$"))
    [mine] = saved_routines(page)
    assert mine["title"] == "Keyboard only"
    assert [s["pose"] for s in mine["written_steps"]] == ["childs-pose", "cat-cow"]

    page.goto("/my-routines")
    expect(page.locator(".my-routine")).to_have_count(1)
    check_axe(page, "My routines")
    page.goto(f"/my-routines/{mine['id']}/edit")
    expect(page.locator("#title")).to_have_value("Keyboard only")
    expect(page.locator("#step-list > li")).to_have_count(2)
    check_axe(page, "the builder editing a routine")

    # Editing saves over the same routine (PUT), and its length follows; a token that expired
    # while the page was open is fetched again rather than losing the edit.
    page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'expired'")
    page_problems.allow(r"status of 400")
    tab_to(page, "#hold-1")
    page.keyboard.press("Control+a")
    page.keyboard.type("90")
    tab_to(page, "#builder-save")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/routines/my-{mine['id']}$"))
    [edited] = saved_routines(page)
    before = mine["written_steps"][1]["seconds"]
    assert edited["written_steps"][1]["seconds"] == 90
    assert edited["total_seconds"] == mine["total_seconds"] + 90 - before


def test_a_refused_save_says_why_and_writes_nothing(
    new_page: Any, page_problems: PageProblems
) -> None:
    page = new_page("phone")
    sign_up(page, login())
    page.goto("/my-routines/new")
    page.get_by_role("button", name="Save routine").click()
    problems = page.locator("#builder-problems")
    expect(problems).to_be_focused()
    expect(problems).to_contain_text("Give the routine a title of at least 3 characters.")
    expect(problems).to_contain_text("Add at least one pose.")
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Title").fill("ab")
    add_by_search(page, "cat", "Cat-cow")
    page.get_by_role("button", name="Save routine").click()
    expect(problems).to_be_focused()
    expect(page.locator("#title-error")).to_have_text(
        "Give the routine a title of at least 3 characters.")
    expect(problems).not_to_contain_text("Add at least one pose.")
    assert saved_routines(page) == []

    # The server's own refusal (an invisible character) is shown beside the field too.
    page_problems.allow(r"status of 422")
    page.get_by_label("Title").fill("Calf\u200breset")
    page.get_by_role("button", name="Save routine").click()
    expect(page.locator("#title-error")).to_contain_text("plain text")
    expect(problems).to_be_focused()
    assert saved_routines(page) == []
    assert page.url.endswith("/my-routines/new")

    # Unsaved work is not lost to a stray close: the browser asks first.
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
