"""Pose pictures in Chromium: movements move in the player and on the pose page, and hold still
for a reader who asks for less motion.

The animation lives inside each SVG (SMIL), so it runs on the real clock: two screenshots of
the picture a moment apart differ while it moves. Emulating reduced motion does not reach
inside an <img>, so that case starts Chromium with the preference forced on, as a reader's
system setting would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM_ARGS, DEVICES, LiveServer, chromium_path

pytestmark = pytest.mark.browser

# The first step of this routine is marching in place, a movement.
PLAYER = "/routines/warm-up-before-exercise/play"
MOVING = re.compile(r"/poses/march-in-place\.svg")


def _open_player(page: Any, url: str) -> None:
    page.goto(url + PLAYER)
    got_it = page.get_by_role("button", name="Got it")  # the first-visit safety note
    got_it.click()
    expect(got_it).to_be_hidden()
    expect(page.locator("#pose-image")).to_have_attribute("src", MOVING)


def _frames(page: Any, selector: str, count: int = 4) -> list[bytes]:
    """Return screenshots of a loaded picture taken 350 ms apart (most of a marching step)."""
    page.wait_for_function(
        "(sel) => { const i = document.querySelector(sel); return i.complete && i.naturalWidth; }",
        arg=selector,
    )
    # The service worker's first install and any late banner settle before the frames are taken.
    page.wait_for_load_state("networkidle")
    image = page.locator(selector)
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    # Inside the picture's edges only: the frame's border and the shadows of things above it
    # are the page's, not the picture's, and they may change while the page settles.
    inset = 6
    clip = {
        "x": box["x"] + inset,
        "y": box["y"] + inset,
        "width": box["width"] - 2 * inset,
        "height": box["height"] - 2 * inset,
    }
    shots = []
    for _ in range(count):
        shots.append(page.screenshot(clip=clip))
        page.wait_for_timeout(350)
    return shots


def _moving(shots: list[bytes]) -> bool:
    return len(set(shots)) > 1


def _still(shots: list[bytes]) -> bool:
    # The first shot may catch the page still settling (a note closing, a late layout).
    return len(set(shots[1:])) == 1


def test_a_movement_moves_in_the_player(live_server: LiveServer, page: Any) -> None:
    _open_player(page, live_server.url)
    assert _moving(_frames(page, "#pose-image"))


def test_a_movement_moves_on_its_pose_page(
    live_server: LiveServer, new_page: Callable[..., Any]
) -> None:
    page = new_page("laptop")
    page.goto(live_server.url + "/poses/march-in-place")
    assert _moving(_frames(page, ".pose-figure img"))


def test_a_still_pose_stays_still(live_server: LiveServer, new_page: Callable[..., Any]) -> None:
    page = new_page("laptop")
    page.goto(live_server.url + "/poses/standing-calf-stretch")
    assert _still(_frames(page, ".pose-figure img"))


@pytest.fixture
def reduced_motion_page(playwright_instance: Any) -> Any:
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[*CHROMIUM_ARGS, "--force-prefers-reduced-motion"],
    )
    context = browser.new_context(**DEVICES["phone"])
    yield context.new_page()
    context.close()
    browser.close()


def test_reduced_motion_holds_the_player_picture_still(
    live_server: LiveServer, reduced_motion_page: Any
) -> None:
    page = reduced_motion_page
    _open_player(page, live_server.url)
    assert _still(_frames(page, "#pose-image", count=5))
