"""Import from Settings on a phone and a laptop: choose a file, check what it adds, then add it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveServer, PageProblems, sign_up
from .helpers import seed_diary

pytestmark = pytest.mark.browser


def test_a_phone_previews_and_imports_a_csv_then_an_export(
    new_page: Any, live_server: LiveServer, page_problems: PageProblems, device: str
) -> None:
    old = new_page("phone")
    login = f"old-{uuid.uuid4().hex[:8]}"
    sign_up(old, login)
    seed_diary(live_server, login)  # 30 sessions and 24 diary entries
    export = old.request.get("/api/export").json()
    csv_text = old.request.get("/history/completions.csv").body()

    page = new_page(device)
    width = page.viewport_size["width"]
    sign_up(page, f"new-{uuid.uuid4().hex[:8]}")
    steps = [
        ("limber-sessions.csv", "text/csv", csv_text,
         "30 sessions, 0 days off and 0 diary entries"),
        ("limber-export.json", "application/json", json.dumps(export).encode(),
         "0 sessions, 0 days off and 24 diary entries"),
    ]
    for name, kind, content, adds in steps:
        page.goto("/settings")
        section = page.locator("#import")
        section.get_by_label("File to import").set_input_files(
            {"name": name, "mimeType": kind, "buffer": content})
        section.get_by_role("button", name="Preview import").click()

        expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
        already = "; 30 are already here." if name.endswith(".json") else "."
        expect(page.locator(".import-summary")).to_have_text(f"{adds} will be added{already}")
        button = page.get_by_role("button", name="Import", exact=True)
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        before = page.request.get("/api/export").json()
        button.click()
        expect(page.locator(".flash-success")).to_contain_text(f"Imported {name}: {adds} added")
        assert before != page.request.get("/api/export").json()  # only now, not at preview
    mine = page.request.get("/api/export").json()
    assert len(mine["completions"]) == 30 and len(mine["cramps"]) == 24

    # A file that is not an export: a clear message, and the chooser to try another.
    page_problems.allow("status of 422")  # the refusal page's status
    page.locator("#import").get_by_label("File to import").set_input_files({
        "name": "notes.txt", "mimeType": "text/plain", "buffer": b"my stretching notes"})
    page.locator("#import").get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "is neither a Limber export (JSON) nor a Limber sessions CSV")
    expect(page.locator("#import").get_by_label("File to import")).to_be_visible()
