"""Layout as a person sees it: phone navigation, dark-mode icons, laptop widths, filter summary.

Phones held upright (360×740, 390×844) reach every destination from the tab bar or its More
menu without sideways scrolling; the home page's body-area icons keep 3:1 contrast in both
colour schemes; the guide, safety, settings, sign-up and diary pages use a laptop's width; the
routine list names the filters in use where they can be seen.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer, sign_up
from .helpers import seed_diary

pytestmark = pytest.mark.browser

PHONES = {"360x740": {"width": 360, "height": 740}, "390x844": {"width": 390, "height": 844}}
SIGNED_IN_PLACES = ["/", "/routines", "/poses", "/cramp-now", "/diary", "/history", "/guide",
                    "/settings", "/my-routines"]
SIGNED_OUT_PLACES = ["/", "/routines", "/poses", "/cramp-now", "/guide", "/safety", "/login",
                     "/signup"]
OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# The WCAG contrast ratio of two sRGB colours given as [r, g, b] in 0–255.
CONTRAST_JS = """([a, b]) => {
  const lum = (c) => {
    const [r, g, bl] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""

# An icon's drawing colour, and the colour right behind it: its tinted disc over the card.
ICON_COLOURS_JS = """(svg) => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const line = svg.querySelector('.area-icon-line, .area-icon-dot');
  const ink = getComputedStyle(line)[line.matches('.area-icon-dot') ? 'fill' : 'stroke'];
  const disc = getComputedStyle(svg.querySelector('.area-icon-disc'));
  let el = svg.parentElement, card = null;
  while (el && !card) {
    const bg = rgb(getComputedStyle(el).backgroundColor);
    if (bg.length < 4 || bg[3] > 0) card = bg.slice(0, 3);
    el = el.parentElement;
  }
  const alpha = Number(disc.fillOpacity);
  const tint = rgb(disc.fill).slice(0, 3);
  const behind = card.map((c, i) => tint[i] * alpha + c * (1 - alpha));
  return { ink: rgb(ink).slice(0, 3), card, behind };
}"""


def new_login() -> str:
    return f"layout-{uuid.uuid4().hex[:10]}"


def in_viewport(page: Page, locator: Any) -> bool:
    """Whether the element is shown and wholly inside the window."""
    if not locator.is_visible():
        return False
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and box["x"] >= -0.5 and box["y"] >= -0.5
                and box["x"] + box["width"] <= size["width"] + 0.5
                and box["y"] + box["height"] <= size["height"] + 0.5)


def reachable(page: Page, href: str) -> bool:
    """Whether a link to `href` is on screen now, or once the More menu is opened."""
    def visible_link() -> bool:
        links = page.locator(f'a[href="{href}"]')
        return any(in_viewport(page, links.nth(i)) for i in range(links.count()))

    if visible_link():
        return True
    more = page.locator(".tab-bar summary")
    if not in_viewport(page, more):
        return False
    more.click()
    try:
        return visible_link()
    finally:
        more.click()


@pytest.mark.parametrize("size", sorted(PHONES))
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_destination_is_on_screen_of_an_upright_phone(
    new_page: Callable[..., Page], size: str, signed_in: bool
) -> None:
    page = new_page("phone", viewport=PHONES[size], service_workers="block")
    if signed_in:
        sign_up(page, new_login())
    places = [*(SIGNED_IN_PLACES if signed_in else SIGNED_OUT_PLACES), "/plans"]
    for start in ("/", "/routines"):
        page.goto(start)
        assert page.evaluate(OVERFLOW_JS) <= 0, f"{start} scrolls sideways at {size}"
        missing = [href for href in places if not reachable(page, href)]
        assert not missing, f"not reachable from {start} at {size}: {missing}"
    # Nothing to scroll sideways in the navigation either: every bar item is wholly on screen.
    items = page.locator(".tab-bar .tab-list > li")
    assert items.count() == 5
    for i in range(items.count()):
        assert in_viewport(page, items.nth(i)), f"tab {i} is cut off at {size}"
    if signed_in:
        page.locator(".tab-bar summary").click()
        sign_out = page.locator(".tab-bar").get_by_role("button", name="Sign out")
        assert in_viewport(page, sign_out)
        sign_out.click()
        expect(page.get_by_text("You are signed out.")).to_be_visible()


@pytest.mark.parametrize("size", sorted(PHONES))
def test_the_tab_bar_covers_neither_the_page_nor_cramp_now(
    new_page: Callable[..., Page], size: str
) -> None:
    page = new_page("phone", viewport=PHONES[size])
    page.goto("/guide")
    cramp = page.locator("header a.nav-cramp").bounding_box()
    assert cramp and cramp["y"] >= 4, f"Cramp now is flush against the top: {cramp}"
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    bar = page.locator(".tab-bar").bounding_box()
    last = page.locator(".site-footer p").last.bounding_box()
    assert bar and last and last["y"] + last["height"] <= bar["y"] + 0.5, (last, bar)


def test_the_tab_bar_steps_aside_while_a_routine_plays(new_page: Callable[..., Page]) -> None:
    page = new_page("phone", viewport=PHONES["390x844"])
    page.clock.install()
    page.goto("/routines/quick-calf-reset/play")
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    if page.locator("#safety-first").is_visible():
        page.get_by_role("button", name="Got it").click()
    expect(page.locator(".tab-bar")).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".tab-bar")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollHeight - innerHeight") <= 0


