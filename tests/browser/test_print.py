"""A routine's printable card in Chromium: paper shows the card alone, on as few pages as it
can, and the screen offers Print and the way back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_axe

pytestmark = pytest.mark.browser

# Page objects in a PDF that Chromium writes: "/Type /Page", never "/Type /Pages".
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")
HIDDEN_IN_PRINT = (".site-header", ".tab-bar", ".site-footer", ".skip-link", ".print-actions",
                   "[data-print]")


def distinct_poses(routine: dict[str, Any]) -> int:
    return len({step["pose"] for step in routine["steps"]})


def pages_printed(page: Page, paper: str) -> int:
    return len(PDF_PAGE.findall(page.pdf(format=paper)))


@pytest.fixture(scope="module")
def typical(catalog: list[dict[str, Any]]) -> dict[str, Any]:
    """The routine with the most poses, up to ten: what one sheet must hold."""
    return max((r for r in catalog if distinct_poses(r) <= 10),
               key=lambda r: (distinct_poses(r), len(r["steps"])))


def test_paper_shows_the_card_alone_in_black_on_white_on_one_page(
        new_page: Any, typical: dict[str, Any]) -> None:
    page = new_page("laptop", color_scheme="dark", service_workers="block")
    page.goto(f"/routines/{typical['slug']}/print")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        assert not page.locator(selector).first.is_visible(), selector
    expect(page.get_by_role("heading", level=1)).to_have_text(typical["title"])
    assert distinct_poses(typical) >= 9
    expect(page.locator("img.card-pic")).to_have_count(distinct_poses(typical))
    colours = page.evaluate("""() => ({
      body: getComputedStyle(document.body).backgroundColor,
      text: [...document.querySelectorAll('.print-card :is(h1, h2, p, li)')]
        .map((e) => getComputedStyle(e).color).filter((c) => c !== 'rgb(0, 0, 0)'),
    })""")
    assert colours == {"body": "rgb(255, 255, 255)", "text": []}
    assert pages_printed(page, "A4") == 1
    assert pages_printed(page, "Letter") == 1


def test_a_long_routine_runs_on_to_a_second_page_only(
        new_page: Any, catalog: list[dict[str, Any]]) -> None:
    longest = max(catalog, key=distinct_poses)
    assert distinct_poses(longest) > 10
    page = new_page("laptop", service_workers="block")
    page.goto(f"/routines/{longest['slug']}/print")
    assert pages_printed(page, "A4") == 2


def test_print_button_prints_and_the_link_leads_back(new_page: Any,
                                                     typical: dict[str, Any]) -> None:
    page = new_page("phone", service_workers="block")
    page.goto(f"/routines/{typical['slug']}")
    page.get_by_role("link", name="Print card").click()
    expect(page).to_have_url(re.compile(f"/routines/{typical['slug']}/print$"))
    # The real dialogue would block a headless page: count the calls instead.
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    page.get_by_role("link", name="Back to the routine").click()
    expect(page).to_have_url(re.compile(f"/routines/{typical['slug']}$"))


@pytest.mark.parametrize(("device", "scheme"), [("phone", "light"), ("laptop", "dark")])
def test_card_page_passes_axe(new_page: Any, typical: dict[str, Any], device: str,
                              scheme: str) -> None:
    page = new_page(device, color_scheme=scheme, service_workers="block")
    page.goto(f"/routines/{typical['slug']}/print")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check_axe(page, f"print card ({scheme})")
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
