"""Following a plan in the browser: a guest's first day carried to a new account, and the
pause, resume and leave buttons on a laptop."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import LiveServer, sign_up
from .helpers import check_axe, get_json, wait_for_empty_queue, wait_until

pytestmark = pytest.mark.browser

SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"
NIGHTLY = "bedtime-calf-and-hamstring-stretch"
PARIS = ZoneInfo("Europe/Paris")  # the browser's zone in these tests


def a_moment_today() -> datetime:
    """Return a few minutes ago, but never before today's midnight in Paris."""
    now = datetime.now(UTC).replace(microsecond=0)
    midnight = datetime.now(PARIS).replace(hour=0, minute=0, second=1, microsecond=0)
    return max(now - timedelta(minutes=5), midnight.astimezone(UTC))


def test_a_guest_plays_day_one_and_keeps_it_on_sign_up(
    new_page: Any, live_server: LiveServer
) -> None:
    routine = get_json(live_server, f"/api/routines/{NIGHTLY}")
    page = new_page("phone", service_workers="block")
    begin = a_moment_today()
    page.clock.install(time=begin)
    page.clock.pause_at(begin + timedelta(seconds=5))

    page.goto(f"/plans/{SIX_WEEKS}")
    page.get_by_role("button", name="Start this plan").click()
    expect(page.locator(".plan-progress")).to_have_text("Day 1 of 42 · 0 sessions done")
    first_day = page.locator(".plan-day").first
    expect(first_day).to_have_attribute("aria-current", "date")
    expect(first_day).to_have_class(re.compile(r"\bday-today\b"))

    page.goto("/")
    today = page.get_by_role("link", name=f"Today: {routine['title']}")
    expect(today).to_be_visible()
    today.click()
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(routine["total_seconds"] * 1000 + 500)
    expect(page.locator("#done-panel")).to_be_visible()
    pending = page.evaluate("JSON.parse(localStorage.getItem('limber.completions.pending'))")
    assert len(pending) == 1  # a guest's session waits in this browser

    # The server knows nothing of it yet; the pages mark the day from the browser's queue.
    page.goto(f"/plans/{SIX_WEEKS}")
    expect(first_day).to_have_class(re.compile(r"\bday-done\b"))
    expect(first_day.locator(".plan-day-status")).to_have_text("Done")
    expect(page.locator(".plan-day.day-done")).to_have_count(1)
    expect(page.locator(".plan-progress")).to_have_text("Day 1 of 42 · 1 session done")
    expect(page.get_by_role("link", name="Play it again")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name="Done today · play again")).to_be_visible()

    sign_up(page, f"planner-{uuid.uuid4().hex[:8]}")
    wait_for_empty_queue(page)
    state = wait_until(
        lambda: (s := page.request.get("/api/plan").json())["sessions_done"] == 1 and s,
        "the session to count in the account's plan")
    assert state["plan"]["slug"] == SIX_WEEKS and state["day_number"] == 1
    assert state["today"]["status"] == "done"
    page.goto(f"/plans/{SIX_WEEKS}")
    expect(page.locator(".plan-progress")).to_have_text("Day 1 of 42 · 1 session done")
    expect(page.get_by_text("kept in this browser")).to_have_count(0)


def test_start_pause_resume_and_leave_on_a_laptop(new_page: Any) -> None:
    page = new_page("laptop", service_workers="block")
    sign_up(page, f"desk-{uuid.uuid4().hex[:8]}")
    page.goto("/plans")
    check_axe(page, "/plans")
    page.get_by_role("link", name="Two weeks of desk breaks for your back").click()
    page.get_by_role("button", name="Start this plan").click()
    expect(page.get_by_text("Plan started")).to_be_visible()
    expect(page.locator(".plan-progress")).to_contain_text("Day 1 of 14")
    expect(page.locator(".plan-week")).to_have_count(2)
    check_axe(page, "the desk plan, started")

    card = page.locator(".plan-home")
    page.goto("/")
    expect(card).to_contain_text("Day 1 of 14")
    expect(card).not_to_contain_text("Paused")
    card.get_by_role("link", name="Two weeks of desk breaks for your back").click()

    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("heading", name="Paused")).to_be_visible()
    check_axe(page, "the desk plan, paused")
    page.goto("/")
    expect(card).to_contain_text("Paused")
    expect(card.get_by_role("link", name=re.compile("^(Today|Done today)"))).to_have_count(0)

    page.goto("/plans/desk-back")
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()

    # Leaving asks first.
    page.get_by_text("Leave the plan", exact=True).click()
    expect(page.get_by_text("starting it again begins at day 1")).to_be_visible()
    check_axe(page, "the desk plan, asking before leaving")
    page.get_by_role("button", name="Yes, leave the plan").click()
    expect(page.get_by_text("You have left the plan")).to_be_visible()
    expect(page.get_by_role("button", name="Start this plan")).to_be_visible()
    page.goto("/")
    expect(card).to_have_count(0)
