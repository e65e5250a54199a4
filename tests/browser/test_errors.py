"""Error pages as a person sees them: the app's own words and buttons that are easy to tap."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PageProblems

GAP_PX = 8


@pytest.mark.parametrize("path", ["/no-such-page", "/routines/no-such-routine"])
def test_a_missing_page_speaks_our_words_and_spaces_its_buttons(
        page: Any, page_problems: PageProblems, path: str) -> None:
    page_problems.allow(r"status of 404")
    response = page.goto(path)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("requested URL")
    expect(page.locator("main")).not_to_contain_text("Not Found")
    start = page.get_by_role("link", name="Back to the start").bounding_box()
    routines = page.get_by_role("link", name="All routines").bounding_box()
    width = page.viewport_size["width"]
    for box in (start, routines):
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["height"] >= 44  # a comfortable tap target
    side_by_side = abs(start["y"] - routines["y"]) < 1
    if side_by_side:
        assert routines["x"] - (start["x"] + start["width"]) >= GAP_PX
    else:
        assert routines["y"] - (start["y"] + start["height"]) >= GAP_PX
