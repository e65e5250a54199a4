"""Installable: Chromium's own checks find no manifest or installability error, and the page
gets `beforeinstallprompt`.

Chromium never offers to install from an incognito profile, and every ordinary Playwright
context is one: this test runs in a persistent profile of its own instead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM_ARGS, CSP_WATCH, LiveServer, chromium_path

pytestmark = pytest.mark.browser

PROMPT_WATCH = """
window.__installPrompts = 0;
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();  // keep it for an install button of our own; no mini-infobar
  window.__installPrompts += 1;
});
"""


def test_chromium_finds_the_app_installable(
    playwright_instance: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), headless=True,
        args=CHROMIUM_ARGS, base_url=live_server.url, viewport={"width": 1366, "height": 768},
    )
    problems: list[str] = []
    try:
        context.add_init_script(CSP_WATCH)
        context.add_init_script(PROMPT_WATCH)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=30_000)
        cdp = context.new_cdp_session(page)

        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
        assert manifest["errors"] == []
        data = json.loads(manifest["data"])
        assert data["display"] == "standalone" and data["short_name"] == "Limber"

        icons = cdp.send("Page.getManifestIcons")
        assert icons.get("primaryIcon"), "Chromium found no icon it can install with"

        deadline = time.monotonic() + 15
        errors: list[Any] = ["not asked yet"]
        while errors and time.monotonic() < deadline:
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            if errors:
                time.sleep(0.2)
        assert errors == []

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not page.evaluate("window.__installPrompts"):
            time.sleep(0.1)
        assert page.evaluate("window.__installPrompts") >= 1, "no beforeinstallprompt"
        cdp.detach()
    finally:
        context.close()
    assert problems == []