def test_laptops_keep_every_destination_in_the_header(new_page: Callable[..., Page]) -> None:
    page = new_page("laptop")
    sign_up(page, new_login())
    page.goto("/")
    expect(page.locator(".tab-bar")).to_be_hidden()
    header = page.locator("header.site-header")
    for href in SIGNED_IN_PLACES[1:]:
        assert in_viewport(page, header.locator(f'a[href="{href}"]')), href
    assert page.evaluate(OVERFLOW_JS) <= 0


def test_plans_are_found_under_routines_on_a_laptop(new_page: Callable[..., Page]) -> None:
    page = new_page("laptop")
    page.goto("/routines")
    page.get_by_role("link", name="Follow a plan").click()
    expect(page).to_have_url(re.compile(r"/plans$"))
    header = page.locator("header.site-header")
    expect(header.locator('a[aria-current="page"]')).to_have_text("Routines")


# The space between one link's words and the next link's first, for links on one row.
LINK_SPACING_JS = """() => {
  const text = (a) => {
    const r = document.createRange();
    r.selectNodeContents(a);
    return r.getBoundingClientRect();
  };
  const links = [...document.querySelectorAll('.main-nav a')].map(text);
  const gaps = [];
  for (let i = 1; i < links.length; i++) {
    const [a, b] = [links[i - 1], links[i]];
    if (Math.abs(b.top - a.top) < 2) gaps.push(b.left - a.right);
  }
  const probe = document.querySelector('.main-nav a');
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = getComputedStyle(probe).font;
  return { gaps, space: ctx.measureText(' ').width };
}"""


@pytest.mark.parametrize("size", [(844, 390), (768, 1024)], ids=["on-its-side", "tablet"])
def test_header_links_stand_apart_when_packed(
        new_page: Callable[..., Page], size: tuple[int, int]) -> None:
    page = new_page("phone", viewport={"width": size[0], "height": size[1]})
    sign_up(page, new_login())
    page.goto("/diary")
    spacing = page.evaluate(LINK_SPACING_JS)
    assert len(spacing["gaps"]) >= 4, spacing
    # "My routines" must read as one name: links sit well over two word spaces apart.
    assert min(spacing["gaps"]) >= 2.5 * spacing["space"], spacing


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_body_area_icons_stand_out_in_both_schemes(
    new_page: Callable[..., Page], device: str, scheme: str
) -> None:
    page = new_page(device, color_scheme=scheme)
    page.goto("/")
    icons = page.locator(".area-choice svg.area-icon")
    assert icons.count() == 4
    for i in range(icons.count()):
        colours = icons.nth(i).evaluate(ICON_COLOURS_JS)
        for against in ("card", "behind"):
            ratio = page.evaluate(CONTRAST_JS, [colours["ink"], colours[against]])
            assert ratio >= 3, f"icon {i} in {scheme}: {ratio:.2f}:1 against its {against}"


