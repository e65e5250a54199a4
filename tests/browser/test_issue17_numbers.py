"""Numbers that agree, seen in a browser: one session's time on the done screen and in history,
and history catching up with a session a guest played before signing up."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_history_after_sign_up_shows_the_guests_session_as_the_done_screen_did(
    new_page: Any, sided: dict[str, Any], device: str
) -> None:
    # Without the service worker, whose kept pages this test is not about.
    page = new_page(device, service_workers="block")
    begin = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    page.clock.install(time=begin)
    page.clock.pause_at(begin + timedelta(seconds=5))
    page.goto(f"/routines/{sided['slug']}/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(sided["total_seconds"] * 1000 + 500)
    expect(page.locator("#done-panel")).to_be_visible()
    held = page.locator("#done-time").inner_text()
    assert held != "0\u00a0s"
    # Less than the routine's length: the done screen says what the figure counts.
    expect(page.locator("#done-panel")).to_contain_text(
        "Time stretching counts the holds, not getting ready or moving between poses.")

    # The done screen's own link: sign up, then land on /history while the queue still holds
    # the session, so the page is drawn before the server has it.
    page.get_by_role("link", name="Create an account to keep this streak").click()
    page.get_by_label(re.compile("^Username", re.I)).first.fill(f"h17-{uuid.uuid4().hex[:8]}")
    page.get_by_label(re.compile("^Password", re.I)).first.fill(PASSWORD)
    page.get_by_label(re.compile("^Time zone", re.I)).first.fill("Europe/Paris")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/history$"))

    cards = page.locator(".stat-card")
    expect(cards.first).to_contain_text("1day streak")
    sessions = page.locator(".session-list li")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text(sided["title"])
    expect(sessions.first).to_contain_text(f"{held} stretching")
    expect(page.get_by_text("counts the holds, not getting ready or moving")).to_be_visible()
