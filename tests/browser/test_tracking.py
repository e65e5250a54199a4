"""Tracking end to end on a phone: the streak after a session, and a session done offline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems, sign_up
from .helpers import wait_for_empty_queue

pytestmark = pytest.mark.browser


def play_to_the_end(page: Page, routine: dict[str, Any]) -> None:
    """Open the player, press Start and run the fake clock past the routine's total."""
    page.goto(f"/routines/{routine['slug']}/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(routine["total_seconds"] * 1000 + 500)
    expect(page.locator("#done-panel")).to_be_visible()


def stored(page: Page) -> list[dict[str, Any]]:
    return page.request.get("/api/completions").json()["completions"]


def test_streak_shows_and_an_offline_session_is_sent_once(
    new_page: Any, sided: dict[str, Any], page_problems: PageProblems  # noqa: F811
) -> None:
    page = new_page("phone")
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    page.clock.install(time=begin)
    sign_up(page, f"streaky-{uuid.uuid4().hex[:8]}")
    page.clock.pause_at(begin + timedelta(seconds=5))

    play_to_the_end(page, sided)
    expect(page.locator("#done-streak")).to_have_text("Current streak: 1 day")
    expect(page.locator("#done-saved")).to_have_text("Session saved.")

    page.goto("/history")
    expect(page.locator(".stat-card").first).to_contain_text("1")
    expect(page.locator(".stat-card").first).to_contain_text("day streak · today done")
    assert len(stored(page)) == 1
    # The calendar is wider than a phone and scrolls sideways: it opens on this week.
    today_cell = page.locator(".heatmap .cell-active").last
    shown = page.locator(".heatmap-scroll").bounding_box()
    cell = today_cell.bounding_box()
    assert shown is not None and cell is not None
    assert shown["x"] <= cell["x"] and cell["x"] + cell["width"] <= shown["x"] + shown["width"]
    # The weekly chart's first date label is drawn whole, not cut at the chart's edge.
    chart = page.locator("svg.bars").bounding_box()
    label = page.locator("svg.bars .tick").first.bounding_box()
    assert chart is not None and label is not None and label["width"] > 0
    assert chart["x"] <= label["x"] and label["x"] + label["width"] <= chart["x"] + chart["width"]

    # The second session is played with the connection gone: it waits in the browser.
    page.goto(f"/routines/{sided['slug']}/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.context.set_offline(True)
    page_problems.allow("ERR_INTERNET_DISCONNECTED")  # the done screen's stats request
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(sided["total_seconds"] * 1000 + 500)
    expect(page.locator("#done-saved")).to_contain_text("Saved on this device")
    pending = page.evaluate("JSON.parse(localStorage.getItem('limber.completions.pending'))")
    assert len(pending) == 1

    # Back online, the queue sends it; syncing again changes nothing. The clock runs again, as
    # it would for a person, so a send that meets the network still coming back is retried.
    page.context.set_offline(False)
    page.clock.resume()
    wait_for_empty_queue(page, seconds=20)
    assert len(stored(page)) == 2
    page.reload()
    wait_for_empty_queue(page)
    page.goto("/history")
    assert len(stored(page)) == 2
    expect(page.locator(".session-list li")).to_have_count(2)


def test_a_session_played_before_sign_up_shows_on_home_without_a_reload(
    new_page: Any, sided: dict[str, Any]
) -> None:
    # Without the service worker, whose kept pages this test is not about.
    page = new_page("phone", service_workers="block")
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    page.clock.install(time=begin)
    page.clock.pause_at(begin + timedelta(seconds=5))
    play_to_the_end(page, sided)  # as a guest: the session waits in this browser
    pending = page.evaluate("JSON.parse(localStorage.getItem('limber.completions.pending'))")
    assert len(pending) == 1

    sign_up(page, f"late-{uuid.uuid4().hex[:8]}")
    # Home was drawn before the queue sent the session; the banner catches up on its own.
    banner = page.locator(".streak-banner")
    expect(page.get_by_text("Your sessions will now be saved.")).to_be_visible()
    expect(banner).to_contain_text("1-day streak")
    expect(banner).to_contain_text("Today is done. Well stretched!")
    expect(banner).to_contain_text("1 of 3 active days this week")
    wait_for_empty_queue(page)
    assert len(stored(page)) == 1