def test_active_filters_are_named_above_the_results(
    new_page: Callable[..., Page], device: str
) -> None:
    page = new_page(device)
    page.goto("/routines?situation=bedtime&max_minutes=10")
    summary = page.locator(".filter-summary")
    assert in_viewport(page, summary)
    first_card = page.locator(".routine-card").first.bounding_box()
    box = summary.bounding_box()
    assert box and first_card and box["y"] + box["height"] <= first_card["y"]
    cards = page.locator(".routine-card").count()
    expect(summary).to_contain_text(f"Showing {cards} routine")
    for name in ("Remove filter: Bedtime", "Remove filter: ≤ 10 min", "Clear all"):
        assert in_viewport(page, summary.get_by_role("link", name=name, exact=True)), name
    # Removing one keeps the other; Clear all goes back to every routine.
    summary.get_by_role("link", name="Remove filter: Bedtime").click()
    expect(page).to_have_url(re.compile(r"/routines\?max_minutes=10$"))
    page.locator(".filter-summary").get_by_role("link", name="Clear all").click()
    expect(page).to_have_url(re.compile(r"/routines$"))
    expect(page.locator(".filter-summary")).to_have_count(0)
    expect(page.locator(".result-count")).to_have_text(
        f"Showing all {page.locator('.routine-card').count()} routines")


# Two parts of each page that sit side by side on a laptop and one above the other on a phone.
PAIRS = {
    "/guide": (".guide h1", ".guide-toc"),
    "/safety": (".guide h1", ".guide-toc"),
    "/settings": (".settings-layout > .card", ".settings-layout > .card"),
    "/signup": (".signup-form form", ".signup-perks"),
    "/diary": (".entry-list", ".diary-side"),
    "/history": (".history-pair .chart", ".area-minutes"),
}
# Of several cards, the first one and the top one of the next column (or the next one down).
PAIR_JS = """([a, b]) => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  const first = box(document.querySelector(a));
  const rest = [...document.querySelectorAll(b)].map(box)
    .filter((r) => r.x !== first.x || r.y !== first.y);
  const beside = rest.filter((r) => r.x > first.x + 1).sort((p, q) => p.y - q.y);
  return [first, beside[0] || rest.sort((p, q) => p.y - q.y)[0]];
}"""
WIDE_PARTS = {"/guide": ".guide", "/safety": ".guide", "/settings": ".settings-layout",
              "/signup": ".signup-layout", "/diary": ".diary-layout",
              "/history": ".history-pair"}


@pytest.fixture
def diary_keeper(new_page: Callable[..., Page], live_server: LiveServer) -> Callable[..., Page]:
    """A page signed in as someone with twelve weeks of diary entries (or a visitor's)."""
    def make(device: str, signed_in: bool = True, **options: Any) -> Page:
        page = new_page(device, service_workers="block", **options)
        if not signed_in:
            return page
        login = new_login()
        sign_up(page, login)
        seed_diary(live_server, login)
        return page

    return make


@pytest.mark.parametrize("path", sorted(PAIRS))
def test_laptop_pages_use_the_width_and_phones_one_column(
    diary_keeper: Callable[..., Page], path: str
) -> None:
    signed_in = path != "/signup"
    page = diary_keeper("laptop", signed_in)
    page.goto(path)
    first, second = page.evaluate(PAIR_JS, list(PAIRS[path]))
    assert first and second
    # Side by side: the second part starts right of the first and beside it, not below it.
    assert second["x"] >= first["x"] + first["width"] - 0.5, (path, first, second)
    assert second["y"] < first["y"] + first["height"], (path, first, second)
    wide = page.locator(WIDE_PARTS[path]).bounding_box()
    assert wide and wide["width"] >= 0.6 * 1366, (path, wide)
    assert page.evaluate(OVERFLOW_JS) <= 0

    phone = diary_keeper("phone", signed_in)
    phone.goto(path)
    assert phone.evaluate(OVERFLOW_JS) <= 0, f"{path} scrolls sideways on a phone"
    boxes = phone.evaluate(PAIR_JS, list(PAIRS[path]))
    assert all(boxes), path
    top, below = sorted(boxes, key=lambda b: b["y"])  # the diary puts its tools first
    assert below["y"] >= top["y"] + top["height"] - 0.5, (path, boxes)


