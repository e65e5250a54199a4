"""A share link opened signed out, revoked; the generator's no-floor routine on a phone."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import sign_up
from .helpers import check_axe

pytestmark = pytest.mark.browser

STEPS = [{"pose": "standing-calf-stretch", "seconds": 20}, {"pose": "chair-figure-four"}]


def test_a_share_link_plays_for_someone_signed_out_until_it_is_revoked(
    new_page: Any,
) -> None:
    owner = new_page("laptop")
    sign_up(owner, f"sharer-{uuid.uuid4().hex[:8]}")
    token = owner.locator('meta[name="csrf-token"]').get_attribute("content")
    made = owner.request.post("/api/my-routines", headers={"X-CSRFToken": token},
                              data={"title": "Two for the office", "steps": STEPS}).json()
    owner.goto(f"/routines/{made['slug']}")
    owner.get_by_role("button", name="Get a share link").click()
    link = owner.get_by_label("Share link").input_value()
    assert "/routines/shared-" in link

    friend = new_page("phone")
    friend.goto(link)
    expect(friend.get_by_role("heading", level=1)).to_have_text("Two for the office")
    expect(friend.get_by_text("Someone shared this routine with you")).to_be_visible()
    expect(friend.get_by_role("link", name="sign in")).to_be_visible()  # to save a copy
    check_axe(friend, "shared routine, signed out")
    friend.get_by_role("link", name="Start routine").click()
    expect(friend.locator("#player")).to_have_attribute("data-ready", "true")

    owner.get_by_role("button", name="Stop sharing").click()
    expect(owner.get_by_role("button", name="Get a share link")).to_be_visible()
    gone = friend.request.get(link)
    assert gone.status == 404


def test_the_generator_makes_a_no_floor_routine_that_plays_at_once(new_page: Any) -> None:
    page = new_page("phone")
    page.goto("/generate")
    page.get_by_role("link", name="No floor").click()
    expect(page.get_by_label("On the floor")).not_to_be_checked()
    page.get_by_label("Back").check()
    page.get_by_label("Minutes").select_option("10")
    page.get_by_role("button", name="Make my routine").click()
    page.wait_for_url(re.compile(r"/routines/gen-"))
    slug = page.url.rsplit("/", 1)[1]
    routine = page.request.get(f"/api/routines/{slug}").json()
    poses = {p["id"]: p for p in page.request.get("/api/poses").json()["poses"]}
    assert abs(routine["total_seconds"] - 600) <= 60
    assert all(set(poses[s["pose"]]["positions"]) - {"floor"} for s in routine["steps"])
    check_axe(page, "generated routine")
    page.get_by_role("link", name="Reshuffle").click()
    page.wait_for_url(re.compile(r"/routines/gen-"))
    assert page.url.rsplit("/", 1)[1] != slug
    page.get_by_role("link", name="Start routine").click()
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
