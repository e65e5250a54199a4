"""Languages in Chromium: a pseudo-language through every page and player state, German's long
words on a narrow phone, Spanish and German cues spoken in their language, axe in each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from stretch_app.config import PROJECT_ROOT, available_languages

from .. import pseudo_locale
from .conftest import LiveServer, PageProblems, running_app
from .helpers import check_axe, get_json, has_switch

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-languages")
T0 = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"

# Everything a person sees or hears on the page as it is now (hidden parts left out).
VISIBLE_JS = """() => {
  const texts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
    if (el.getClientRects().length === 0) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  // Text the style sheet writes (::before / ::after), which innerText leaves out.
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getClientRects().length === 0) continue;
    for (const part of ["::before", "::after"]) {
      const content = getComputedStyle(el, part).content;
      if (content && content.startsWith('"')) texts.push(content);
    }
  }
  return texts.join("\\n");
}"""

SPOKEN_JS = """() => {
  window.__spoken = [];
  const real = window.speechSynthesis;
  const fake = {
    speak: (u) => window.__spoken.push({ text: u.text, lang: u.lang }),
    cancel: () => {}, pause: () => {}, resume: () => {},
    getVoices: () => real ? real.getVoices() : [],
    addEventListener: () => {}, removeEventListener: () => {},
    speaking: false, pending: false, paused: false,
  };
  Object.defineProperty(window, "speechSynthesis", { get: () => fake });
}"""


@pytest.fixture(scope="module")
def pseudo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("pseudo-server")
    folder = pseudo_locale.build(tmp / "translations")
    languages = [*available_languages(PROJECT_ROOT / "translations"), pseudo_locale.PSEUDO]
    with running_app(tmp, LANGUAGES=languages, BABEL_TRANSLATION_DIRECTORIES=str(folder)) as server:
        yield server


@pytest.fixture
def open_page(new_page: Any) -> Any:
    """Make a page on a server, in a language: open_page(server, "phone", "de")."""

    def make(server: LiveServer, device: str, locale: str, **options: Any) -> Page:
        return new_page(device, base_url=server.url, locale=locale,
                        timezone_id="Europe/Madrid", **options)

    return make


def sided_routine(server: LiveServer) -> dict[str, Any]:
    listed = get_json(server, "/api/routines")["routines"]
    full = [get_json(server, f"/api/routines/{r['slug']}") for r in listed]
    found = [r for r in full if r["prep_seconds"] and r["transition_seconds"] and has_switch(r)]
    return min(found, key=lambda r: r["total_seconds"])


def sign_up_in(page: Page, login: str) -> None:
    """Sign up through the form, whatever language its labels are in."""
    page.goto("/signup")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=time_zone]").fill("Europe/Madrid")
    page.locator(".signup-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/signup" not in url)


class Unwrapped:
    """English left outside the pseudo-translation, by page state."""

    def __init__(self) -> None:
        self.vocabulary = pseudo_locale.english_vocabulary()
        self.found: dict[str, list[str]] = {}

    def check(self, page: Page, state: str) -> None:
        words = pseudo_locale.unwrapped_english(page.evaluate(VISIBLE_JS), self.vocabulary)
        if words:
            self.found[state] = sorted(set(words))[:15]


def test_every_page_and_player_state_speaks_through_the_catalogue(
    pseudo_server: LiveServer, open_page: Any, page_problems: PageProblems
) -> None:
    page = open_page(pseudo_server, "phone", "eo")
    page_problems.allow(r"status of 404")  # the page that does not exist
    left = Unwrapped()
    routine = sided_routine(pseudo_server)
    slug = routine["slug"]
    pages = ["/", "/routines", f"/routines/{slug}", "/poses", "/poses/standing-calf-stretch",
             "/guide", "/safety", "/login", "/signup", "/plans", "/generate", "/no-such-page"]
    for path in pages:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "eo")
        left.check(page, path)

    # The player, state by state, on a fake clock.
    page.clock.install(time=T0)
    page.goto(f"/routines/{slug}/play")
    page.clock.pause_at(T0 + timedelta(seconds=30))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    left.check(page, "player: ready")
    if page.locator("#safety-ok").is_visible():
        page.locator("#safety-ok").click()
    page.locator("#start-btn").click()
    left.check(page, "player: get ready")
    page.clock.run_for((routine["prep_seconds"] + 2) * 1000)
    left.check(page, "player: hold")
    page.locator("#pause-btn").click()
    left.check(page, "player: paused")
    page.locator("#pause-btn").click()  # the same button resumes
    page.locator("#hurts-btn").click()
    left.check(page, "player: this hurts")
    page.locator("#hurts-continue").click()
    page.locator("#stop-btn").click()
    left.check(page, "player: stop?")
    page.locator("#stop-cancel").click()
    page.clock.run_for(routine["total_seconds"] * 1000)
    expect(page.locator("#done-panel")).to_be_visible()
    left.check(page, "player: done")

    # Cramp now: choose, the stretch, its end.
    page.clock.resume()
    page.goto("/cramp-now")
    left.check(page, "cramp now: choose")
    page.locator("#cn-choose a.cn-place").first.click()
    left.check(page, "cramp now: stretch")
    page.locator("#cn-start").click()
    left.check(page, "cramp now: running")
    page.locator("#cn-eased").click()
    left.check(page, "cramp now: eased")

    # Signed in: the diary form, the builder, settings and reminders (scripts fill these).
    sign_up_in(page, "pseudo-reader")
    page_problems.allow(r"status of 40[01]")  # the builder's search may race the sign-in
    for path in ["/", "/diary/new", "/my-routines/new", "/history", "/diary/patterns",
                 "/diary/summary", "/settings", "/settings/reminders", "/plans"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        left.check(page, f"signed in {path}")
    assert left.found == {}, f"English outside the catalogue: {left.found}"


LONG_WORDS_PAGES = ["/", "/routines", "/guide", "/safety", "/cramp-now", "/signup",
                    "/poses", "/plans"]

# Elements whose text spills out of their box, or anything wider than the screen.
OVERFLOW_JS = """() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push(`page is ${document.documentElement.scrollWidth}px wide`);
  }
  for (const el of document.querySelectorAll("button, a, h1, h2, h3, label, .pill, th, td")) {
    const r = el.getBoundingClientRect();
    if (!r.width || getComputedStyle(el).visibility === "hidden") continue;
    if (el.scrollWidth > el.clientWidth + 2 && getComputedStyle(el).overflowX !== "visible") {
      out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" is cut off`);
    }
    // Chips in a row that scrolls sideways may sit past the edge: the row is scrolled to them.
    let scroller = el.parentElement;
    while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX)) {
      scroller = scroller.parentElement;
    }
    if (r.right > window.innerWidth + 1 && !scroller) {
      out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" runs off the screen`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["de", "es"])
def test_long_words_fit_a_narrow_phone(
    live_server: LiveServer, open_page: Any, lang: str
) -> None:
    page = open_page(live_server, "phone", lang, color_scheme="dark")
    page.set_viewport_size({"width": 360, "height": 740})
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    for path in LONG_WORDS_PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems[path] = found
        page.screenshot(path=str(SHOTS / f"{lang}{path.replace('/', '_') or '_home'}-360.png"),
                        full_page=True)
    assert problems == {}


@pytest.mark.parametrize(("lang", "switch_word"), [("es", "Cambia de lado"),
                                                   ("de", "Seite wechseln")])
def test_the_player_speaks_in_the_pages_language(
    live_server: LiveServer, open_page: Any, lang: str, switch_word: str
) -> None:
    page = open_page(live_server, "laptop", lang)
    page.add_init_script(f"({SPOKEN_JS})();")
    routine = sided_routine(live_server)
    page.clock.install(time=T0)
    page.goto(f"/routines/{routine['slug']}/play")
    page.clock.pause_at(T0 + timedelta(seconds=30))
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    if page.locator("#safety-ok").is_visible():
        page.locator("#safety-ok").click()
    page.locator("#start-btn").click()
    page.clock.run_for(routine["total_seconds"] * 1000)
    expect(page.locator("#done-panel")).to_be_visible()
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was spoken"
    assert {item["lang"].split("-")[0] for item in spoken} == {lang}
    assert any(switch_word in item["text"] for item in spoken), spoken[:8]
    page.screenshot(path=str(SHOTS / f"player-done-{lang}.png"))


@pytest.mark.parametrize("lang", ["es", "de"])
def test_pages_in_each_language_pass_axe(
    live_server: LiveServer, open_page: Any, lang: str
) -> None:
    page = open_page(live_server, "phone", lang)
    routine = sided_routine(live_server)
    for path in ["/", f"/routines/{routine['slug']}", f"/routines/{routine['slug']}/play",
                 "/guide", "/cramp-now"]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        check_axe(page, f"{lang} {path}")