def test_the_week_chart_fills_its_card_on_a_laptop(diary_keeper: Callable[..., Page]) -> None:
    page = diary_keeper("laptop")
    page.goto("/history")
    card = page.locator("figure.chart:has(svg.bars)").bounding_box()
    chart = page.locator("svg.bars").bounding_box()
    assert card and chart
    assert chart["width"] >= 0.9 * card["width"], (card, chart)


def test_charts_keep_their_words_near_body_size_on_a_phone_on_its_side(
        diary_keeper: Callable[..., Page]) -> None:
    page = diary_keeper("phone", viewport={"width": 844, "height": 390})
    page.goto("/diary/patterns")
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    heading = page.locator(".pc-heading").first.bounding_box()
    assert heading and heading["height"] <= 1.5 * body * 1.3, (heading, body)
    page.goto("/history")
    chart = page.locator("svg.bars").bounding_box()
    assert chart and chart["height"] <= 390 - 60, chart  # whole on screen under the header
    card = page.locator("figure.chart:has(svg.bars)").bounding_box()
    assert card and chart["width"] >= 0.9 * card["width"], (card, chart)


def test_buttons_that_wrap_keep_apart_on_a_phone(new_page: Callable[..., Page]) -> None:
    page = new_page("phone", viewport=PHONES["360x740"])
    page.goto("/safety")
    first = page.get_by_role("link", name="Choose a routine").bounding_box()
    second = page.get_by_role("link", name="Read the cramp guide").bounding_box()
    assert first and second
    apart_across = second["x"] >= first["x"] + first["width"] + 8
    apart_down = second["y"] >= first["y"] + first["height"] + 8
    assert apart_across or apart_down, (first, second)


@pytest.mark.parametrize("path", ["/guide", "/safety"])
def test_the_contents_column_stays_in_view_while_reading(
    new_page: Callable[..., Page], path: str
) -> None:
    page = new_page("laptop")
    page.goto(path)
    toc = page.locator(".guide-toc")
    links = toc.get_by_role("link")
    last = links.nth(links.count() - 1)
    target = last.get_attribute("href")
    last.click()
    expect(page).to_have_url(re.compile(f"{target}$"))
    page.wait_for_timeout(100)
    heading = page.locator(f"{target}, {target} h2").first
    assert in_viewport(page, toc), f"the contents scrolled away on {path}"
    box = heading.bounding_box()
    header = page.locator("header.site-header").bounding_box()
    assert box and header and box["y"] >= header["y"] + header["height"], (
        f"{target} hides under the sticky header on {path}")


TAB_LABELS_JS = """() => [...document.querySelectorAll('.tab-list > li')].map((li) => {
  const label = li.querySelector(':scope > a > span, :scope > details > summary > span');
  const icon = li.querySelector(':scope .tab-icon').getBoundingClientRect();
  const box = li.getBoundingClientRect(), r = label.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(label).lineHeight);
  return {
    text: label.textContent, shown: r.width > 1 && r.height > 1,
    inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5,
    oneLine: r.height < 1.5 * line, icon: icon.width,
  };
})"""


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_tab_labels_never_break_mid_word(new_page: Callable[..., Page], text_size: str) -> None:
    """Each tab shows its whole label on one line, or (text too large to fit) a larger icon
    alone, the label kept for screen readers."""
    page = new_page("phone", viewport=PHONES["360x740"])
    page.goto("/routines")
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    tabs = page.evaluate(TAB_LABELS_JS)
    assert len(tabs) == 5
    for tab in tabs:
        if text_size == "100%":
            assert tab["shown"], tab
        if tab["shown"]:
            assert tab["inside"] and tab["oneLine"], tab
        else:
            assert tab["icon"] >= 32, tab
    expect(page.get_by_role("link", name="Routines", exact=True).last).to_be_visible()


def test_more_opens_from_the_keyboard(new_page: Callable[..., Page]) -> None:
    page = new_page("phone", viewport=PHONES["390x844"])
    page.goto("/guide")
    more = page.locator(".tab-bar summary")
    expect(more).to_have_accessible_name("More")
    more.focus()
    page.keyboard.press("Enter")
    sign_in = page.locator(".more-list").get_by_role("link", name="Sign in")
    assert in_viewport(page, sign_in)
    page.keyboard.press("Tab")
    expect(sign_in).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))
